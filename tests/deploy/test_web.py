"""The ONNX export in a real browser (headless Chromium, onnxruntime-web from npm, the
page of deploy/web served from 127.0.0.1) and in Node.js (onnxruntime-node)."""
import os
import subprocess

import numpy as np
import pytest

from minikeras import export
from minikeras.deploy import checks, web


@pytest.fixture(scope='module')
def site(trained, digits, tmp_path_factory):
    folder = str(tmp_path_factory.mktemp('web'))
    model = export.export_model(trained, os.path.join(folder, 'model.onnx'), 'onnx')
    web.write_web_inputs(folder, {'conv_input': digits[2][:50]}, ['digit'], digits[3][:50])
    return folder, model


def test_page_in_headless_chromium_equals_predict(site, trained, digits, web_dir):
    folder, _ = site
    got, where, note = web.web_browser(web_dir, folder)
    want = trained.predict(digits[2][:50])
    assert got['digit'].shape == want.shape
    assert np.abs(got['digit'] - want).max() <= 1e-4
    assert 'Chromium' in where and 'onnxruntime-web 1.31.1' in where
    correct = int((want.argmax(axis=1) == digits[3][:50]).sum())
    assert note == 'the page classified %d/50 digits correctly' % correct
    for name in web.ORT_FILES:      # the site is self-contained
        assert os.path.exists(os.path.join(folder, 'ort', name))


def test_node_equals_predict(site, trained, digits, web_dir):
    folder, model = site
    got, where, _ = web.web_node(web_dir, model, folder)
    assert np.abs(got['digit'] - trained.predict(digits[2][:50])).max() <= 1e-4
    assert 'onnxruntime-node 1.30.0' in where


def test_page_shows_the_digits_and_their_classes(site, trained, digits, web_dir, tmp_path):
    """What a person sees: Chromium's DOM after the page ran (--dump-dom, with time for
    the WebAssembly model to load) holds one figure per digit, captioned with the class."""
    folder, _ = site
    web.build_site(web_dir, folder)
    server, url, _, _ = web.serve_site(folder)
    try:
        proc = subprocess.run(
            [web.chromium()] + list(web.CHROMIUM_FLAGS) +
            ['--user-data-dir=%s' % tmp_path, '--virtual-time-budget=30000', '--dump-dom',
             url + '/index.html'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
            timeout=180)
    finally:
        server.shutdown()
        server.server_close()
    dom = proc.stdout
    assert 'examples classified' in dom, dom[-2000:]
    assert dom.count('<figure>') == 50
    classes = trained.predict(digits[2][:50]).argmax(axis=1)
    assert '<figcaption>%d' % classes[0] in dom or \
        '<figcaption class="wrong">%d' % classes[0] in dom


def test_missing_browser_is_not_run_with_the_install_command(site, monkeypatch, web_dir):
    monkeypatch.setenv('PATH', '/nonexistent')
    with pytest.raises(checks.NotRun) as e:
        web.web_browser(web_dir, site[0])
    assert 'chromium' in str(e.value) and 'deploy-setup.sh' in str(e.value)
    with pytest.raises(checks.NotRun) as e:
        web.web_node(web_dir, site[1], site[0])
    assert 'node' in str(e.value)
