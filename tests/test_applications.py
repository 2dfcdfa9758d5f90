"""Keras 2.3.1's applications (keras_applications 1.0.8 on minikeras layers): parameter
counts equal Keras's published ones; weights='imagenet' downloads a weight file in Keras's
exact HDF5 layout (made here, served by a local HTTP server) to the Keras cache and loads
it; preprocess_input / decode_predictions."""
import os

import numpy as np
import pytest

pytest.importorskip('keras_applications', reason='keras_applications is not installed in '
                    'this lane (pip install "minikeras[applications]")')

import minikeras.backend as K  # noqa: E402
from local_http import LocalHTTP  # noqa: E402

# Keras's published parameter counts (keras.io/applications, include_top=True)
PUBLISHED = [
    ('MobileNet', 4253864), ('MobileNetV2', 3538984), ('DenseNet121', 8062504),
    ('NASNetMobile', 5326716), ('ResNet50', 25636712), ('InceptionV3', 23851784),
    ('Xception', 22910480), ('ResNet50V2', 25613800),
    ('VGG16', 138357544), ('VGG19', 143667240), ('ResNet101', 44707176),
    ('ResNet152', 60419944), ('ResNet101V2', 44675560), ('ResNet152V2', 60380648),
    ('InceptionResNetV2', 55873736), ('DenseNet169', 14307880), ('DenseNet201', 20242984),
    ('NASNetLarge', 88949818),
]
# building all 18 takes ~60 s on TensorFlow; other engines build the first 8 (every family's
# building blocks: depthwise/separable convs, dense blocks, NASNet cells, residual units)
EVERY_ENGINE = 8


@pytest.mark.parametrize('name,count', PUBLISHED, ids=[n for n, _ in PUBLISHED])
def test_parameter_counts_equal_keras(name, count):
    if PUBLISHED.index((name, count)) >= EVERY_ENGINE and K.backend() != 'tensorflow':
        pytest.skip('%s (%d parameters) is checked in the tensorflow lane; this engine '
                    'checks the first %d models to keep the lane fast'
                    % (name, count, EVERY_ENGINE))
    import minikeras.applications as applications
    model = getattr(applications, name)(weights=None)
    try:
        assert model.count_params() == count
    finally:
        K.clear_session()


def test_no_top_pooling_classes_input_shape():
    from minikeras.applications import MobileNetV2
    model = MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3), alpha=0.35,
                        pooling='avg')
    assert model.output_shape == (None, 1280)
    head = MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.35, classes=7)
    assert head.output_shape == (None, 7)        # (predictions: the imagenet test below)
    with pytest.raises(ValueError):
        MobileNetV2(weights='imagenet', classes=7)


def write_keras_weights(path, model):
    """``model``'s weights in Keras 2.3.1's ``save_weights`` HDF5 layout."""
    import h5py
    with h5py.File(path, 'w') as f:
        f.attrs['layer_names'] = [l.name.encode('utf8') for l in model.layers]
        f.attrs['backend'] = b'tensorflow'
        f.attrs['keras_version'] = b'2.2.4'
        for layer in model.layers:
            g = f.create_group(layer.name)
            names = [layer._weight_names[id(w)].encode('utf8') for w in layer.weights]
            g.attrs['weight_names'] = names
            for name, value in zip(names, K.batch_get_value(layer.weights)):
                g.create_dataset(name.decode('utf8'), data=value)


def test_imagenet_weights_download_and_load(tmp_path, monkeypatch):
    import keras_applications.mobilenet as kmobilenet
    from minikeras.applications.mobilenet import MobileNet
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'keras'))
    source = MobileNet(alpha=0.25, input_shape=(128, 128, 3), weights=None)
    rng = np.random.RandomState(0)
    values = []
    for layer in source.layers:
        for w in layer.weights:
            v = rng.normal(0, 0.1, K.int_shape(w)).astype('float32')
            if 'moving_variance' in layer._weight_names[id(w)]:
                v = np.abs(v) + 0.5
            values.append(v)
    source.set_weights(values)
    served = str(tmp_path / 'mobilenet_2_5_128_tf.h5')
    write_keras_weights(served, source)
    x = rng.rand(2, 128, 128, 3).astype('float32')
    expected = source.predict(x)
    with LocalHTTP() as server:
        server.files['/weights/mobilenet_2_5_128_tf.h5'] = open(served, 'rb').read()
        monkeypatch.setattr(kmobilenet, 'BASE_WEIGHT_PATH', server.url + '/weights/')
        loaded = MobileNet(alpha=0.25, input_shape=(128, 128, 3), weights='imagenet')
    assert os.path.exists(str(tmp_path / 'keras' / 'models' / 'mobilenet_2_5_128_tf.h5'))
    for a, b in zip(loaded.get_weights(), values):
        np.testing.assert_array_equal(a, b)
    assert np.all(np.isfinite(expected))
    np.testing.assert_allclose(loaded.predict(x), expected, rtol=1e-5, atol=1e-6)


def test_preprocess_input_and_decode_predictions(monkeypatch):
    import keras_applications.imagenet_utils as kutils
    from minikeras.applications import mobilenet, resnet50
    x = np.full((1, 2, 2, 3), 255., dtype='float32')
    np.testing.assert_allclose(mobilenet.preprocess_input(x.copy()), 1.0)        # 'tf' mode
    caffe = resnet50.preprocess_input(x.copy())                                   # BGR - mean
    np.testing.assert_allclose(caffe[0, 0, 0], [255 - 103.939, 255 - 116.779, 255 - 123.68],
                               rtol=1e-5)
    monkeypatch.setattr(kutils, 'CLASS_INDEX',
                        dict((str(i), ['n%08d' % i, 'class_%d' % i]) for i in range(1000)))
    preds = np.zeros((1, 1000), dtype='float32')
    preds[0, [3, 999]] = [0.7, 0.2]
    top = mobilenet.decode_predictions(preds, top=2)
    assert [t[1] for t in top[0]] == ['class_3', 'class_999']
