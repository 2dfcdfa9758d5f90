"""Keras 2.3.1's module paths and the helpers behind them (keras.engine, backend.common,
utils.losses_utils / multi_gpu_utils / conv_utils / layer_utils / data_utils enqueuers)."""
import importlib
import os
import sys

import numpy as np
import pytest

import minikeras
import minikeras.backend as K
from minikeras import layers
from minikeras.models import Model

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools')


def test_engine_exports_the_keras_classes():
    from minikeras.engine import Input, InputLayer, InputSpec, Layer, Model as EModel
    from minikeras.engine.topology import Network, Node, get_source_inputs  # noqa: F401
    from minikeras.engine.base_layer import Layer as BaseLayer
    from minikeras.engine.training import Model as TModel
    assert Layer is layers.Layer is BaseLayer and EModel is Model is TModel
    assert InputLayer is layers.InputLayer and InputSpec is layers.InputSpec
    assert issubclass(Model, Network) and callable(Input)


def test_get_source_inputs_follows_the_graph():
    from minikeras.engine import get_source_inputs
    a, b = layers.Input((3,)), layers.Input((3,))
    out = layers.Dense(2)(layers.add([layers.Dense(3)(a), b]))
    sources = get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert get_source_inputs(a) == [a]


def test_layer_submodules_reexport_as_keras_does():
    from minikeras.layers.convolutional import MaxPooling2D, Convolution2DTranspose
    assert MaxPooling2D is layers.MaxPooling2D
    assert Convolution2DTranspose is layers.Conv2DTranspose
    for mod, name in [('core', 'Dense'), ('recurrent', 'LSTMCell'), ('merge', 'concatenate'),
                      ('normalization', 'BatchNormalization'), ('wrappers', 'Bidirectional'),
                      ('advanced_activations', 'PReLU'), ('noise', 'AlphaDropout'),
                      ('embeddings', 'Embedding'), ('pooling', 'GlobalAvgPool1D')]:
        assert getattr(importlib.import_module('minikeras.layers.' + mod), name) is \
            getattr(layers, name)


def test_backend_common_and_load_backend():
    from minikeras.backend import common, load_backend
    assert common.floatx() == K.floatx() == 'float32'
    assert common.epsilon() == 1e-7
    x = common.cast_to_floatx([1, 2])
    assert x.dtype == np.float32 and K.cast_to_floatx(3).dtype == np.float32
    assert common.normalize_data_format(None) == K.image_data_format()
    assert load_backend.backend() == K.backend()
    old = K.image_data_format()
    try:
        K.set_image_dim_ordering('th')       # Keras 2 legacy setter
        assert K.image_data_format() == 'channels_first' and K.image_dim_ordering() == 'th'
        with pytest.raises(ValueError, match='Unknown dim_ordering'):
            K.set_image_dim_ordering('xy')
    finally:
        K.set_image_data_format(old)


def test_losses_utils_compute_weighted_loss():
    from minikeras.utils.losses_utils import Reduction, compute_weighted_loss
    losses = K.constant([[1.], [2.], [3.], [4.]])
    w = K.constant([1., 0., 1., 0.])
    assert K.eval(compute_weighted_loss(losses, w, Reduction.SUM)) == pytest.approx(4.)
    assert K.eval(compute_weighted_loss(losses, w)) == pytest.approx(1.)
    assert K.eval(compute_weighted_loss(losses, w, Reduction.NONE)).shape == (4, 1)
    with pytest.raises(ValueError, match='Invalid Reduction Key bad'):
        compute_weighted_loss(losses, w, 'bad')


def test_multi_gpu_model_errors_clearly():
    from minikeras.utils import multi_gpu_model
    model = Model(*(lambda x: (x, layers.Dense(1)(x)))(layers.Input((2,))))
    with pytest.raises(ValueError, match='gpus >= 2'):
        multi_gpu_model(model, gpus=1)
    import minikeras.backend as K
    from minikeras.backend import distribute_generic
    if K.device_replicas.engine_impl is distribute_generic.device_replicas:
        # no device replication on this engine: the error names the alternative
        with pytest.raises(NotImplementedError, match='minikeras-launch -n 2'):
            multi_gpu_model(model, gpus=2)
    else:     # the engine's own replication: tests/distribute/test_native_<engine>.py
        assert callable(K.device_replicas)


def test_conv_and_layer_utils():
    from minikeras.utils import conv_utils
    from minikeras.utils.layer_utils import convert_dense_weights_data_format
    assert conv_utils.conv_input_length(4, 3, 'valid', 1) == 6
    assert conv_utils.conv_input_length(4, 3, 'same', 2) == 7
    k = np.arange(2 * 2 * 1 * 1).reshape(2, 2, 1, 1)
    np.testing.assert_array_equal(conv_utils.convert_kernel(k)[..., 0, 0], [[3, 2], [1, 0]])
    dense = layers.Dense(1)
    dense(layers.Input((2 * 2 * 3,)))
    kernel = np.arange(12, dtype='float32').reshape(12, 1)
    dense.set_weights([kernel, np.zeros(1, 'float32')])
    convert_dense_weights_data_format(dense, (3, 2, 2), 'channels_first')
    want = np.arange(12).reshape(2, 2, 3).transpose(2, 0, 1).reshape(12)
    np.testing.assert_array_equal(dense.get_weights()[0][:, 0], want)


class _Squares(minikeras.utils.Sequence):
    def __init__(self):
        self.epochs = 0

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.full((2,), i * i)

    def on_epoch_end(self):
        self.epochs += 1


@pytest.mark.parametrize('use_multiprocessing', [False, True])
def test_ordered_enqueuer_keeps_order_across_epochs(use_multiprocessing):
    from minikeras.utils import OrderedEnqueuer
    seq = _Squares()
    enq = OrderedEnqueuer(seq, use_multiprocessing=use_multiprocessing)
    enq.start(workers=2, max_queue_size=3)
    gen = enq.get()
    got = [int(next(gen)[0]) for _ in range(10)]
    enq.stop()
    assert got == [0, 1, 4, 9, 16] * 2
    if not use_multiprocessing:
        assert seq.epochs >= 1


def test_generator_enqueuer_and_errors():
    from minikeras.utils import GeneratorEnqueuer
    enq = GeneratorEnqueuer(iter(range(6)))
    enq.start(workers=1)
    assert sorted(enq.get()) == list(range(6))

    def broken():
        yield 1
        raise IOError('disk gone')
    enq = GeneratorEnqueuer(broken())
    enq.start()
    with pytest.raises(IOError, match='disk gone'):
        list(enq.get())


def test_test_utils_layer_test():
    from minikeras.utils.test_utils import get_test_data, layer_test
    (x, y), (xt, yt) = get_test_data(20, 10, (3,), classification=True, num_classes=3)
    assert x.shape == (20, 3) and yt.shape == (10,) and set(y) <= {0, 1, 2}
    out = layer_test(layers.Dense, kwargs={'units': 4}, input_shape=(2, 3))
    assert out.shape == (2, 4)


def test_api_coverage_tool_counts_names():
    sys.path.insert(0, TOOLS)
    try:
        import keras_api_coverage as cov
    finally:
        sys.path.pop(0)
    entries = cov.read_names()
    results = dict((m, (p, miss)) for m, p, miss, _ in cov.check(entries))
    assert results['keras.engine'][1] == []
    assert 'Layer' in results['keras.engine.base_layer'][0]


def test_yaml_round_trip_or_install_hint():
    from minikeras.models import Sequential, model_from_yaml
    model = Sequential([layers.Dense(2, input_shape=(3,), name='d')])
    try:
        import yaml  # noqa: F401
    except ImportError:     # PyYAML is optional: the error says how to get it
        with pytest.raises(ImportError, match='pip install pyyaml'):
            model.to_yaml()
        return
    text = model.to_yaml()
    again = model_from_yaml(text)
    assert [l.name for l in again.layers] == ['d'] and again.output_shape == (None, 2)
    with pytest.raises(ValueError, match='not valid YAML'):
        model_from_yaml('a: [1, 2')
