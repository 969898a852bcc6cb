# SPDX-License-Identifier: MIT
"""/diagnose and host-meta (XEP-0156, XEP-0487; issue 20 item 4): the files
are fetched over HTTPS from a local server whose self-signed certificate is
trusted through diagnose.http_ca_file, the endpoints are reported in text
and JSON, a missing file, an untrusted certificate and a stalled server are
reported as such without freezing the interface; saved reports compare
with natter --diff and /diagnose compare."""
import json
import re
import shutil
import subprocess

import pytest

from httpsserver import HttpsServer
from natterlib import NATTER, Batch, wait_for

BOSH = "https://localhost:5280/http-bind"
WS = "wss://localhost:5281/xmpp-websocket"

XRD = f"""<?xml version='1.0' encoding='utf-8'?>
<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
  <Link rel="urn:xmpp:alt-connections:xbosh" href="{BOSH}"/>
  <Link rel="urn:xmpp:alt-connections:websocket" href="{WS}"/>
  <Link rel="lrdd" template="https://localhost/lrdd?uri={{uri}}"/>
</XRD>
"""

JRD = {
    "xmpp": {"ttl": 3000, "public-key-pins-sha-256": ["4/mggdlVx8A3pvHAWW5sD+qJyMtUHgiRuPjVC48N0XQ="]},
    "links": [
        {"rel": "urn:xmpp:alt-connections:xbosh", "href": BOSH},
        {"rel": "urn:xmpp:alt-connections:websocket", "href": WS},
        {"rel": "urn:xmpp:alt-connections:tls", "port": 5223, "priority": 10,
         "weight": 50, "sni": "localhost", "ips": ["127.0.0.1"]},
    ],
}


def files(xrd=XRD, jrd=JRD):
    out = {}
    if xrd is not None:
        out["/.well-known/host-meta"] = (200, "application/xrd+xml", xrd)
    if jrd is not None:
        out["/.well-known/host-meta.json"] = (200, "application/json", json.dumps(jrd))
    return out


@pytest.fixture
def https():
    servers = []

    def make(**kw):
        s = HttpsServer(**kw)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()


def online(home, prosody, *args):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, *args, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    return b


def run(b, line, timeout=40):
    start = len(b.events)
    b.send(line)
    wait_for(lambda: any(e.get("event") == "command-result" and e.get("command") == "diagnose"
                         for e in b.events[start:]), timeout, f"{line} to finish")
    return "\n".join(e["text"] for e in b.events[start:] if e.get("event") == "command-output")


def diagnose(home, prosody, server, args="", extra=()):
    b = online(home, prosody, *server.prefs(), *extra)
    text = run(b, f"/diagnose {args}".strip())
    assert b.close() == 0, b.stderr      # (86: the sanitizers found a leak)
    return text


def test_text_report_lists_bosh_websocket_and_xep0487_endpoints(home, prosody, https):
    srv = https(files=files())
    text = diagnose(home, prosody, srv)
    assert "/.well-known/host-meta" in srv.requests and "/.well-known/host-meta.json" in srv.requests
    sect = text[text.index("Other ways in"):]
    assert re.search(rf"^  fetched from 127\.0\.0\.1:{srv.port} ", sect, re.M), sect
    assert re.search(r"^  host-meta\s+https://localhost/\.well-known/host-meta: 3 links$", sect, re.M), sect
    assert re.search(r"^  host-meta\.json\s+https://localhost/\.well-known/host-meta\.json: 3 links "
                     r"\(XEP-0487 \"xmpp\" object present\)$", sect, re.M), sect
    assert re.search(rf"^  BOSH\s+{re.escape(BOSH)} \(in host-meta, host-meta\.json\)$", sect, re.M), sect
    assert re.search(rf"^  WebSocket\s+{re.escape(WS)} \(in host-meta, host-meta\.json\)$", sect, re.M), sect
    assert re.search(r"^  direct TLS \(XEP-0368\) port 5223, priority 10, weight 50, sni localhost, "
                     r"ips 127\.0\.0\.1$", sect, re.M), sect
    assert re.search(r"^  the two files agree$", sect, re.M), sect


def test_json_report_has_host_meta(home, prosody, https):
    srv = https(files=files())
    rep = json.loads(diagnose(home, prosody, srv, "--json"))
    hm = rep["host_meta"]
    assert hm["bosh"] == [BOSH] and hm["websocket"] == [WS]
    assert hm["agree"] == "yes" and hm["differences"] == []
    assert hm["xrd"]["status"] == "ok" and hm["xrd"]["http_status"] == 200
    assert hm["xrd"]["url"] == "https://localhost/.well-known/host-meta"
    assert hm["jrd"]["status"] == "ok" and hm["jrd"]["xmpp"]["ttl"] == 3000
    assert hm["other"] == [{"rel": "urn:xmpp:alt-connections:tls", "port": 5223, "priority": 10,
                            "weight": 50, "sni": "localhost", "ips": ["127.0.0.1"]}]
    assert hm["fetched_from"] == f"127.0.0.1:{srv.port}"


def test_no_host_meta_is_reported_as_not_published(home, prosody, https):
    srv = https(files={})
    b = online(home, prosody, *srv.prefs())
    text = run(b, "/diagnose")
    rep = json.loads(run(b, "/diagnose --json"))
    assert b.close() == 0, b.stderr      # (86: the sanitizers found a leak)
    assert re.search(r"^  host-meta\s+\S+: not published \(HTTP 404\)$", text, re.M), text
    assert re.search(r"^  host-meta\.json\s+\S+: not published \(HTTP 404\)$", text, re.M), text
    assert re.search(r"^  BOSH\s+none advertised$", text, re.M), text
    assert re.search(r"^  WebSocket\s+none advertised$", text, re.M), text
    hm = rep["host_meta"]
    assert hm["xrd"]["status"] == hm["jrd"]["status"] == "not-found"
    assert hm["xrd"]["http_status"] == 404 and hm["bosh"] == [] and hm["websocket"] == []


def test_files_that_disagree_are_listed(home, prosody, https):
    jrd = {"links": [{"rel": "urn:xmpp:alt-connections:xbosh", "href": BOSH},
                     {"rel": "urn:xmpp:alt-connections:websocket", "href": "wss://other/ws"}]}
    srv = https(files=files(jrd=jrd))
    text = diagnose(home, prosody, srv)
    assert "  the two files DIFFER:" in text, text
    assert f"    only in host-meta: urn:xmpp:alt-connections:websocket {WS}" in text
    assert "    only in host-meta.json: urn:xmpp:alt-connections:websocket wss://other/ws" in text
    assert re.search(r"^  WebSocket\s+wss://other/ws \(in host-meta\.json\)$", text, re.M), text


def test_untrusted_certificate_is_a_tls_failure(home, prosody, https):
    srv = https(files=files())
    b = online(home, prosody, "-c", "/set diagnose.http_host 127.0.0.1",
               "-c", f"/set diagnose.http_port {srv.port}")
    text = run(b, "/diagnose")
    rep = json.loads(run(b, "/diagnose --json"))
    assert b.close() == 0, b.stderr      # (86: the sanitizers found a leak)
    assert re.search(r"^  host-meta\s+\S+: FAILED: TLS failed: .*certificate", text, re.M), text
    assert rep["host_meta"]["xrd"]["status"] == "tls"
    assert rep["host_meta"]["bosh"] == [] and rep["host_meta"]["agree"] == "unknown"
    assert srv.requests == []       # nothing was asked over an unverified connection


def test_redirects_only_to_https_and_bodies_are_bounded(home, prosody, https):
    srv = https(files={
        "/.well-known/host-meta": (301, "text/plain", "", {"Location": "http://127.0.0.1:9/x"}),
        "/.well-known/host-meta.json": (302, "text/plain", "", {"Location": "/moved.json"}),
        "/moved.json": (200, "application/json", json.dumps(JRD)),
    })
    rep = json.loads(diagnose(home, prosody, srv, "--json"))["host_meta"]
    assert rep["xrd"]["status"] == "redirect", rep
    assert "only https" in rep["xrd"]["error"]
    assert rep["jrd"]["status"] == "ok" and rep["websocket"] == [WS]     # https redirect followed
    srv.files = {"/.well-known/host-meta": (200, "application/xrd+xml", "<XRD>" + " " * 100000 + "</XRD>"),
                 "/.well-known/host-meta.json": (200, "application/json", "{\"links\": [")}
    home2 = type(home)()
    try:
        rep = json.loads(diagnose(home2, prosody, srv, "--json"))["host_meta"]
    finally:
        home2.cleanup()
    assert rep["xrd"]["status"] == "too-big", rep
    assert rep["xrd"]["error"] == "the answer is larger than 65536 bytes"
    assert rep["jrd"]["status"] == "invalid" and rep["jrd"]["error"].startswith("not a valid JRD document")


def test_stalled_server_leaves_the_interface_responsive(home, prosody, https, tui):
    srv = https(stall=True)
    t, _ = tui(*srv.prefs(), "-c", "/set diagnose.http_timeout 15")
    t.command("/diagnose")
    t.wait_screen(r"diagnosing localhost")
    wait_for(lambda: srv.accepted >= 1, 10, "natter to connect to the stalled server")
    t.type("still typing")
    t.wait_screen(r"still typing", timeout=3)
    t.keys("C-u")
    t.command("/help diagnose")
    t.wait_screen(r"/diagnose compare OLD NEW", timeout=3)
    assert "Other ways in" not in t.screen()    # the report still waits
    t.wait_screen(r"host-meta\s+\S+: FAILED: no complete answer", timeout=40)
    t.wait_screen(r"^\s+within 15\.0 s$")


def save(home, prosody, server, path, extra=()):
    text = diagnose(home, prosody, server, f"--json -o {path}", extra)
    assert text == f"diagnosis of localhost written to {path}"
    return json.loads(path.read_text())


def diff(a, b):
    return subprocess.run([NATTER, "--diff", str(a), str(b)], capture_output=True, text=True,
                          timeout=20)


def test_diff_of_two_reports_lists_what_changed(home, make_prosody, https, tmp_path):
    srv = https(files=files())
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    save(home, make_prosody(), srv, a)
    srv.files = files(jrd={"links": [{"rel": "urn:xmpp:alt-connections:websocket", "href": WS}]},
                      xrd=None)
    home2 = type(home)()
    try:
        save(home2, make_prosody(modules=["mam"]), srv, b)
    finally:
        home2.cleanup()
    r = diff(a, b)
    assert r.returncode == 1, (r.stdout, r.stderr)
    out = r.stdout.splitlines()
    assert "+ account feature: urn:xmpp:mam:2" in out, r.stdout
    assert "~ compliance[Message archive (MAM)].status: MISSING -> supported" in out, r.stdout
    assert f"- BOSH endpoint: {BOSH}" in out, r.stdout
    assert "~ host_meta.xrd.status: ok -> not-found" in out, r.stdout
    assert not any("uptime" in l or "ping_ms.m" in l or "libstrophe" in l for l in out), r.stdout


def test_diff_of_edited_and_identical_reports(home, prosody, https, tmp_path):
    srv = https(files=files())
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    rep = save(home, prosody, srv, a)
    shutil.copy(a, c)
    r = diff(a, c)
    assert r.returncode == 0 and "no differences" in r.stdout, (r.stdout, r.stderr)
    rep["software"]["version"] = "99.0"
    rep["software"]["uptime_seconds"] = "1"          # volatile: not compared
    rep["ping_ms"]["max"] = 12345.0                  # volatile: not compared
    rep["server_features"].remove("urn:xmpp:carbons:2")
    b.write_text(json.dumps(rep, indent=2))
    r = diff(a, b)
    assert r.returncode == 1
    assert sorted(r.stdout.splitlines()) == sorted([
        f"~ server software version: {json.loads(a.read_text())['software']['version']} -> 99.0",
        "- server feature: urn:xmpp:carbons:2"]), r.stdout
    (tmp_path / "bad.json").write_text("{not json")
    r = diff(a, tmp_path / "bad.json")
    assert r.returncode == 2 and "not a /diagnose --json report" in r.stderr, r.stderr
    r = subprocess.run([NATTER, "--diff", str(a)], capture_output=True, text=True, timeout=20)
    assert r.returncode == 2 and "--diff takes two reports" in r.stderr

    # the same comparison inside natter, offline
    bt = Batch(home)
    bt.send(f"/diagnose compare {a} {b}")
    bt.wait_event("command-result", command="diagnose")
    text = "\n".join(e["text"] for e in bt.events if e.get("event") == "command-output")
    assert bt.close() == 0, bt.stderr
    assert f"2 differences from {a} to {b}:" in text, text
    assert "  - server feature: urn:xmpp:carbons:2" in text


def test_libcurl_is_opened_on_first_fetch(home, prosody, https):
    """libcurl (with GnuTLS, Kerberos, LDAP... under it) is not linked: a
    session that never fetches over HTTP never maps it (memory after
    login, PRODUCT §12); the first /diagnose opens it."""
    srv = https(files=files())
    b = online(home, prosody, *srv.prefs())
    with open(f"/proc/{b.proc.pid}/maps") as f:
        before = f.read()
    assert "libcurl" not in before and "libgnutls" not in before
    assert "BOSH" in run(b, "/diagnose")
    with open(f"/proc/{b.proc.pid}/maps") as f:
        assert "libcurl" in f.read()
    assert b.close() == 0, b.stderr
