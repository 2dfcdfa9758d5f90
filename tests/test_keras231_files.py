"""Files written by the real Keras 2.3.1 (tests/fixtures/keras231, made by
tools/make_keras231_fixtures.py on each of its engines) load in minikeras with the same
predictions: ``load_model`` (config + weights) and ``load_weights`` into the same
architecture built with minikeras (the script's own ``models()``, given minikeras)."""
import glob
import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'fixtures', 'keras231')
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tools'))


def cases():
    out = []
    for manifest in sorted(glob.glob(os.path.join(FIXTURES, 'manifest_*.json'))):
        info = json.load(open(manifest))
        out += [(info['engine'], name) for name in sorted(info['files'])]
    return out


CASES = cases()


def expected(engine, name):
    with np.load(os.path.join(FIXTURES, '%s_%s.npz' % (name, engine))) as f:
        xs = [f['x%d' % i] for i in range(len([k for k in f.files if k.startswith('x')]))]
        return xs, f['pred']


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
