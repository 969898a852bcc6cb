# SPDX-License-Identifier: MIT
"""A local HTTPS server for tests of natter's HTTP fetches (/diagnose
host-meta): a self-signed certificate made with openssl for localhost,
files served from a dict, and a "stall" mode that accepts connections and
never answers. Runs in a thread of the test process."""
import http.server
import socket
import ssl
import subprocess
import threading

from natterlib import scratch_dir


def make_cert(root, name="localhost"):
    """A self-signed certificate and key for name (paths)."""
    cert, key = root / "https-cert.pem", root / "https-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "2", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class HttpsServer:
    """files: {"/path": (status, content_type, body[, {header: value}])};
    anything else 404.
    stall=True: TLS is never even started, connections just hang."""

    def __init__(self, files=None, stall=False):
        self.root = scratch_dir("https-")
        self.cert, self.key = make_cert(self.root)
        self.files = dict(files or {})
        self.requests = []
        self.stall = stall
        self._held = []
        if stall:
            self._start_stall()
        else:
            self._start_http()

    def _start_http(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                status, ctype, body, *extra = outer.files.get(
                    self.path, (404, "text/plain", b"not here\n"))
                if isinstance(body, str):
                    body = body.encode()
                self.send_response(status)
                for k, v in (extra[0] if extra else {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.cert), str(self.key))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _start_stall(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0

        def accept():
            while True:
                try:
                    c, _ = self.sock.accept()
                except OSError:
                    return
                self._held.append(c)     # keep it open, never answer
                self.accepted += 1
        self.thread = threading.Thread(target=accept, daemon=True)
        self.thread.start()

    def prefs(self):
        """natter commands pointing /diagnose's fetches at this server."""
        return ["-c", "/set diagnose.http_host 127.0.0.1",
                "-c", f"/set diagnose.http_port {self.port}",
                "-c", f"/set diagnose.http_ca_file {self.cert}"]

    def close(self):
        if self.stall:
            self.sock.close()
            for c in self._held:
                c.close()
        else:
            self.httpd.shutdown()
            self.httpd.server_close()
