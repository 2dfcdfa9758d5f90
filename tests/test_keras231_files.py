"""Files written by the real Keras 2.3.1 (tests/fixtures/keras231, made by
tools/make_keras231_fixtures.py on each of its engines) load in minikeras with the same
predictions: ``load_model`` (config + weights) and ``load_weights`` into the same
architecture built with minikeras (the script's own ``models()``, given minikeras).

Where Keras 2.3.1 itself computes another function on the saving engine than on
TensorFlow for the same weights (its CNTK LSTM; the manifest records the gap the script
measured), minikeras is held to Keras-on-TensorFlow's predictions of that same file."""
import glob
import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'fixtures', 'keras231')
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tools'))


def manifests():
    out = {}
    for manifest in sorted(glob.glob(os.path.join(FIXTURES, 'manifest_*.json'))):
        info = json.load(open(manifest))
        out[info['engine']] = info
    return out


MANIFESTS = manifests()
CASES = [(engine, name) for engine, info in sorted(MANIFESTS.items())
         for name in sorted(info['files'])]


def expected(engine, name):
    stem = os.path.join(FIXTURES, '%s_%s' % (name, engine))
    with np.load(stem + '.npz') as f:
        xs = [f['x%d' % i] for i in range(len([k for k in f.files if k.startswith('x')]))]
        pred = f['pred']
    gap = MANIFESTS[engine].get('keras_tensorflow_disagrees', {}).get(name)
    if gap is not None:
        with np.load(stem + '_on_tensorflow.npz') as f:
            on_tf = f['pred']
        assert np.abs(on_tf - pred).max() > 1e-4      # Keras's own disagreement, as recorded
        pred = on_tf
    return xs, pred


def predict(model, xs):
    return model.predict(xs if len(xs) > 1 else xs[0])


@pytest.mark.skipif(not CASES, reason='no Keras 2.3.1 fixtures in tests/fixtures/keras231 '
                    '(make them with tools/make_keras231_fixtures.py)')
@pytest.mark.parametrize('engine,name', CASES or [('none', 'none')])
def test_load_model_predicts_as_keras231(engine, name):
    from minikeras.models import load_model
    xs, pred = expected(engine, name)
    model = load_model(os.path.join(FIXTURES, '%s_%s.h5' % (name, engine)))
    np.testing.assert_allclose(predict(model, xs), pred, rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(not CASES, reason='no Keras 2.3.1 fixtures in tests/fixtures/keras231 '
                    '(make them with tools/make_keras231_fixtures.py)')
@pytest.mark.parametrize('engine,name', CASES or [('none', 'none')])
def test_load_weights_predicts_as_keras231(engine, name):
    import minikeras
    from make_keras231_fixtures import models
    xs, pred = expected(engine, name)
    model = models(minikeras)[name]
    model.load_weights(os.path.join(FIXTURES, '%s_%s_weights.h5' % (name, engine)))
    np.testing.assert_allclose(predict(model, xs), pred, rtol=1e-4, atol=1e-5)
