"""Make the Keras 2.3.1 ``.h5`` fixtures of tests/test_keras231_files.py with the real old
Keras (run once per engine, NOT with minikeras):

    python3.6 -m venv /tmp/keras231 && /tmp/keras231/bin/pip install 'pip<22'
    /tmp/keras231/bin/pip install tensorflow-cpu==2.2.3 keras==2.3.1 theano==1.0.5 \\
        'numpy<1.19' 'h5py<3' scipy          # + cntk==2.7.post2 for the CNTK files
    # keras-mxnet (installs as `keras`, so its own venv, Python 3.7):
    python3.7 -m venv /tmp/kerasmx && /tmp/kerasmx/bin/pip install keras-mxnet==2.2.4.3 \\
        mxnet==1.9.1 'numpy<1.20' 'h5py<3' scipy
    KERAS_BACKEND=mxnet /tmp/kerasmx/bin/python tools/make_keras231_fixtures.py
    for engine in theano cntk tensorflow; do      # tensorflow last: it cross-checks
        KERAS_BACKEND=$engine /tmp/keras231/bin/python tools/make_keras231_fixtures.py
    done

For each engine it writes, into tests/fixtures/keras231/ (or the folder given as argument):
``<model>_<engine>.h5`` (``model.save``: config, weights, optimizer state),
``<model>_<engine>_weights.h5`` (``model.save_weights``) and ``<model>_<engine>.npz``
(the inputs and the predictions Keras makes from the saved file). Models: a dense MLP with dropout, a
CNN with batch normalization (under Theano, Keras 2 stores convolution kernels flipped),
and a two-input functional model with Embedding, LSTM, GRU and concatenate. Each is
trained a few steps first, so the files hold non-initial weights and optimizer state.

Run under TensorFlow, it also predicts with every other engine's files through Keras 2.3.1
on TensorFlow (``<model>_<engine>_on_tensorflow.npz``) and records in that engine's
manifest where Keras itself disagrees with its saving engine (Keras 2.3.1's CNTK LSTM does
not compute the same function as its TensorFlow/Theano LSTM for the same weights).
"""
import json
import os
import sys

import numpy as np


def models(keras):
    L = keras.layers
    mlp = keras.models.Sequential([L.Dense(8, activation='relu', input_shape=(4,), name='h'),
                                   L.Dropout(0.3),
                                   L.Dense(3, activation='softmax', name='out')])
    mlp.compile(keras.optimizers.Adam(), 'categorical_crossentropy', metrics=['accuracy'])

    cnn = keras.models.Sequential([
        L.Conv2D(4, (3, 3), input_shape=(8, 8, 2), name='conv'),
        L.BatchNormalization(name='bn'),
        L.Activation('relu'),
        L.MaxPooling2D((2, 2)),
        # odd kernel: Keras-Theano's 'same' padding of even kernels differs from TF's
        L.Conv2D(3, (3, 3), padding='same', strides=(1, 2), name='conv_b'),
        L.Flatten(),
        L.Dense(2, activation='softmax', name='out')])
    cnn.compile(keras.optimizers.RMSprop(), 'categorical_crossentropy')

    words = L.Input((6,), name='words', dtype='int32')
    extra = L.Input((3,), name='extra')
    e = L.Embedding(20, 5, name='embed')(words)
    # recurrent_activation explicit: its default changed from hard_sigmoid (2.2.4) to sigmoid
    seq = L.LSTM(4, return_sequences=True, recurrent_activation='hard_sigmoid', name='lstm')(e)
    seq = L.GRU(3, recurrent_activation='hard_sigmoid', name='gru')(seq)
    merged = L.concatenate([seq, L.Dense(2, activation='tanh', name='side')(extra)])
    rnn = keras.models.Model([words, extra], L.Dense(1, activation='sigmoid', name='out')(merged))
    rnn.compile(keras.optimizers.SGD(lr=0.1, momentum=0.9), 'binary_crossentropy')
    return {'mlp': mlp, 'cnn': cnn, 'rnn': rnn}


def data(name, rng):
    if name == 'mlp':
        x = rng.rand(16, 4).astype('float32')
        return [x], np.eye(3, dtype='float32')[rng.randint(0, 3, 16)]
    if name == 'cnn':
        x = rng.rand(16, 8, 8, 2).astype('float32')
        return [x], np.eye(2, dtype='float32')[rng.randint(0, 2, 16)]
    words = rng.randint(0, 20, (16, 6)).astype('int32')
    return [words, rng.rand(16, 3).astype('float32')], rng.randint(0, 2, (16, 1))


def main(out_dir):
    import keras
    engine = keras.backend.backend()
    wanted = '2.2.4' if engine == 'mxnet' else '2.3.1'     # keras-mxnet 2.2.4.x for MXNet
    if not keras.__version__.startswith(wanted):
        sys.exit('run this with Keras %s (found %s)' % (wanted, keras.__version__))
    if keras.backend.image_data_format() != 'channels_last':
        sys.exit('the fixtures are channels_last')
    os.makedirs(out_dir, exist_ok=True)
    np.random.seed(0)
    rng = np.random.RandomState(1)
    made = {}
    for name, model in sorted(models(keras).items()):
        xs, y = data(name, rng)
        model.fit(xs if len(xs) > 1 else xs[0], y, batch_size=8, epochs=2, verbose=0)
        stem = os.path.join(out_dir, '%s_%s' % (name, engine))
        model.save(stem + '.h5')
        model.save_weights(stem + '_weights.h5')
        # Keras's predictions from the saved file itself (keras-mxnet's in-memory model can
        # be ahead of the weights it saved right after fit)
        pred = keras.models.load_model(stem + '.h5').predict(xs if len(xs) > 1 else xs[0])
        np.savez(stem + '.npz', pred=pred, **dict(('x%d' % i, x) for i, x in enumerate(xs)))
        made[name] = os.path.basename(stem)
    with open(os.path.join(out_dir, 'manifest_%s.json' % engine), 'w') as f:
        json.dump({'keras': keras.__version__, 'engine': engine, 'numpy': np.__version__,
                   'engine_version': engine_version(engine), 'files': made}, f, indent=1,
                  sort_keys=True)
    print('wrote %s fixtures for %s to %s' % (len(made), engine, out_dir))
    if engine == 'tensorflow':
        cross_check(keras, out_dir)


def cross_check(keras, out_dir):
    """Predict other engines' files with Keras on TensorFlow; note where Keras disagrees."""
    import glob
    for manifest in sorted(glob.glob(os.path.join(out_dir, 'manifest_*.json'))):
        with open(manifest) as f:
            info = json.load(f)
        if info['engine'] == 'tensorflow':
            continue
        info['keras_tensorflow_disagrees'] = {}
        for name, stem in sorted(info['files'].items()):
            stem = os.path.join(out_dir, stem)
            with np.load(stem + '.npz') as d:
                xs = [d['x%d' % i] for i in range(len(d.files) - 1)]
                own = d['pred']
            model = keras.models.load_model(stem + '.h5')
            pred = model.predict(xs if len(xs) > 1 else xs[0])
            np.savez(stem + '_on_tensorflow.npz', pred=pred)
            gap = float(np.abs(pred - own).max())
            if gap > 1e-4:
                info['keras_tensorflow_disagrees'][name] = gap
        with open(manifest, 'w') as f:
            json.dump(info, f, indent=1, sort_keys=True)
        print('cross-checked %s on tensorflow: Keras disagrees on %s'
              % (info['engine'], sorted(info['keras_tensorflow_disagrees']) or 'nothing'))


def engine_version(engine):
    module = __import__({'tensorflow': 'tensorflow', 'theano': 'theano', 'cntk': 'cntk',
                         'mxnet': 'mxnet'}[engine])
    return getattr(module, '__version__', '?')


if __name__ == '__main__':
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'tests', 'fixtures',
                                                            'keras231'))
