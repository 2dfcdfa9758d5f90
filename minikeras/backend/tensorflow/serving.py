"""A stand-in for TensorFlow Serving's REST API, built on ``tf.saved_model.load``.

``tensorflow_model_server`` (TF Serving's C++ binary) is installed from TF Serving's own
apt repository or Docker image, neither of which is reachable from every machine (no pip
or Debian package exists). This server answers the same requests for a SavedModel
exported by minikeras, so a client written against TF Serving runs against it unchanged:

    python -m minikeras.backend.tensorflow.serving --model_name=mnist \\
        --model_base_path=dist/serving/mnist --rest_api_port=8501

- ``GET  /v1/models/<name>``                   version status
- ``GET  /v1/models/<name>/metadata``          the signatures (inputs, outputs, shapes)
- ``POST /v1/models/<name>[/versions/<v>]:predict``
  ``{"instances": [...]}`` (row format: one value per example, or one dict of input name
  -> value per example) or ``{"inputs": ...}`` (columnar) ->
  ``{"predictions": [...]}`` (rows; one value per example when the signature has one
  output, else a dict per example) or ``{"outputs": ...}``.

As TF Serving does, ``--model_base_path`` holds numbered version folders and the highest
is served. It binds 127.0.0.1 unless ``--host`` says otherwise and prints
``serving <name> version <v> at http://HOST:PORT`` once it listens (``--rest_api_port=0``
picks a free port)."""
import argparse
import json
import os
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np

from minikeras.backend.tensorflow._tf import tf

SIGNATURE_KEY = 'serving_default'


class ServingError(Exception):
    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status


def latest_version(base_path):
    versions = [int(n) for n in os.listdir(base_path) if n.isdigit()
                and os.path.isdir(os.path.join(base_path, n))]
    if not versions:
        raise ServingError(404, 'no numbered version folder in %s (TF Serving layout: '
                                '<model_base_path>/<version>/saved_model.pb)' % base_path)
    return max(versions)


class ServedModel(object):
    def __init__(self, name, base_path):
        self.name = name
        self.version = latest_version(base_path)
        self.loaded = tf.saved_model.load(os.path.join(base_path, str(self.version)))
        self.signatures = dict(self.loaded.signatures)
        if SIGNATURE_KEY not in self.signatures:
            raise ServingError(500, 'the SavedModel has no %r signature' % SIGNATURE_KEY)

    def metadata(self):
        def tensor_info(spec):
            return {'dtype': spec.dtype.name,
                    'shape': [-1 if d is None else int(d) for d in spec.shape.as_list()]}
        sigs = {}
        for key, fn in self.signatures.items():
            inputs = fn.structured_input_signature[1]
            sigs[key] = {'inputs': dict((k, tensor_info(v)) for k, v in inputs.items()),
                         'outputs': dict((k, tensor_info(v))
                                         for k, v in fn.structured_outputs.items())}
        return {'model_spec': {'name': self.name, 'version': str(self.version)},
                'metadata': {'signature_def': sigs}}

    def predict(self, request):
        fn = self.signatures.get(request.get('signature_name') or SIGNATURE_KEY)
        if fn is None:
            raise ServingError(400, 'no signature %r (signatures: %s)'
                               % (request.get('signature_name'), sorted(self.signatures)))
        specs = fn.structured_input_signature[1]
        if 'instances' in request:
            columns = self._columns_from_rows(request['instances'], specs)
        elif 'inputs' in request:
            columns = request['inputs']
            if not isinstance(columns, dict):
                if len(specs) != 1:
                    raise ServingError(400, 'the signature has inputs %s: give "inputs" as '
                                            'a dict' % sorted(specs))
                columns = {list(specs)[0]: columns}
        else:
            raise ServingError(400, 'the request needs "instances" (row format) or "inputs" '
                                    '(columnar format)')
        missing = sorted(set(specs) - set(columns))
        extra = sorted(set(columns) - set(specs))
        if missing or extra:
            raise ServingError(400, 'inputs %s are missing and %s unknown; the signature '
                                    'takes %s' % (missing, extra, sorted(specs)))
        arrays = {}
        for k, v in columns.items():
            try:
                arrays[k] = np.asarray(v, dtype=specs[k].dtype.as_numpy_dtype)
            except (ValueError, TypeError) as e:
                raise ServingError(400, 'input %r is not a %s array: %s'
                                   % (k, specs[k].dtype.name, e))
            want = specs[k].shape.as_list()
            got = list(arrays[k].shape)
            if len(got) != len(want) or any(w is not None and w != g
                                            for w, g in zip(want, got)):
                raise ServingError(400, 'input %r has shape %s; the signature takes %s '
                                        '(-1: any size)'
                                   % (k, got, [-1 if w is None else w for w in want]))
        try:
            args = dict((k, tf.constant(a)) for k, a in arrays.items())
            out = fn(**args)
        except (ValueError, TypeError, tf.errors.InvalidArgumentError) as e:
            raise ServingError(400, 'the model cannot run on this request: %s'
                               % str(e).splitlines()[0])
        out = dict((k, v.numpy().tolist()) for k, v in out.items())
        if 'inputs' in request:
            return {'outputs': out if len(out) > 1 else list(out.values())[0]}
        if len(out) == 1:
            return {'predictions': list(out.values())[0]}
        names = sorted(out)
        return {'predictions': [dict((k, out[k][i]) for k in names)
                                for i in range(len(out[names[0]]))]}

    @staticmethod
    def _columns_from_rows(rows, specs):
        if not isinstance(rows, list) or not rows:
            raise ServingError(400, '"instances" must be a non-empty list')
        if all(isinstance(r, dict) for r in rows):
            return dict((k, [r.get(k) for r in rows]) for k in rows[0])
        if len(specs) != 1:
            raise ServingError(400, 'the signature has inputs %s: give each instance as a '
                                    'dict of input name -> value' % sorted(specs))
        return {list(specs)[0]: rows}


class _Handler(BaseHTTPRequestHandler):
    model = None    # set on the subclass made by make_server

    def log_message(self, *args):
        pass

    def _reply(self, status, body):
        data = json.dumps(body).encode('utf8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self):
        prefix = '/v1/models/%s' % self.model.name
        path = self.path.split('?', 1)[0]
        if not path.startswith(prefix):
            raise ServingError(404, 'no model at %s (this server serves %s)'
                               % (path, prefix))
        rest = path[len(prefix):]
        if rest.startswith('/versions/'):
            version, _, tail = rest[len('/versions/'):].partition(':')
            version = version.split('/')[0]
            if version != str(self.model.version):
                raise ServingError(404, 'version %s is not served (serving %s)'
                                   % (version, self.model.version))
            rest = ':' + tail if tail else ''
        return rest

    def do_GET(self):
        try:
            rest = self._route()
            if rest == '':
                self._reply(200, {'model_version_status': [
                    {'version': str(self.model.version), 'state': 'AVAILABLE',
                     'status': {'error_code': 'OK', 'error_message': ''}}]})
            elif rest == '/metadata':
                self._reply(200, self.model.metadata())
            else:
                raise ServingError(404, 'unknown path %s' % self.path)
        except ServingError as e:
            self._reply(e.status, {'error': str(e)})

    def do_POST(self):
        try:
            if self._route() != ':predict':
                raise ServingError(404, 'unknown path %s (POST .../%s:predict)'
                                   % (self.path, self.model.name))
            length = int(self.headers.get('Content-Length') or 0)
            try:
                request = json.loads(self.rfile.read(length).decode('utf8'))
            except ValueError as e:
                raise ServingError(400, 'the request body is not JSON: %s' % e)
            if not isinstance(request, dict):
                raise ServingError(400, 'the request body must be a JSON object')
            self._reply(200, self.model.predict(request))
        except ServingError as e:
            self._reply(e.status, {'error': str(e)})


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True


def make_server(model, host='127.0.0.1', port=0):
    handler = type('Handler', (_Handler,), {'model': model})
    return _Server((host, port), handler)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model_name', required=True)
    parser.add_argument('--model_base_path', required=True)
    parser.add_argument('--rest_api_port', type=int, default=8501)
    parser.add_argument('--host', default='127.0.0.1')
    args = parser.parse_args(argv)
    model = ServedModel(args.model_name, os.path.abspath(args.model_base_path))
    server = make_server(model, args.host, args.rest_api_port)
    host, port = server.server_address[:2]
    sys.stdout.write('serving %s version %s at http://%s:%d\n'
                     % (model.name, model.version, host, port))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def serve_in_thread(model, host='127.0.0.1', port=0):
    """Start a server in a daemon thread; returns (server, base URL). server.shutdown()
    stops it."""
    server = make_server(model, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, 'http://%s:%d' % (host, port)


if __name__ == '__main__':
    sys.exit(main())
