# SPDX-License-Identifier: MIT
"""/diagnose and DNS (issue 20 item 4): natter asks a DNS server itself
(c-ares, in its loop; dns.servers points it at the tests' own server) for
the SRV records _xmpp-client and _xmpps-client (XEP-0368), lists them with
the addresses of each target and marks the one its connection used; its
own connection takes its host from those records; TLS version, cipher and
certificate are reported; a DNS server that never answers blocks
nothing."""
import json
import re

import pytest

from dnsfixture import DnsServer
from natterlib import Batch, wait_for


@pytest.fixture
def dns():
    servers = []

    def make(**kw):
        s = DnsServer(**kw)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()


def records(d, prosody):
    """The test domain's SRV records: the client one to Prosody first."""
    d.srv("_xmpp-client._tcp.localhost", 10, 5, prosody.port, "xmpp.localhost")
    d.srv("_xmpp-client._tcp.localhost", 20, 0, 5999, "backup.localhost")
    d.srv("_xmpps-client._tcp.localhost", 5, 0, 5223, "direct.localhost")
    d.a("xmpp.localhost", "127.0.0.1")
    d.a("direct.localhost", "127.0.0.2")


def connect(home, prosody, d, server="127.0.0.1"):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", server=server, port=None if server is None
                     else prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", f"/set dns.servers {d.address}", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    return b


def diagnose(b, args=""):
    n = len(b.events)
    b.send(f"/diagnose {args}".strip())
    wait_for(lambda: any(e.get("event") == "command-result" and e.get("command") == "diagnose"
                         for e in b.events[n:]), 40, "the report")
    out = [e["text"] for e in b.events[n:] if e.get("event") == "command-output"]
    return out[-1] if "--json" in args else "\n".join(out)


def suite_row(text, feature):
    m = re.search(rf"^  {re.escape(feature)}\s+(RFC \d+|XEP-\d+)\s+(Core|IM|Advanced IM|Mobile|"
                  rf"Adv\. Mobile|not required)\s+(supported|MISSING)[ ]*(.*)$", text, re.M)
    assert m, f"no row for {feature} in:\n{text}"
    return m.groups()


def test_srv_records_of_both_kinds_listed(home, prosody, dns):
    d = dns()
    records(d, prosody)
    b = connect(home, prosody, d)
    text = diagnose(b)
    b.close()
    assert d.asked("_xmpp-client._tcp.localhost", "SRV")
    assert d.asked("_xmpps-client._tcp.localhost", "SRV")
    assert re.search(rf"^DNS \(SRV records, asked of 127\.0\.0\.1:{d.port}\)$", text, re.M), text
    assert re.search(r"^  _xmpp-client\._tcp\.localhost \(STARTTLS\)\n"
                     rf"    priority 10 weight 5: xmpp\.localhost port {prosody.port}, "
                     r"addresses 127\.0\.0\.1\n"
                     r"    priority 20 weight 0: backup\.localhost port 5999, "
                     r"addresses no address\n"
                     r"  _xmpps-client\._tcp\.localhost \(direct TLS, XEP-0368\)\n"
                     r"    priority 5 weight 0: direct\.localhost port 5223 \(direct TLS\), "
                     r"addresses 127\.0\.0\.2$", text, re.M), text
    # XEP-0479 §2.1: direct TLS is an Advanced Server feature, seen in DNS
    assert suite_row(text, "Direct TLS") == ("XEP-0368", "Advanced IM", "supported", "DNS _xmpps-client")
    # the account names its server: no record was used
    assert "used by this connection" not in text
    assert re.search(r"^  host 127\.0\.0\.1 port \d+ \(set in the account", text, re.M)


def test_tls_version_cipher_and_certificate(home, prosody, dns):
    d = dns()
    b = connect(home, prosody, d)
    text = diagnose(b)
    b.close()
    assert re.search(r"^  TLS version TLSv1\.[23], cipher [A-Z0-9_-]+$", text, re.M), text
    fp = prosody.fingerprint()
    assert re.search(r"^  certificate 1 \(the server's\)\n    subject: .*CN ?= ?localhost", text, re.M), text
    sha = re.search(r"^    SHA-256: (\S+)$", text, re.M).group(1)
    assert sha.replace(":", "").lower() == fp.replace(":", "").lower()
    assert re.search(r"^    SHA-1: [0-9A-Fa-f:]{40,}$", text, re.M)
    assert re.search(r"^    valid until: \S", text, re.M)
    assert re.search(r"^  certificate chain: the certificates past the server's are unknown", text, re.M)
    # no record at all: said so, both kinds
    assert text.count("    no record\n") == 2, text
    assert suite_row(text, "Direct TLS")[2:] == ("MISSING", "")


def test_compliance_levels_as_xep_0479_says(home, make_prosody, dns):
    d = dns()
    b = connect(home, make_prosody(modules=["mam", "vcard"]), d)
    text = diagnose(b)
    b.close()
    # XEP-0479 (2023) §2.1: caps and PEP only at Advanced Server;
    # §2.3: blocking, SM, MAM, bookmarks 2 only at Advanced Server,
    # vcard-temp at Server; §2.4: CSI is the Mobile suite's
    levels = {"Entity capabilities": "Advanced IM", "Personal eventing (PEP)": "Advanced IM",
              "Blocking": "Advanced IM", "Stream management": "Advanced IM",
              "Message archive (MAM)": "Advanced IM", "Bookmarks": "Advanced IM",
              "Message carbons": "IM", "Multi-user chat service": "IM",
              "HTTP file upload": "IM", "vcard-temp": "IM", "Service discovery": "Core",
              "Client state indication": "Mobile", "Push notifications": "Adv. Mobile",
              "In-band registration": "not required"}
    for feature, suite in levels.items():
        assert suite_row(text, feature)[1] == suite, (feature, text)
    assert suite_row(text, "vcard-temp")[2] == "supported"
    # upload missing: Core, whatever the advanced features
    assert re.search(r"^  level reached: Core$", text, re.M)


def test_json_srv_and_tls(home, prosody, dns):
    d = dns()
    records(d, prosody)
    b = connect(home, prosody, d)
    rep = json.loads(diagnose(b, "--json"))
    b.close()
    srv = rep["srv"]
    assert srv["servers"] == d.address and srv["errors"] == []
    client = [r for r in srv["records"] if r["service"] == "_xmpp-client._tcp.localhost"]
    direct = [r for r in srv["records"] if r["service"] == "_xmpps-client._tcp.localhost"]
    assert [(r["priority"], r["weight"], r["target"], r["port"], r["tls"]) for r in client] == [
        (10, 5, "xmpp.localhost", prosody.port, "starttls"),
        (20, 0, "backup.localhost", 5999, "starttls")]
    assert client[0]["addresses"] == ["127.0.0.1"] and client[0]["used"] is False
    assert client[1]["addresses"] == [] and "addresses_error" not in client[1]
    assert [(r["priority"], r["weight"], r["target"], r["port"], r["tls"], r["addresses"])
            for r in direct] == [(5, 0, "direct.localhost", 5223, "direct", ["127.0.0.2"])]
    conn = rep["connection"]
    assert re.fullmatch(r"TLSv1\.[23]", conn["tls_version"])
    assert conn["tls_cipher"] not in ("", "unknown")
    cert = conn["certificates"][0]
    assert cert["sha256"].replace(":", "").lower() == prosody.fingerprint().replace(":", "").lower()
    assert "localhost" in cert["subject"] and cert["not_after"] != "unknown"


def test_dns_failure_reported_not_fatal(home, prosody, dns):
    d = dns(stalled=True)
    b = connect(home, prosody, d)
    rep = json.loads(diagnose(b, "--json"))
    b.close()
    assert d.asked("_xmpp-client._tcp.localhost", "SRV")
    errs = {e["service"]: e["error"] for e in rep["srv"]["errors"]}
    assert set(errs) == {"_xmpp-client._tcp.localhost", "_xmpps-client._tcp.localhost"}
    assert all("timeout" in e.lower() for e in errs.values()), errs
    assert rep["ping_ms"]["answered"] == 10     # the rest of the report is there


def test_stalled_dns_leaves_the_tui_responsive(home, prosody, dns, tui):
    d = dns(stalled=True)
    t, _ = tui(height=100)   # the whole report on one screen
    t.command(f"/set dns.servers {d.address}")
    t.command("/diagnose")
    t.wait_screen(r"diagnosing localhost: asking DNS")
    wait_for(lambda: d.asked("_xmpp-client._tcp.localhost", "SRV"), 10, "the SRV question")
    t.type("typing works")
    t.wait_screen(r"> typing works\s*$", timeout=2)
    t.keys("C-u")
    t.command("/help diagnose")
    t.wait_screen(r"/diagnose \[DOMAIN\] \[--json\]", timeout=2)
    # the report is still waiting on DNS
    assert "Diagnosis of localhost" not in t.screen()
    t.wait_screen(r"no answer: .*[Tt]imeout", timeout=40)


def test_own_connection_takes_its_host_from_srv(home, prosody, dns):
    d = dns()
    # priority order: 5 has no address, so 10 is dialled; 20 never
    d.srv("_xmpp-client._tcp.localhost", 20, 0, 5999, "backup.localhost")
    d.srv("_xmpp-client._tcp.localhost", 5, 0, 5998, "dead.localhost")
    d.srv("_xmpp-client._tcp.localhost", 10, 5, prosody.port, "xmpp.localhost")
    d.srv("_xmpps-client._tcp.localhost", 5, 0, 5223, "direct.localhost")
    d.a("xmpp.localhost", "127.0.0.1")
    b = connect(home, prosody, d, server=None)
    assert d.asked("_xmpp-client._tcp.localhost", "SRV")
    assert d.asked("dead.localhost", "A") and d.asked("xmpp.localhost", "A")
    assert not d.asked("backup.localhost", "A")
    text = diagnose(b)
    rep = json.loads(diagnose(b, "--json"))
    b.close()
    assert re.search(rf"^  host xmpp\.localhost port {prosody.port} \(from the SRV record "
                     r"_xmpp-client\._tcp: priority 10, weight 5\)$", text, re.M), text
    assert re.search(rf"^    priority 10 weight 5: xmpp\.localhost port {prosody.port}, "
                     r"addresses 127\.0\.0\.1  <- used by this connection$", text, re.M), text
    assert text.count("used by this connection") == 1
    used = [r for r in rep["srv"]["records"] if r["used"]]
    assert [(r["service"], r["target"], r["port"]) for r in used] == [
        ("_xmpp-client._tcp.localhost", "xmpp.localhost", prosody.port)]
    assert rep["connection"]["srv_service"] == "_xmpp-client._tcp"
    assert rep["connection"]["srv_priority"] == "10"


def test_no_srv_record_dials_the_domain(home, make_prosody, dns):
    prosody = make_prosody(domain="example.test")
    d = dns()
    d.a("example.test", "127.0.0.1")
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", server=None, port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", f"/set dns.servers {d.address}", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    text = diagnose(b)
    b.close()
    assert d.asked("_xmpp-client._tcp.example.test", "SRV")
    assert re.search(rf"^  host example\.test port {prosody.port} \(no SRV record "
                     r"_xmpp-client\._tcp: the domain itself\)$", text, re.M), text


def keeps_answering(t):
    """The TUI echoes typing and runs a command within 2 s."""
    t.type("typing works")
    t.wait_screen(r"> typing works\s*$", timeout=2)
    t.keys("C-u")
    t.command("/help diagnose")
    t.wait_screen(r"/diagnose \[DOMAIN\] \[--json\]", timeout=2)


def test_stalled_dns_connect_leaves_the_tui_responsive(home, prosody, dns, tui_factory):
    d = dns(stalled=True)
    prosody.register("alice", "pw")
    home.add_account("a", "alice@localhost", "pw", server=None, port=prosody.port)
    t = tui_factory("-c", f"/set dns.servers {d.address}", "-c", "/connect a")
    wait_for(lambda: d.asked("_xmpp-client._tcp.localhost", "SRV"), 10, "the SRV question")
    keeps_answering(t)
    # /reconnect asks again, /disconnect ends the attempt that waits on DNS
    t.command("/reconnect")
    t.command("/disconnect")
    t.wait_screen(r"^\S+ a: disconnected$", timeout=5)
    assert t.screen().count(" a: connecting") == 2      # the first, the /reconnect
    assert "[alice@localhost disconnected]" in t.screen()
    t.command("/help connect")
    t.wait_screen(r"/connect \[ACCOUNT", timeout=2)


def test_named_server_looked_up_by_natter(home, prosody, dns):
    """An account's server given by name is looked up by natter's own DNS
    (c-ares in the loop, dns.servers), before the password and for the
    connection, and dialled by address: never by getaddrinfo(), which
    blocks for as long as DNS takes (and does not know this name)."""
    d = dns()
    d.a("chat.example.test", "127.0.0.1")
    b = connect(home, prosody, d, server="chat.example.test")
    text = diagnose(b)
    b.close()
    assert d.asked("chat.example.test", "A")
    assert re.search(rf"^  host chat\.example\.test port {prosody.port} \(set in the "
                     r"account: no SRV lookup\)$", text, re.M), text


def test_named_server_unknown_to_dns(home, prosody, dns):
    d = dns()
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", server="nowhere.example.test", port=prosody.port)
    b = Batch(home, "-c", f"/set dns.servers {d.address}", "-c", "/connect a")
    ev = b.wait_event("connection-state", state="failed")
    b.close()
    assert d.asked("nowhere.example.test", "A")
    assert "unknown host nowhere.example.test" in json.dumps(ev), ev


def test_named_server_stalled_dns_blocks_nothing(home, prosody, dns, tui_factory):
    """While DNS does not answer for the account's server, the TUI works."""
    d = dns(stalled=True)
    prosody.register("alice", "pw")
    home.add_account("a", "alice@localhost", "pw", server="slow.example.test",
                     port=prosody.port)
    t = tui_factory("-c", f"/set dns.servers {d.address}", "-c", "/connect a")
    wait_for(lambda: d.asked("slow.example.test", "A"), 10, "the A question")
    keeps_answering(t)
    assert "online as" not in t.screen()


def test_unreachable_first_address_then_the_next(home, prosody, dns):
    """A server name whose first address cannot be reached (here ::1,
    where Prosody does not listen: an IPv6 address without an IPv6 server
    or route) is followed by its next address in the same attempt: online
    at once, no failed attempt, no wait for a reconnect."""
    d = dns()
    d.aaaa("dual.example.test", "::1")
    d.a("dual.example.test", "127.0.0.1")
    b = connect(home, prosody, d, server="dual.example.test")
    b.close()
    assert d.asked("dual.example.test", "AAAA")
    assert b.find("connection-state", state="failed") is None
    states = [e["state"] for e in b.events if e.get("event") == "connection-state"]
    assert states.count("connecting") == 1, states


def test_unreachable_srv_target_then_the_next_record(home, prosody, dns):
    """RFC 6120 §3.2.1: when the first SRV target's address cannot be
    reached, the next record is tried within the same attempt."""
    d = dns()
    d.srv("_xmpp-client._tcp.localhost", 5, 0, prosody.port, "dead.localhost")
    d.srv("_xmpp-client._tcp.localhost", 10, 0, prosody.port, "xmpp.localhost")
    d.a("dead.localhost", "127.0.0.2")      # nothing listens there
    d.a("xmpp.localhost", "127.0.0.1")
    b = connect(home, prosody, d, server=None)
    text = diagnose(b)
    b.close()
    assert b.find("connection-state", state="failed") is None
    assert re.search(rf"^  host xmpp\.localhost port {prosody.port} \(from the SRV record "
                     r"_xmpp-client\._tcp: priority 10, weight 0\)$", text, re.M), text
