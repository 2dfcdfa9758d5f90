"""``RemoteMonitor`` (Keras 2 ``keras.callbacks.RemoteMonitor``): POST the epoch logs to
a server, with the standard library's HTTP client (no extra package)."""
import json
import warnings

import numpy as np

from minikeras.callbacks import Callback


class RemoteMonitor(Callback):
    """At the end of every epoch, POST ``{'epoch': epoch, <log name>: value, ...}`` to
    ``root + path``: as the form field ``field`` holding that JSON (Keras's default), or
    as a JSON body with ``send_as_json=True``. An unreachable server gives a warning."""

    def __init__(self, root='http://localhost:9000', path='/publish/epoch/end/', field='data',
                 headers=None, send_as_json=False, timeout=10):
        super(RemoteMonitor, self).__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json
        self.timeout = timeout

    def on_epoch_end(self, epoch, logs=None):
        import urllib.error
        import urllib.parse
        import urllib.request
        send = {'epoch': epoch}
        for k, v in (logs or {}).items():
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode('utf-8')
            headers.setdefault('Content-Type', 'application/json')
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode('utf-8')
            headers.setdefault('Content-Type', 'application/x-www-form-urlencoded')
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method='POST')
        try:
            urllib.request.urlopen(request, timeout=self.timeout).close()
        except (urllib.error.URLError, OSError) as e:
            warnings.warn('Warning: could not reach RemoteMonitor root server at %s (%s)'
                          % (self.root, e))
