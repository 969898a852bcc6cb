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
from natterlib import Batch, Prosody, libstrophe_build, wait_for


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


# --- scripted drops, dead streams, refusals -------------------------------

def test_tcp_close_mid_stanza_reconnects(home):
    srv = ScriptServer()
    fake_account(home, srv)
    b = Batch(home, *fast("-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        t0 = time.monotonic()
        srv.send("<message from='bob@localhost' to='alice@localhost/fake'>"
                 "<body>half a sta")
        srv.drop()
        lost = b.wait_event("connection-state", state="disconnected")
        assert lost["error"] == "lost", lost
        # Closed or reset, depending on whether natter was writing.
        assert re.fullmatch(r"connection lost: the server (closed|reset) "
                            r"the connection", lost["reason"]), lost
        again = b.wait_event("connection-state", state="reconnecting")
        assert re.fullmatch(r"reconnecting in \d+ s \(attempt 1\)",
                            again["reason"]), again
        wait_count(b, 2, "connection-state", state="online", timeout=10)
        assert time.monotonic() - t0 < 10
        assert srv.accepted == 2
    finally:
        b.close()
        srv.close()


def test_invalid_xml_is_reported_and_reconnected(home):
    srv = ScriptServer()
    fake_account(home, srv)
    b = Batch(home, *fast("-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        srv.conn.sendall(b"<message from='bob@localhost' to='alice@localhost/fake'>"
                         b"<body>\xff\xfe bad</body></message>")
        lost = b.wait_event("connection-state", state="disconnected")
        assert lost["error"] == "invalid-xml", lost
        assert "not well-formed" in lost["reason"], lost
        wait_count(b, 2, "connection-state", state="online", timeout=10)
        # The new stream works: a message on it is received.
        srv.send("<message from='bob@localhost' to='alice@localhost/fake' "
                 "type='chat'><body>after</body></message>")
        b.wait_event("message-received", body="after")
    finally:
        b.close()
        srv.close()


def test_nul_reference_is_reported_and_reconnected(home):
    srv = ScriptServer()
    fake_account(home, srv)
    b = Batch(home, *fast("-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        srv.send("<message from='bob@localhost'><body>&#0;</body></message>")
        lost = b.wait_event("connection-state", state="disconnected")
        assert lost["error"] == "invalid-xml", lost
        wait_count(b, 2, "connection-state", state="online", timeout=10)
    finally:
        b.close()
        srv.close()


def test_failed_authentication_is_not_retried(home):
    srv = ScriptServer()
    srv.reject_auth.add(1)              # the first reconnection is refused
    fake_account(home, srv)
    b = Batch(home, *fast("-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        srv.drop()
        failed = b.wait_event("connection-state", state="failed")
        assert failed["error"] == "auth", failed
        n = count(b, "connection-state", state="reconnecting")
        # Two reconnect intervals later nobody has tried again.
        b.send("/set reconnect.min 1")
        time.sleep(2.5)   # the window in which a retry would happen
        assert srv.accepted == 2
        assert count(b, "connection-state", state="reconnecting") == n
        b.send("/account list")
        b.wait_event("command-output", text=re.compile(r"^a .*disconnected"))
    finally:
        b.close()
        srv.close()


def test_conflict_is_not_retried(home):
    srv = ScriptServer()
    fake_account(home, srv)
    b = Batch(home, *fast("-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        srv.send("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:"
                 "xmpp-streams'/></stream:error></stream:stream>")
        srv.drop()
        ev = b.wait_event("connection-state", state="disconnected")
        assert ev["error"] == "stream" and "conflict" in ev["reason"], ev
        time.sleep(2.5)   # the window in which a retry would happen
        assert srv.accepted == 1
        assert b.find("connection-state", state="reconnecting") is None
    finally:
        b.close()
        srv.close()


def test_reconnect_now_and_disconnect_stops_retrying(home):
    srv = ScriptServer()
    fake_account(home, srv)
    b = Batch(home, "-c", "/set reconnect.min 60", "-c", "/set reconnect.max 60",
              "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        srv.drop()
        b.wait_event("connection-state", state="reconnecting",
                     reason=re.compile(r"in \d+ s \(attempt 1\)"))
        b.send("/connect a")
        wait_for(lambda: "waiting to reconnect: /reconnect tries now" in b.stderr,
                 5, lambda: b.stderr)
        b.send("/reconnect now")
        wait_count(b, 2, "connection-state", state="online", timeout=10)
        srv.drop()
        wait_count(b, 2, "connection-state", state="reconnecting")
        b.send("/disconnect")
        b.wait_event("command-result", command="disconnect", status="ok")
        wait_count(b, 3, "connection-state", state="disconnected")
        b.send("/account list")
        b.wait_event("command-output", text=re.compile(r"^a .*disconnected"))
        b.send("/reconnect")            # logs in again
        b.wait_event("command-result", command="reconnect", status="ok")
        wait_count(b, 3, "connection-state", state="online", timeout=10)
        b.send("/reconnect")            # online: closes, then at once again
        ev = b.wait_event("connection-state", state="disconnected",
                          error="reconnect")
        assert "/reconnect" in ev["reason"], ev
        b.wait_event("connection-state", state="reconnecting",
                     reason="reconnecting now (attempt 1)")
        wait_count(b, 4, "connection-state", state="online", timeout=10)
        assert srv.accepted == 4
    finally:
        b.close()
        srv.close()


# --- faults of a real server ---------------------------------------------

@pytest.fixture(scope="module")
def shared_prosody():
    p = Prosody().start()
    yield p
    p.stop()


def prosody_account(home, p, user):
    jid = p.register(user, "pw-" + user)
    home.add_account("a", jid, "pw-" + user, port=p.port)
    home.trust(p.fingerprint())


def test_prosody_crash_and_restart_comes_back_online(home, shared_prosody):
    p = shared_prosody
    prosody_account(home, p, "crash")
    b = Batch(home, *fast("-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        p.crash()
        lost = b.wait_event("connection-state", state="disconnected")
        assert lost["error"] == "lost", lost
        # A TLS stream cut by the server reads like a plain one.
        assert lost["reason"] == \
            "connection lost: the server closed the connection", lost
        b.wait_event("connection-state", state="reconnecting")
        wait_count(b, 2, "connection-state", state="reconnecting")
        p.restart()
        wait_count(b, 2, "connection-state", state="online", timeout=15)
    finally:
        b.close()


def test_frozen_server_is_noticed_by_ping_and_reconnected(home, shared_prosody):
    p = shared_prosody
    prosody_account(home, p, "freeze")
    b = Batch(home, *fast("-c", "/set conn.ping_idle 1",
                          "-c", "/set conn.ping_timeout 1",
                          "-c", "/set conn.timeout 2", "-c", "/connect a"))
    try:
        b.wait_event("connection-state", state="online")
        p.freeze()
        try:
            lost = b.wait_event("connection-state", state="disconnected",
                                timeout=10)
            assert lost["error"] == "timeout", lost
            assert "no answer from the server" in lost["reason"], lost
            b.wait_event("connection-state", state="reconnecting")
        finally:
            p.thaw()
        wait_count(b, 2, "connection-state", state="online", timeout=20)
    finally:
        b.close()


# --- the SASL mechanism that worked is remembered ---------------------------

def test_sasl_mechanism_is_remembered(home, shared_prosody):
    p = shared_prosody
    prosody_account(home, p, "mech")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        b.send("/account show a")
        b.wait_event("command-output",
                     text=re.compile(r"sasl_mechanism\s*=?\s*SCRAM-SHA-"))
    finally:
        b.close()
    accounts = (home.config / "natter" / "accounts").read_text()
    assert re.search(r"^sasl_mechanism=SCRAM-SHA-", accounts, re.M), accounts


@pytest.mark.skipif("natter-hardened" in libstrophe_build(),
                    reason="natter's hardened libstrophe refuses the downgrade "
                           "(test_hardened.py)")
def test_weaker_mechanism_than_before_is_warned(home):
    srv = ScriptServer()                # offers PLAIN only
    fake_account(home, srv, sasl_mechanism="SCRAM-SHA-1")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        ev = b.wait_event("error", text=re.compile(r"PLAIN"))
        assert "weaker than SCRAM-SHA-1" in ev["text"], ev
    finally:
        b.close()
        srv.close()
    # The stronger one stays remembered.
    accounts = (home.config / "natter" / "accounts").read_text()
    assert "sasl_mechanism=SCRAM-SHA-1" in accounts, accounts


# --- what the full-screen interface shows -----------------------------------

def test_tui_shows_reconnecting_in_console_and_status_bar(home):
    from natterlib import Tui
    srv = ScriptServer()
    fake_account(home, srv)
    t = Tui(home)
    try:
        t.wait_screen(r"/help lists the commands")
        t.command("/set reconnect.min 60")
        t.command("/set reconnect.max 60")
        t.command("/connect a")
        t.wait_screen(r"\[alice@localhost online\]")
        srv.drop()
        t.wait_screen(r"a: disconnected: connection lost: the server closed "
                      r"the connection")
        t.wait_screen(r"a: reconnecting in \d+ s \(attempt 1\)")
        t.wait_screen(r"\[alice@localhost reconnecting \(attempt 1\)\]")
        t.command("/reconnect now")
        t.wait_screen(r"\[alice@localhost online\]")
        assert srv.accepted == 2
    finally:
        t.close()
        srv.close()
