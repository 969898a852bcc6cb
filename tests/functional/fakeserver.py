# SPDX-License-Identifier: MIT
"""A tiny scripted XMPP server for what a real server will not pass
(Prosody's stringprep refuses bidi controls in nicks, for instance).

It accepts one client on 127.0.0.1 without TLS, takes any SASL PLAIN
login, binds a resource, answers IQs with empty results, and calls
`on_stanza(server, text)` for everything else the client sends, so a
test can reply with hand-written (hostile) XML through `send()`.
`on_iq(server, text)`, when given, sees each get/set IQ first and returns
True when it answered it itself.
"""
import re
import socket
import threading


class FakeServer:
    def __init__(self, domain="localhost", on_stanza=None, on_iq=None):
        self.domain = domain
        self.on_stanza = on_stanza or (lambda srv, text: None)
        self.on_iq = on_iq or (lambda srv, text: False)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.conn = None
        self.received = []
        self.full_jid = None
        threading.Thread(target=self._serve, daemon=True).start()

    def send(self, text):
        self.conn.sendall(text.encode())

    def _stream(self, features):
        self.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' "
                  f"from='{self.domain}' id='s1' version='1.0'>"
                  f"<stream:features>{features}</stream:features>")

    def _serve(self):
        self.conn, _ = self.sock.accept()
        buf = ""
        state = "auth"
        while True:
            try:
                data = self.conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data.decode(errors="replace")
            buf = self._consume(buf)

    def _consume(self, buf):
        while True:
            if "<stream:stream" in buf and ">" in buf[buf.index("<stream:stream"):]:
                start = buf.index("<stream:stream")
                end = buf.index(">", start) + 1
                buf = buf[:start] + buf[end:]
                if self.full_jid is None and not getattr(self, "_authed", False):
                    self._stream("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                 "<mechanism>PLAIN</mechanism></mechanisms>")
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

    def _handle(self, text):
        if text.startswith("<auth"):
            self._authed = True
            self.send("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
        elif "urn:ietf:params:xml:ns:xmpp-bind" in text:
            iq_id = re.search(r"id=[\"']([^\"']+)", text).group(1)
            self.full_jid = f"alice@{self.domain}/fake"
            self.send(f"<iq type='result' id='{iq_id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      f"<jid>{self.full_jid}</jid></bind></iq>")
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
