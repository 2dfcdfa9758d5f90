"""``minikeras-run`` / ``python -m minikeras.run`` runs an unchanged Keras 2 script:
``import keras`` and ``keras.*`` resolve to minikeras in that process only.

Each case is a fresh Python process (the alias is per process)."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import minikeras.backend as K

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

KERAS2_SCRIPT = textwrap.dedent('''
    import json
    import sys

    import numpy as np
    import keras
    from keras import backend as K
    from keras.layers import Dense
    from keras.models import Sequential
    from keras.utils import to_categorical
    from keras.engine import Layer, InputSpec, Input, Model
    from keras.engine.topology import Network
    from keras.layers.convolutional import MaxPooling2D
    from keras.backend import common

    epochs = int(sys.argv[sys.argv.index('--epochs') + 1])
    np.random.seed(1)
    x = np.random.rand(64, 4).astype('float32')
    y = to_categorical((x.sum(1) > 2).astype(int), 2)
    model = Sequential([Dense(8, activation='relu', input_shape=(4,)),
                        Dense(2, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    hist = model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    print(json.dumps({
        'name': __name__, 'argv': sys.argv, 'epochs': len(hist.history['loss']),
        'module': keras.__name__, 'same_dense': keras.layers.Dense is Dense,
        'backend': K.backend(), 'floatx': common.floatx(),
        'pool': MaxPooling2D.__module__, 'layer_is_base': issubclass(Dense, Layer)}))
''')


# A Keras 2.3.1-style custom optimizer (slots made inside get_updates, legacy decorator,
# K.symbolic, K.name_scope), as third-party optimizers of that time are written.
CUSTOM_OPTIMIZER_SCRIPT = "import numpy as np\nimport keras\nfrom keras import backend as K\nfrom keras.legacy import interfaces\nfrom keras.optimizers import Optimizer\nfrom keras.models import Sequential\nfrom keras.layers import Dense\n\nclass MomentumSGD(Optimizer):\n    def __init__(self, learning_rate=0.1, momentum=0.9, **kwargs):\n        self.initial_decay = kwargs.pop('decay', 0.0)\n        learning_rate = kwargs.pop('lr', learning_rate)\n        super(MomentumSGD, self).__init__(**kwargs)\n        with K.name_scope(self.__class__.__name__):\n            self.iterations = K.variable(0, dtype='int64', name='iterations')\n            self.learning_rate = K.variable(learning_rate, name='learning_rate')\n            self.momentum = K.variable(momentum, name='momentum')\n            self.decay = K.variable(self.initial_decay, name='decay')\n\n    @interfaces.legacy_get_updates_support\n    @K.symbolic\n    def get_updates(self, loss, params):\n        grads = self.get_gradients(loss, params)\n        self.updates = [K.update_add(self.iterations, 1)]\n        moments = [K.zeros(K.int_shape(p), dtype=K.dtype(p), name='moment_' + str(i))\n                   for (i, p) in enumerate(params)]\n        self.weights = [self.iterations] + moments\n        for p, g, m in zip(params, grads, moments):\n            v = self.momentum * m - self.learning_rate * g\n            self.updates.append(K.update(m, v))\n            self.updates.append(K.update(p, p + v))\n        return self.updates\n\n    def get_config(self):\n        config = {'learning_rate': float(K.get_value(self.learning_rate)),\n                  'momentum': float(K.get_value(self.momentum))}\n        base_config = super(MomentumSGD, self).get_config()\n        return dict(list(base_config.items()) + list(config.items()))\n\nnp.random.seed(0)\nx = np.random.rand(64, 3).astype('float32'); y = x.sum(1, keepdims=True)\nmodel = Sequential([Dense(1, input_shape=(3,))])\nmodel.compile(MomentumSGD(0.05), 'mse')\nh = model.fit(x, y, epochs=5, batch_size=16, verbose=0)\nprint('losses', ['%.4f' % v for v in h.history['loss']])\nassert h.history['loss'][-1] < h.history['loss'][0]\n"


# A Keras 2.3.1-era functional CNN script: Keras-1 keywords, a custom layer imported from
# keras.engine.topology, a stateful metric, callbacks, a saved and reloaded model.
CNN_SCRIPT = '"""A Keras 2.3.1-era script: functional CNN, Keras-1 keywords, callbacks, save/load."""\nfrom __future__ import print_function\nimport json\nimport os\nimport sys\nimport tempfile\nimport warnings\n\nimport numpy as np\nimport keras\nfrom keras import backend as K\nfrom keras.callbacks import EarlyStopping, ModelCheckpoint\nfrom keras.engine.topology import Layer\nfrom keras.layers import (BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input,\n                          MaxPooling2D)\nfrom keras.models import Model, load_model\nfrom keras.optimizers import Adam\nfrom keras.utils import to_categorical\n\n\nclass Scale(Layer):\n    def __init__(self, **kwargs):\n        super(Scale, self).__init__(**kwargs)\n\n    def build(self, input_shape):\n        self.gamma = self.add_weight(name=\'gamma\', shape=(input_shape[-1],),\n                                     initializer=\'ones\', trainable=True)\n        super(Scale, self).build(input_shape)\n\n    def call(self, x):\n        return x * self.gamma\n\n    def compute_output_shape(self, input_shape):\n        return input_shape\n\n\nnp.random.seed(1)\nx = np.random.rand(48, 8, 8, 1).astype(\'float32\')\nlabels = (x.mean(axis=(1, 2, 3)) > 0.5).astype(int)\ny = to_categorical(labels, 2)\nwith warnings.catch_warnings(record=True) as caught:\n    warnings.simplefilter(\'always\')\n    inp = Input(shape=(8, 8, 1))\n    h = Conv2D(4, 3, 3, border_mode=\'same\', activation=\'relu\')(inp)   # Keras 1 style\n    h = MaxPooling2D(pool_size=(2, 2))(h)\n    h = BatchNormalization()(h)\n    h = Flatten()(h)\n    h = Scale()(Dropout(0.1)(Dense(8, activation=\'relu\')(h)))\n    out = Dense(2, activation=\'softmax\')(h)\nmodel = Model(inputs=inp, outputs=out)\nmodel.compile(Adam(lr=0.01), \'categorical_crossentropy\',\n              metrics=[\'accuracy\', keras.metrics.AUC(name=\'auc\')])\npath = os.path.join(tempfile.mkdtemp(), \'best.h5\')\nhist = model.fit(x, y, batch_size=16, epochs=3, verbose=0, validation_split=0.25,\n                 callbacks=[EarlyStopping(patience=5), ModelCheckpoint(path)])\nbefore = model.evaluate(x, y, verbose=0)\nagain = load_model(path, custom_objects={\'Scale\': Scale, \'AUC\': keras.metrics.AUC})\nafter = again.evaluate(x, y, verbose=0)\nprint(json.dumps({\'history\': sorted(hist.history), \'names\': model.metrics_names,\n                  \'warned\': any(\'Keras 2 API\' in str(w.message) for w in caught),\n                  \'kernel\': list(model.layers[1].kernel_size),\n                  \'same\': np.allclose(model.predict(x), again.predict(x), atol=1e-5),\n                  \'before\': before, \'after\': after, \'backend\': K.backend()}))\n'


def run_python(args, cwd=None):
    env = dict(os.environ)
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    proc = subprocess.Popen([sys.executable] + args, env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    out, err = proc.communicate(timeout=600)
    return proc.returncode, out, err


def test_unchanged_keras2_script_runs_through_minikeras_run(tmp_path):
    script = tmp_path / 'train.py'
    script.write_text(KERAS2_SCRIPT)
    code, out, err = run_python(['-m', 'minikeras.run', str(script), '--epochs', '3'],
                                cwd=str(tmp_path))
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result['name'] == '__main__'
    assert result['argv'] == [str(script), '--epochs', '3']
    assert result['epochs'] == 3
    assert result['module'] == 'minikeras'
    assert result['same_dense'] and result['layer_is_base']
    assert result['backend'] == os.environ.get('KERAS_BACKEND', result['backend'])
    assert result['floatx'] == 'float32'
    assert result['pool'].startswith('minikeras.layers')


def test_tensorflow_keeps_its_own_keras_after_the_alias():
    # TensorFlow 2.21 imports Keras 3 when it loads; Keras 3's internal modules must keep
    # working after ``keras`` starts meaning minikeras.
    code, out, err = run_python(['-c', textwrap.dedent('''
        import importlib, sys
        import minikeras
        minikeras.install_keras_alias()
        import keras
        assert keras is minikeras
        internal = [m for m in sys.modules if m.startswith('keras.src')]
        if internal:
            mod = importlib.import_module(internal[0])
            assert not mod.__name__.startswith('minikeras'), mod
        if 'tensorflow' in sys.modules:      # tf.keras still means Keras 3
            dense = sys.modules['tensorflow'].keras.layers.Dense
            assert dense.__module__.startswith('keras.src'), dense.__module__
        print('ok', len(internal))
    ''')])
    assert code == 0, err
    assert out.startswith('ok')


def test_keras231_custom_optimizer_script_trains(tmp_path):
    script = tmp_path / 'custom_opt.py'
    script.write_text(CUSTOM_OPTIMIZER_SCRIPT)
    code, out, err = run_python(['-m', 'minikeras.run', str(script)])
    assert code == 0, err
    assert 'losses' in out


def test_keras231_cnn_script_trains_saves_and_reloads(tmp_path):
    script = tmp_path / 'cnn.py'
    script.write_text(CNN_SCRIPT)
    code, out, err = run_python(['-m', 'minikeras.run', str(script)])
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result['names'] == ['loss', 'accuracy', 'auc']
    assert result['history'] == ['accuracy', 'auc', 'loss', 'val_accuracy', 'val_auc',
                                 'val_loss']
    assert result['warned'] and result['kernel'] == [3, 3] and result['same']
    assert result['before'] == result['after']


def test_install_keras_alias_from_python_and_clear_errors():
    code, out, err = run_python(['-c', textwrap.dedent('''
        import sys
        import minikeras
        minikeras.install_keras_alias()
        import keras, keras.layers
        from keras.layers import Dense
        assert keras is minikeras and keras.layers is minikeras.layers
        assert Dense is minikeras.layers.Dense
        assert minikeras.__spec__.name == 'minikeras'
        try:
            import keras.no_such_module
        except ImportError as e:
            print('ERR', e)
        from minikeras.keras_alias import uninstall_keras_alias
        uninstall_keras_alias()
        real = sys.modules.get('keras')
        print(real is None or real is not minikeras)
    ''')])
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("ERR No module named 'keras.no_such_module'")
    assert 'alias of minikeras' in lines[0]
    assert lines[1] == 'True'   # the alias is gone (TensorFlow's own keras is back)


def test_minikeras_run_without_a_script_prints_usage():
    code, out, err = run_python(['-m', 'minikeras.run'])
    assert code == 2 and 'usage: minikeras-run' in out
    code, out, err = run_python(['-m', 'minikeras.run', 'no_such_script.py'])
    assert code == 2 and 'no such script' in err
