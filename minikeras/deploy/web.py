"""The model in a browser and in Node.js, through ONNX and ONNX Runtime's npm packages.

``deploy/web`` (in the source tree) holds the page (index.html, app.js), the Node.js check
(check-node.js) and package.json + package-lock.json (``npm ci`` installs
onnxruntime-web and onnxruntime-node). The deploy folder's ``web/`` becomes a static site:
the page, model.onnx, inputs.json (the examples) and ONNX Runtime's WebAssembly build.

The browser check serves that site from a local HTTP server on 127.0.0.1, opens the page
in headless Chromium (Debian's package), and waits for the page to POST what it computed
to ``/result``."""
import json
import os
import posixpath
import shutil
import socketserver
import subprocess
import tempfile
import threading
import time
from http.server import HTTPServer, SimpleHTTPRequestHandler
from urllib.parse import unquote

import numpy as np

from minikeras import export
from minikeras.deploy.checks import CheckError, NotRun, stop, tail

SETUP = 'bash scripts/deploy-setup.sh   (apt-get install chromium nodejs npm; npm ci in deploy/web)'
PAGE_FILES = ('index.html', 'app.js')
ORT_FILES = ('ort.wasm.min.js', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs')
CHROMIUM_FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                  '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync')


def default_web_dir():
    return os.path.join(export._package_root(), 'deploy', 'web')


def _package_version(web_dir, package):
    path = os.path.join(web_dir, 'node_modules', package, 'package.json')
    if not os.path.exists(path):
        raise NotRun('the npm package %s is not installed in %s: %s' % (package, web_dir, SETUP))
    with open(path) as f:
        return json.load(f)['version']


def write_web_inputs(site, feeds, output_names, labels=None):
    """inputs.json: the examples for the page and for Node.js (flat float lists + dims)."""
    os.makedirs(site, exist_ok=True)
    spec = {'inputs': dict((k, {'dims': list(v.shape),
                                'data': np.asarray(v, np.float32).ravel().tolist()})
                           for k, v in feeds.items()),
            'outputs': list(output_names),
            'labels': None if labels is None else np.asarray(labels).ravel().tolist()}
    with open(os.path.join(site, 'inputs.json'), 'w') as f:
        json.dump(spec, f)


def read_outputs(result):
    if result.get('error'):
        raise CheckError('the JavaScript side failed: %s' % result['error'])
    return dict((k, np.asarray(v['data'], np.float64).reshape(v['dims']))
                for k, v in result['outputs'].items())


def web_node(web_dir, model_path, site, timeout=300):
    node = shutil.which('node')
    if node is None:
        raise NotRun('node is not installed: %s' % SETUP)
    ort = _package_version(web_dir, 'onnxruntime-node')
    scratch = tempfile.mkdtemp(prefix='minikeras-node-')
    try:
        out = os.path.join(scratch, 'outputs.json')
        proc = subprocess.run([node, os.path.join(web_dir, 'check-node.js'), model_path,
                               os.path.join(site, 'inputs.json'), out],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
        if proc.returncode != 0 or not os.path.exists(out):
            raise CheckError('node check-node.js failed (exit %d): %s'
                             % (proc.returncode, proc.stderr[-2000:]))
        with open(out) as f:
            result = json.load(f)
        where = 'onnxruntime-node %s, Node.js %s (%s)' % (ort, result.get('node'),
                                                          result.get('arch'))
        return read_outputs(result), where, ''
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def build_site(web_dir, site):
    """Copy the page and ONNX Runtime Web's WebAssembly build next to model.onnx."""
    version = _package_version(web_dir, 'onnxruntime-web')
    for name in PAGE_FILES:
        shutil.copy(os.path.join(web_dir, name), site)
    dist = os.path.join(web_dir, 'node_modules', 'onnxruntime-web', 'dist')
    os.makedirs(os.path.join(site, 'ort'), exist_ok=True)
    for name in ORT_FILES:
        shutil.copy(os.path.join(dist, name), os.path.join(site, 'ort', name))
    return version


class _Site(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True


def serve_site(site):
    """Serve ``site`` on 127.0.0.1 (a free port); POST /result stores the page's report.
    Returns (server, url, results: a list the reports are appended to, event)."""
    results, event = [], threading.Event()

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = dict(SimpleHTTPRequestHandler.extensions_map,
                              **{'.mjs': 'text/javascript', '.js': 'text/javascript',
                                 '.wasm': 'application/wasm', '.json': 'application/json'})

        def translate_path(self, path):
            path = posixpath.normpath(unquote(path.split('?', 1)[0].split('#', 1)[0]))
            parts = [p for p in path.split('/') if p and p not in ('.', '..')]
            return os.path.join(site, *parts)

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length)
            try:
                results.append(json.loads(body.decode('utf8')))
            except ValueError as e:
                results.append({'error': 'the page posted something that is not JSON: %s' % e})
            self.send_response(204)
            self.end_headers()
            event.set()

    server = _Site(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, 'http://127.0.0.1:%d' % server.server_address[1], results, event


def chromium():
    for name in ('chromium', 'chromium-browser'):
        path = shutil.which(name)
        if path:
            return path
    raise NotRun('chromium is not installed: %s' % SETUP)


def chromium_version(binary):
    try:
        out = subprocess.run([binary, '--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, universal_newlines=True, timeout=60)
        return out.stdout.strip().split(' built')[0] or 'Chromium'
    except (OSError, subprocess.TimeoutExpired):
        return 'Chromium'


def open_in_chromium(url, event, timeout=180, extra_flags=()):
    """Open ``url`` in headless Chromium until ``event`` is set (or ``timeout``)."""
    binary = chromium()
    profile = tempfile.mkdtemp(prefix='minikeras-chromium-')
    log = os.path.join(profile, 'chromium.log')
    try:
        with open(log, 'wb') as err:
            proc = subprocess.Popen([binary] + list(CHROMIUM_FLAGS) + list(extra_flags) +
                                    ['--user-data-dir=' + profile, url],
                                    stdout=err, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + timeout
            while not event.wait(0.2):
                if proc.poll() is not None:
                    raise CheckError('chromium exited with code %s before the page '
                                     'reported:\n%s' % (proc.returncode, tail(log)))
                if time.time() > deadline:
                    raise CheckError('the page did not report within %d s; chromium '
                                     'log:\n%s' % (timeout, tail(log)))
        finally:
            stop(proc)
        return chromium_version(binary)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def web_browser(web_dir, site, timeout=180):
    version = build_site(web_dir, site)
    server, url, results, event = serve_site(site)
    try:
        browser = open_in_chromium(url + '/index.html?report=result', event, timeout)
    finally:
        server.shutdown()
        server.server_close()
    result = results[0]
    where = '%s headless, onnxruntime-web %s (%s), page served from %s' % (
        browser, version, result.get('backend', 'wasm'), url)
    note = ''
    if result.get('labels_correct') is not None:
        note = 'the page classified %d/%d digits correctly' % (result['labels_correct'],
                                                               result['count'])
    return read_outputs(result), where, note
