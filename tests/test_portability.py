"""One weight layout for every engine: files saved here load under the NumPy reference
engine (and under every other lane, through a shared folder) with the same predictions,
and a seed gives bit-identical initial weights everywhere.

Cross-lane exchange: when ``MINIKERAS_PORTABILITY_DIR`` is set (the test matrix sets it),
each lane writes ``<lane>.h5`` + input + its predictions there and checks every other
lane's files already present; the matrix runs a second short pass so every pair is
checked."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minikeras.backend as K
from minikeras.layers import (GRU, LSTM, BatchNormalization, Bidirectional, Conv1D, Conv2D,
                              Dense, Dropout, Embedding, Flatten, Input, MaxPooling2D,
                              concatenate)
from minikeras.models import Model, load_model

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANE = os.environ.get('MINIKERAS_LANE') or K.backend()
SHARED = os.environ.get('MINIKERAS_PORTABILITY_DIR')
# float32 everywhere; recurrent and conv sums are reassociated differently per engine.
RTOL, ATOL = 1e-5, 2e-5


def build(seed=1234):
    """A model touching every weight layout: conv kernels, BatchNormalization statistics,
    Embedding, LSTM/GRU gates, Bidirectional."""
    np.random.seed(seed)
    img = Input((8, 8, 2), name='img')
    ids = Input((6,), name='ids', dtype='int32')
    a = Conv2D(3, 3, activation='relu', name='conv')(img)
    a = BatchNormalization(name='bn')(a)
    a = Flatten(name='flat')(MaxPooling2D(name='pool')(a))
    b = Embedding(12, 4, mask_zero=True, name='emb')(ids)
    b = Conv1D(4, 2, padding='same', name='conv1d')(b)
    b = Bidirectional(LSTM(3, return_sequences=True), name='bilstm')(b)
    b = GRU(3, name='gru')(b)
    h = Dropout(0.2)(Dense(8, activation='tanh', name='dense')(concatenate([a, b])))
    out = Dense(2, activation='softmax', name='out')(h)
    return Model([img, ids], out)


def data(n=16):
    rng = np.random.RandomState(0)
    ids = rng.randint(0, 12, (n, 6))
    ids[:4, 3:] = 0
    return [rng.rand(n, 8, 8, 2).astype('float32'), ids.astype('int32')], \
        np.eye(2)[rng.randint(0, 2, n)].astype('float32')


def trained(tmp_path_factory=None):
    model = build()
    model.compile('adam', 'categorical_crossentropy')
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)   # moves BN statistics too
    return model, x


def weights_digest(weights):
    h = hashlib.sha256()
    for w in weights:
        h.update(np.ascontiguousarray(w).tobytes())
    return h.hexdigest()


def test_same_seed_gives_identical_initial_weights():
    a, b = build(seed=7), build(seed=7)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    c = build(seed=8)
    assert weights_digest(c.get_weights()) != weights_digest(a.get_weights())


def _numpy_engine(script, *args):
    env = dict(os.environ, KERAS_BACKEND='numpy',
               PYTHONPATH=REPO + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.Popen([sys.executable, '-c', script] + list(args), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return out


def test_initial_weights_equal_the_reference_engines(tmp_path):
    out = _numpy_engine('import sys; sys.path.insert(0, %r); import test_portability as t; '
                        'print(t.weights_digest(t.build().get_weights()))'
                        % os.path.join(REPO, 'tests'))
    assert out.strip() == weights_digest(build().get_weights())


def test_saved_model_predicts_the_same_under_the_reference(tmp_path):
    model, x = trained()
    path = str(tmp_path / 'm.h5')
    model.save(path)
    np.save(str(tmp_path / 'x0.npy'), x[0])
    np.save(str(tmp_path / 'x1.npy'), x[1])
    mine = model.predict(x)
    out = _numpy_engine(
        'import sys, numpy as np; from minikeras.models import load_model; '
        'm = load_model(sys.argv[1], compile=False); '
        'np.save(sys.argv[4], m.predict([np.load(sys.argv[2]), np.load(sys.argv[3])]))',
        path, str(tmp_path / 'x0.npy'), str(tmp_path / 'x1.npy'), str(tmp_path / 'p.npy'))
    ref = np.load(str(tmp_path / 'p.npy'))
    np.testing.assert_allclose(mine, ref, rtol=RTOL, atol=ATOL)


@pytest.mark.skipif(not SHARED, reason='MINIKERAS_PORTABILITY_DIR not set: the cross-lane '
                                       'exchange runs in the test matrix only')
def test_exchange_with_other_lanes():
    os.makedirs(SHARED, exist_ok=True)
    mine = os.path.join(SHARED, LANE)
    can_train = 'gradients' not in K.unsupported_ops()   # the NumPy reference only loads
    if can_train and not os.path.exists(mine + '.h5'):
        model, x = trained()
        model.save(mine + '.h5')
        np.save(mine + '-x0.npy', x[0])
        np.save(mine + '-x1.npy', x[1])
        np.save(mine + '-pred.npy', model.predict(x))
        with open(mine + '.json', 'w') as f:
            json.dump({'engine': K.backend(), 'lane': LANE,
                       'version': K.engine_info().get('version')}, f)
    checked = []
    for meta_path in sorted(p for p in os.listdir(SHARED) if p.endswith('.json')):
        other = os.path.join(SHARED, meta_path[:-5])
        if other == mine:
            continue
        model = load_model(other + '.h5', compile=False)
        x = [np.load(other + '-x0.npy'), np.load(other + '-x1.npy')]
        np.testing.assert_allclose(model.predict(x), np.load(other + '-pred.npy'),
                                   rtol=RTOL, atol=ATOL,
                                   err_msg='model saved by lane %s' % meta_path[:-5])
        checked.append(meta_path[:-5])
    with open(mine + '.checked', 'w') as f:
        f.write('\n'.join(checked))
