# SPDX-License-Identifier: MIT
"""Attacks that are decided inside libstrophe, before natter's handlers
run, against scripted servers on 127.0.0.1: each needs natter's hardened
libstrophe (patches/libstrophe). With the stock library these tests are
skipped with that reason, never passed: the stock library fails them
(NATTER_HARDENED_TESTS=force runs them anyway, to see them fail). Only
the invalid-XML test runs with both: natter detects that dead stream
itself when its libstrophe does not report it."""
import os
import re
import shutil
import subprocess
import time

import pytest

from fakeserver import FakeServer
from natterlib import Batch, libstrophe_build, wait_for

hardened = pytest.mark.skipif(
    "natter-hardened" not in libstrophe_build()
    and os.environ.get("NATTER_HARDENED_TESTS") != "force",
    reason=f"{libstrophe_build()}: the hostile-input tests need natter's "
           "patches")


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(home, srv, *keys):
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable", **dict(keys))
    return Batch(home, "-c", "/set reconnect.min 1", "-c", "/connect a")


def settled(b):
    """natter has handled everything before this point (a command round
    trip through its loop)."""
    b.send("/set ui.bell off")
    b.wait_event("command-result", command="set")


def assert_not_retried(b, srv):
    settled(b)
    assert b.find("connection-state", state="reconnecting") is None, \
        "a refused authentication must not be retried"
    assert srv.connections == 1


@hardened
@pytest.mark.parametrize("lie, says", [
    ({"signature": "wrong"}, "signature does not match"),
    ({"foreign_nonce": True}, "nonce does not extend"),
    ({"iterations": 10_000_000}, "more iterations than allowed"),
])
def test_scram_lies_are_refused_without_fallback(home, lie, says):
    srv = FakeServer(mechanisms=("SCRAM-SHA-1", "PLAIN"), scram=lie)
    b = start(home, srv)
    try:
        ev = b.wait_event("connection-state", state="failed", timeout=10)
        assert ev["error"] == "auth"
        assert "authentication refused" in ev["reason"]
        assert says in ev["reason"]
        assert srv.auths == ["SCRAM-SHA-1"], \
            f"no fallback to a weaker mechanism: {srv.auths}"
        assert_not_retried(b, srv)
        # 10 million iterations would cost natter about 20 s of CPU
        assert cpu_seconds(b.proc.pid) < 2.0
    finally:
        b.kill()
        srv.close()


@hardened
def test_scram_with_an_honest_server_logs_in(home):
    srv = FakeServer(mechanisms=("SCRAM-SHA-1", "PLAIN"))
    b = start(home, srv)
    try:
        b.wait_event("connection-state", state="online")
        assert srv.auths == ["SCRAM-SHA-1"]
    finally:
        b.kill()
        srv.close()


@hardened
def test_downgrade_to_plain_is_refused(home):
    """The account logged in with SCRAM before; a server now offering
    PLAIN only gets no password."""
    srv = FakeServer(mechanisms=("PLAIN",))
    b = start(home, srv, ("sasl_mechanism", "SCRAM-SHA-1"))
    try:
        ev = b.wait_event("connection-state", state="failed")
        assert ev["error"] == "auth"
        assert "only mechanisms" in ev["reason"]
        assert "SCRAM-SHA-1" in ev["reason"]
        assert srv.auths == []
        assert_not_retried(b, srv)
    finally:
        b.kill()
        srv.close()


@hardened
def test_sasl_plain_no_forbids_plain(home):
    srv = FakeServer(mechanisms=("PLAIN",))
    b = start(home, srv, ("sasl_plain", "no"))
    try:
        ev = b.wait_event("connection-state", state="failed")
        assert ev["error"] == "auth"
        assert srv.auths == []
    finally:
        b.kill()
        srv.close()


def hostile_after_login(payload, chunk=None):
    """A server that sends payload once, on the first session only."""
    def online(srv):
        if srv.connections == 1:
            data = payload() if callable(payload) else payload
            if chunk is None:
                srv.send(data)
            else:
                for i in range(0, len(data), chunk):
                    srv.send(data[i:i + chunk])
    return FakeServer(on_online=online)


def back_online(b, srv):
    """natter reconnected by itself and the new session works."""
    wait_for(lambda: srv.connections >= 2, 20, "natter to reconnect")
    wait_for(lambda: len([e for e in b.events
                          if e.get("event") == "connection-state"
                          and e.get("state") == "online"]) >= 2, 20,
             lambda: f"a second session; events {b.events[-6:]}")


@hardened
def test_deep_nesting_does_not_crash(home):
    srv = hostile_after_login("<message from='bob@localhost'>" +
                              "<a>" * 100_000)
    b = start(home, srv)
    try:
        ev = b.wait_event("connection-state", state=re.compile("lost|failed|disconnected|reconnecting"),
                          reason=re.compile("nested too deep"))
        assert "natter refuses" in ev["reason"]
        wait_for(lambda: "<policy-violation" in srv.wire,
                 10, "the policy-violation stream error")
        back_online(b, srv)
        assert b.proc.poll() is None
    finally:
        b.kill()
        srv.close()


def test_invalid_xml_is_reported_and_reconnects(home):
    srv = hostile_after_login("<message from='bob@localhost'><body>&#0;"
                              "</body></message>")
    b = start(home, srv)
    try:
        b.wait_event("connection-state", reason=re.compile("not well-formed"))
        wait_for(lambda: "<invalid-xml" in srv.wire,
                 10, "the invalid-xml stream error")
        back_online(b, srv)
    finally:
        b.kill()
        srv.close()


LAUGHS = ("<?xml version='1.0'?><!DOCTYPE stream:stream ["
          "<!ENTITY forged 'text the server never sent'>"
          "<!ENTITY a 'lol'>" +
          "".join(f"<!ENTITY {c} '{('&' + p + ';') * 10}'>"
                  for p, c in zip("abcdefgh", "bcdefghi")) + "]>")


@hardened
def test_doctype_is_refused_before_any_entity_is_expanded(home):
    """The stock library honours the declarations: after login a message
    body '&forged;' is shown as text the server never sent."""
    def online(srv):
        srv.send("<message from='bob@localhost' type='chat'>"
                 "<body>&forged;</body></message>")
    srv = FakeServer(prolog=LAUGHS, on_online=online)
    b = start(home, srv)
    try:
        ev = b.wait_event("connection-state",
                          reason=re.compile("document type declaration refused"))
        assert ev["state"] in ("failed", "disconnected", "reconnecting")
        wait_for(lambda: "<restricted-xml" in srv.wire,
                 10, "the restricted-xml stream error")
        settled(b)
        assert b.find("message-received") is None
        assert b.find("connection-state", state="online") is None
        assert cpu_seconds(b.proc.pid) < 2.0
    finally:
        b.kill()
        srv.close()


@hardened
def test_huge_text_node_costs_little_cpu(home):
    """32 MB of text in one element, fed in 4 KB pieces: linear time."""
    big = "x" * (32 << 20)
    srv = hostile_after_login(
        lambda: f"<message from='bob@localhost' type='headline'>"
                f"<x xmlns='urn:example:big'>{big}</x></message>"
                f"<message from='bob@localhost' type='chat' id='after'>"
                f"<body>after the big one</body></message>", chunk=4096)
    b = start(home, srv)
    try:
        b.wait_event("connection-state", state="online")
        before = cpu_seconds(b.proc.pid)
        b.wait_event("message-received", body="after the big one", timeout=90)
        # stock (quadratic): about 18 s here; linear: under 1 s (more
        # under the sanitizers)
        assert cpu_seconds(b.proc.pid) - before < 8.0
    finally:
        b.kill()
        srv.close()


@hardened
def test_diagnose_reports_tls_and_sasl(home, prosody):
    """/diagnose reads the negotiated TLS version, cipher and SASL
    mechanism from natter's libstrophe (patches 0007 and 0008)."""
    import json
    from natterlib import login
    b, _ = login(home, prosody)
    try:
        b.send("/diagnose --json")
        b.wait_event("command-result", command="diagnose", timeout=30)
        out = [e["text"] for e in b.events if e.get("event") == "command-output"]
        conn = json.loads(out[-1])["connection"]
        assert re.fullmatch(r"TLSv1\.[23]", conn["tls_version"]), conn
        assert re.fullmatch(r"[A-Z0-9_-]+", conn["tls_cipher"]), conn
        assert conn["sasl"].startswith("SCRAM-SHA-"), conn
        # where libstrophe connected: the account's server, no SRV
        assert (conn["host"], conn["port"]) == ("127.0.0.1", str(prosody.port))
        assert "srv_priority" not in conn
        seen = len(b.events)
        b.send("/diagnose")
        wait_for(lambda: [e for e in b.events[seen:]
                          if e.get("event") == "command-result"], 30,
                 "the text report")
        text = "\n".join(e["text"] for e in b.events[seen:]
                         if e.get("event") == "command-output")
        assert re.search(rf"TLS version {conn['tls_version']}, cipher "
                         rf"{re.escape(conn['tls_cipher'])}", text)
        assert f"host 127.0.0.1 port {prosody.port} (set in the account: " \
               "no SRV lookup)" in text
    finally:
        b.close()


@hardened
def test_lost_during_scram_leaks_nothing(home):
    """A server that hangs up after <auth/>: the login fails and natter
    exits with the login code 3 (under the sanitizer build LeakSanitizer
    would make it 86 for a leaked SCRAM exchange)."""
    srv = FakeServer(mechanisms=("SCRAM-SHA-1",), scram={"hangup": True})
    b = start(home, srv)
    try:
        b.wait_event("connection-state", state="failed")
        assert srv.auths == ["SCRAM-SHA-1"]
        assert b.close() == 3, b.stderr[-2000:]
    finally:
        b.kill()
        srv.close()


def _login_traced(home, prosody, tmp_path, pin=False):
    """Log account a in under strace: (Batch, the files natter opened
    while logging in). The server's certificate is pinned only if pin."""
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    if pin:
        home.trust(prosody.fingerprint())
    b = Batch(home)
    trace = tmp_path / "opened"
    st = subprocess.Popen(["strace", "-f", "-e", "trace=openat", "-o", str(trace),
                           "-p", str(b.proc.pid)], stderr=subprocess.PIPE, text=True)
    assert "attached" in st.stderr.readline()
    b.send("/connect a")
    b.wait_event("connection-state", state="online")
    st.send_signal(2)
    st.communicate(timeout=10)
    return b, trace.read_text()


SYSTEM_CERTS = "/usr/lib/ssl/certs"      # OpenSSL's default on Debian
needs_hashed_store = pytest.mark.skipif(
    not os.path.isdir(SYSTEM_CERTS) or not any(
        re.fullmatch(r"[0-9a-f]{8}\.\d+", n) for n in os.listdir(SYSTEM_CERTS)),
    reason="the system's certificate directory is not hashed (ca-certificates)")


@hardened
@needs_hashed_store
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
@pytest.mark.parametrize("environ", ["unset", "system"])
def test_trust_store_bundle_not_parsed(home, prosody, tmp_path, monkeypatch, environ):
    """A login's TLS context looks the system's trust anchors up in their
    hashed directory when a chain needs one, and never parses the whole
    bundle file (patch 0013: close to 1 MB of heap and a few ms of CPU per
    connection); the same when SSL_CERT_FILE and SSL_CERT_DIR name the
    system's own file and directory, as some environments export them."""
    if environ == "unset":
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    else:
        monkeypatch.setenv("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
        monkeypatch.setenv("SSL_CERT_DIR", "/etc/ssl/certs")
    b, opened = _login_traced(home, prosody, tmp_path, pin=True)
    b.close()
    assert "openat(" in opened, opened
    assert not re.search(r'"[^"]*(cert\.pem|ca-certificates\.crt)"', opened), opened


@hardened
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_trust_store_cert_file_still_used(home, prosody, tmp_path, monkeypatch):
    """With SSL_CERT_FILE naming another file, that file is loaded (as
    OpenSSL's default paths always did) and a certificate in it verifies
    the server without any pinning."""
    monkeypatch.setenv("SSL_CERT_FILE", str(prosody.cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    b, opened = _login_traced(home, prosody, tmp_path)
    b.close()
    assert f'"{prosody.cert}"' in opened, opened


@hardened
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_trust_store_cert_dir_still_used(home, prosody, tmp_path, monkeypatch):
    """With SSL_CERT_DIR naming a hashed directory of one's own, the
    server's certificate is found there and verified without pinning."""
    certs = tmp_path / "certs"
    certs.mkdir()
    shutil.copy(prosody.cert, certs / "server.pem")
    subprocess.run(["openssl", "rehash", str(certs)], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_DIR", str(certs))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    b, opened = _login_traced(home, prosody, tmp_path)
    b.close()
    assert re.search(rf'"{re.escape(str(certs))}/[0-9a-f]{{8}}\.0"', opened), opened
