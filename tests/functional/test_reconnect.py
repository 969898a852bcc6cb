# SPDX-License-Identifier: MIT
"""Staying connected (PRODUCT §5, §6; issue 16): the connection lifecycle,
automatic reconnect with backoff, the login and ping deadlines, a loop that
never spins on a slow server, and streams left dead by invalid XML.

Scripted servers (ScriptServer below) carry what a real server will not do;
faults of a real server (crash, freeze) share one Prosody per module."""
import re
import socket
import threading
import time

import pytest

from fakeserver import FakeServer
from natterlib import Batch, Prosody, wait_for


class ScriptServer(FakeServer):
    """FakeServer that accepts one client after another. `script(srv, n)`
    runs for connection n (0, 1, ...) before it is served; it may return
    False to leave the connection unserved (it then owns the socket)."""

    def __init__(self, script=None, **kw):
        self.script = script or (lambda srv, n: True)
        self.accepted = 0
        self.reject_auth = set()     # connection numbers whose login fails
        super().__init__(**kw)
        self.sock.listen(8)

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            n = self.accepted
            self.accepted += 1
            self.conn = conn
            self.full_jid = None
            self._authed = False
            self._n = n
            if self.script(self, n) is False:
                continue
            self._serve_one(conn)

    def _serve_one(self, conn):
        buf = ""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data.decode(errors="replace")
            try:
                buf = self._consume(buf)
            except OSError:
                return

    def _handle(self, text):
        if text.startswith("<auth") and self._n in self.reject_auth:
            self.send("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                      "<not-authorized/></failure>")
            return
        super()._handle(text)

    def drop(self):
        """Close the current client's connection (a plain TCP close)."""
        try:
            self.conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def count(b, kind, **fields):
    with b._lock:
        evs = list(b.events)
    return sum(1 for ev in evs if ev.get("event") == kind and
               all(re.search(v, str(ev.get(k))) if isinstance(v, re.Pattern)
                   else ev.get(k) == v for k, v in fields.items()))


def wait_count(b, n, kind, timeout=15, **fields):
    wait_for(lambda: count(b, kind, **fields) >= n, timeout,
             lambda: f"{n} x {kind} {fields}; got {b.events[-8:]} "
                     f"stderr={b.stderr}")


def fast(*extra):
    """Batch arguments that make the deadlines and backoff short."""
    return ["-c", "/set reconnect.min 1", "-c", "/set reconnect.max 2",
            *extra]


def fake_account(home, srv, **keys):
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable", **keys)


# --- a slow server costs no CPU, and the login deadline ends it ----------

def test_trickling_login_costs_no_cpu_and_hits_login_deadline(home):
    header = ("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
              "xmlns:stream='http://etherx.jabber.org/streams' "
              "from='localhost' id='s1' version='1.0'><stream:features>"
              "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
              "<mechanism>PLAIN</mechanism></mechanisms></stream:features>")
    stop = threading.Event()
    opened = threading.Event()

    def trickle(srv, n):
        conn = srv.conn

        def run():
            if b"<stream:stream" in conn.recv(4096):
                opened.set()            # natter opened its stream
            for ch in header:
                if stop.wait(0.25):
                    break
                try:
                    conn.sendall(ch.encode())
                except OSError:
                    break
        threading.Thread(target=run, daemon=True).start()
        return False

    srv = ScriptServer(script=trickle)
    fake_account(home, srv)
    b = Batch(home, "-c", "/set conn.timeout 4", "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="connecting")
        wait_for(opened.is_set, 10, "natter's stream header")
        before = cpu_seconds(b.proc.pid)
        ev = b.wait_event("connection-state", state="failed", timeout=15)
        used = cpu_seconds(b.proc.pid) - before
        assert ev["error"] == "timeout", ev
        assert "did not complete within 4 seconds" in ev["reason"]
        assert used < 0.5, f"natter used {used:.2f} s of CPU waiting"
        # A first login that fails is not retried.
        assert b.find("connection-state", state="reconnecting") is None
    finally:
        stop.set()
        b.close()
        srv.close()
