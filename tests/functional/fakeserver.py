# SPDX-License-Identifier: MIT
"""A tiny scripted XMPP server for what a real server will not pass
(Prosody's stringprep refuses bidi controls in nicks, for instance).

It accepts clients on 127.0.0.1 without TLS, one after the other (a
reconnect is a new connection: `connections` counts them), takes any SASL
PLAIN login, binds a resource, answers IQs with empty results, and calls
`on_stanza(server, text)` for everything else the client sends, so a
test can reply with hand-written (hostile) XML through `send()`.
`on_iq(server, text)`, when given, sees each get/set IQ first and returns
True when it answered it itself. `mechanisms` are the SASL mechanisms
offered; with SCRAM-SHA-1 among them the server runs a real SCRAM
exchange (RFC 5802) for `password`, which `scram` can make lie: a wrong
"signature", a "foreign_nonce", or "iterations", or "hangup" after
<auth/>. `prolog` replaces the XML
declaration before each stream header; `on_online(server)` runs
when a connection has bound its resource.
"""
import base64
import hashlib
import hmac
import os
import re
import socket
import threading


def _b64(data):
    return base64.b64encode(data).decode()


class FakeServer:
    def __init__(self, domain="localhost", on_stanza=None, on_iq=None,
                 mechanisms=("PLAIN",), password="pw", scram=None,
                 prolog="", on_online=None):
        self.domain = domain
        self.on_stanza = on_stanza or (lambda srv, text: None)
        self.on_iq = on_iq or (lambda srv, text: False)
        self.on_online = on_online or (lambda srv: None)
        self.mechanisms = mechanisms
        self.password = password
        self.scram = scram or {}
        self.prolog = prolog
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.conn = None
        self.received = []
        self.wire = ""              # everything the clients sent
        self.auths = []             # the mechanism of each <auth/>
        self.connections = 0
        self.full_jid = None
        threading.Thread(target=self._serve, daemon=True).start()

    def send(self, text):
        self.conn.sendall(text.encode())

    def _stream(self, features):
        self.send((self.prolog or "<?xml version='1.0'?>") +
                  "<stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' "
                  f"from='{self.domain}' id='s1' version='1.0'>"
                  f"<stream:features>{features}</stream:features>")

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conn = conn
            self.full_jid = None
            self._authed = False
            self.connections += 1
            self._serve_one(conn)

    def _serve_one(self, conn):
        buf = ""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                conn.close()
                return
            text = data.decode(errors="replace")
            self.wire += text
            buf = self._consume(buf + text)

    def _consume(self, buf):
        while True:
            if "<stream:stream" in buf and ">" in buf[buf.index("<stream:stream"):]:
                start = buf.index("<stream:stream")
                end = buf.index(">", start) + 1
                buf = buf[:start] + buf[end:]
                if self.full_jid is None and not getattr(self, "_authed", False):
                    offer = "".join(f"<mechanism>{m}</mechanism>"
                                    for m in self.mechanisms)
                    self._stream("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                 f"{offer}</mechanisms>")
                else:
                    self._stream("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>")
                continue
            buf = re.sub(r"^\s*<\?xml[^>]*\?>", "", buf)
            m = re.match(r"\s*(<(\w+)[^>]*/>|<(\w+)[^>]*>.*?</\3>)", buf, re.S)
            if not m:
                return buf
            text = m.group(1)
            buf = buf[m.end():]
            self.received.append(text)
            self._handle(text)

    def _sasl_payload(self, text):
        m = re.search(r">([^<]*)<", text)
        return base64.b64decode(m.group(1)).decode() if m else ""

    def _scram_first(self, text):
        """client-first-message -> server-first-message (a challenge)."""
        first = self._sasl_payload(text)
        self._client_first_bare = first.split(",", 2)[2]
        cnonce = dict(kv.split("=", 1) for kv in
                      self._client_first_bare.split(","))["r"]
        nonce = ("XXXX" if self.scram.get("foreign_nonce") else cnonce) + "srv42"
        self._salt = os.urandom(12)
        self._iterations = self.scram.get("iterations", 4096)
        self._server_first = f"r={nonce},s={_b64(self._salt)},i={self._iterations}"
        self.send("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                  f"{_b64(self._server_first.encode())}</challenge>")

    def _scram_final(self, text):
        """client-final-message -> <success/> with the server's proof."""
        final = self._sasl_payload(text)
        without_proof = final.rsplit(",p=", 1)[0]
        auth = ",".join([self._client_first_bare, self._server_first,
                         without_proof]).encode()
        salted = hashlib.pbkdf2_hmac("sha1", self.password.encode(),
                                     self._salt, self._iterations)
        server_key = hmac.new(salted, b"Server Key", "sha1").digest()
        sig = hmac.new(server_key, auth, "sha1").digest()
        if self.scram.get("signature") == "wrong":
            sig = bytes(b ^ 0x55 for b in sig)
        self._authed = True
        self.send("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                  f"{_b64(b'v=' + _b64(sig).encode())}</success>")

    def _handle(self, text):
        if text.startswith("<auth"):
            mech = re.search(r"mechanism=[\"']([^\"']+)", text).group(1)
            self.auths.append(mech)
            if mech == "SCRAM-SHA-1" and self.scram.get("hangup"):
                self.conn.shutdown(socket.SHUT_RDWR)
                return
            if mech == "SCRAM-SHA-1":
                self._scram_first(text)
                return
            self._authed = True
            self.send("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
        elif text.startswith("<response"):
            self._scram_final(text)
        elif "urn:ietf:params:xml:ns:xmpp-bind" in text:
            iq_id = re.search(r"id=[\"']([^\"']+)", text).group(1)
            self.full_jid = f"alice@{self.domain}/fake"
            self.send(f"<iq type='result' id='{iq_id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      f"<jid>{self.full_jid}</jid></bind></iq>")
            self.on_online(self)
        elif text.startswith("<iq") and re.search(r"type=[\"'](get|set)", text):
            if self.on_iq(self, text):
                return
            iq_id = re.search(r"id=[\"']([^\"']+)", text).group(1)
            to = re.search(r"to=[\"']([^\"']+)", text)
            frm = f" from='{to.group(1)}'" if to else ""
            self.send(f"<iq type='result' id='{iq_id}'{frm}/>")
        else:
            self.on_stanza(self, text)

    def close(self):
        for s in (self.conn, self.sock):
            try:
                s.close()
            except Exception:
                pass
