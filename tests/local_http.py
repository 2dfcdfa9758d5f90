"""A real HTTP server on 127.0.0.1 in a thread, for tests of download and upload code:
``files`` maps URL paths to bytes; paths in ``truncated`` announce their full length but
send only half and close (an interrupted download); POST requests are recorded."""
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True


class LocalHTTP(object):
    def __init__(self):
        self.files = {}
        self.truncated = set()
        self.posts = []
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.requests.append(self.path)
                body = owner.files.get(self.path)
                if body is None:
                    self.send_error(404, 'not here')
                    return
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                if self.path in owner.truncated:
                    self.wfile.write(body[:len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                owner.posts.append((self.path, dict(self.headers), self.rfile.read(length)))
                self.send_response(200)
                self.send_header('Content-Length', '2')
                self.end_headers()
                self.wfile.write(b'ok')

        self.server = _Server(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
