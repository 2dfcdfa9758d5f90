"""TF Serving's REST API over the exported SavedModel: the stand-in served on 127.0.0.1,
queried with serving_client (as a module and as a script)."""
import json
import os
import shutil
import subprocess
import sys
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import numpy as np
import pytest

from minikeras import export
from minikeras.backend.tensorflow import serving
from minikeras.deploy import checks, serving_client


@pytest.fixture(scope='module')
def served(trained, tmp_path_factory):
    base = str(tmp_path_factory.mktemp('serving') / 'mnist')
    os.makedirs(base)
    export.export_model(trained, os.path.join(base, '1'), 'saved_model')
    server, url = serving.serve_in_thread(serving.ServedModel('mnist', base))
    yield url, base
    server.shutdown()
    server.server_close()


def _post(url, body):
    req = Request(url, data=json.dumps(body).encode('utf8'),
                  headers={'Content-Type': 'application/json'})
    try:
        with urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read().decode('utf8'))
    except HTTPError as e:
        return e.code, json.loads(e.read().decode('utf8'))


def test_signature_names_inputs_and_outputs(served):
    url, _ = served
    with urlopen(url + '/v1/models/mnist/metadata', timeout=30) as r:
        meta = json.loads(r.read().decode('utf8'))
    sig = meta['metadata']['signature_def']['serving_default']
    assert sig['inputs'] == {'conv_input': {'dtype': 'float32', 'shape': [-1, 28, 28, 1]}}
    assert sig['outputs'] == {'digit': {'dtype': 'float32', 'shape': [-1, 10]}}
    with urlopen(url + '/v1/models/mnist', timeout=30) as r:
        status = json.loads(r.read().decode('utf8'))
    assert status['model_version_status'][0]['state'] == 'AVAILABLE'


def test_rest_predictions_equal_predict(served, trained, digits):
    url, _ = served
    x = digits[2][:20]
    response = serving_client.predict(url, 'mnist', x.tolist())
    got = np.asarray(response['predictions'])
    np.testing.assert_allclose(got, trained.predict(x), rtol=0, atol=1e-6)
    # the columnar form and a versioned URL answer the same
    status, body = _post(url + '/v1/models/mnist/versions/1:predict', {'inputs': x.tolist()})
    assert status == 200
    np.testing.assert_allclose(np.asarray(body['outputs']), got, rtol=0, atol=0)


def test_bad_requests_are_clear_errors(served):
    url, _ = served
    status, body = _post(url + '/v1/models/mnist:predict', {'instances': [[1, 2, 3]]})
    assert status == 400 and 'has shape [1, 3]' in body['error']
    status, body = _post(url + '/v1/models/mnist:predict', {'examples': []})
    assert status == 400 and '"instances"' in body['error']
    status, body = _post(url + '/v1/models/other:predict', {'instances': []})
    assert status == 404 and '/v1/models/mnist' in body['error']


def test_client_script_posts_and_prints_classes(served, trained, digits, tmp_path):
    url, _ = served
    x = digits[2][:5]
    np.save(str(tmp_path / 'x.npy'), x)
    out = tmp_path / 'response.json'
    proc = subprocess.run([sys.executable, checks.client_script(), '--url', url, '--model',
                           'mnist', '--input', str(tmp_path / 'x.npy'), '--out', str(out)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    classes = trained.predict(x).argmax(axis=1)
    lines = proc.stdout.strip().splitlines()
    assert [int(l.split('class ')[1].split()[0]) for l in lines] == classes.tolist()
    assert len(json.loads(out.read_text())['predictions']) == 5


def test_stand_in_as_a_server_process(served, trained, digits):
    """The stand-in started the way TF Serving is (a process with its flags), as
    minikeras-deploy does; the real tensorflow_model_server is reported not run."""
    _, base = served
    feeds = {'conv_input': digits[2][:10]}
    got, where, _ = checks.serve_and_query(base, 'mnist', feeds, ['digit'], real=False)
    assert 'stand-in' in where and '127.0.0.1' in where
    np.testing.assert_allclose(got['digit'], trained.predict(feeds['conv_input']),
                               rtol=0, atol=1e-6)
    if shutil.which('tensorflow_model_server') is None:
        with pytest.raises(checks.NotRun) as e:
            checks.serve_and_query(base, 'mnist', feeds, ['digit'], real=True)
        assert 'tensorflow-model-server' in str(e.value)
