# SPDX-License-Identifier: MIT
"""What natter answers about itself and the debugging queries it sends
(PRODUCT §4 "Debugging and discovery", issue 5), against Prosody and a
slixmpp peer."""
import base64
import datetime
import hashlib
import json
import re
import xml.etree.ElementTree as ET

import pytest

import natterlib
from natterlib import Peer, wait_for

DISCO = "http://jabber.org/protocol/disco#info"


def login(home, prosody, extra=()):
    b, _ = natterlib.login(home, prosody, extra=extra)
    return b, b.find("connection-state", state="online")["jid"]


def outputs(b):
    return [e.get("text", "") for e in list(b.events) if e.get("event") == "command-output"]


def wait_output(b, regex, timeout=10):
    pat = re.compile(regex)
    return wait_for(lambda: next((t for t in outputs(b) if pat.search(t)), None), timeout,
                    lambda: f"output /{regex}/; got {outputs(b)[-8:]} stderr={b.stderr}")


def ask(peer, to, payload, tag):
    peer.do("iq", to=to, xml=payload, tag=tag)
    ev = peer.wait("iq-reply", tag=tag)
    return ev, ET.fromstring(ev["xml"])


def caps_ver(query):
    """XEP-0115 §5.1 verification string of a disco#info <query/>."""
    ids = sorted(f"{i.get('category')}/{i.get('type')}/"
                 f"{i.get('{http://www.w3.org/XML/1998/namespace}lang', '')}/{i.get('name', '')}<"
                 for i in query.findall(f"{{{DISCO}}}identity"))
    feats = sorted(f.get("var") + "<" for f in query.findall(f"{{{DISCO}}}feature"))
    s = "".join(ids) + "".join(feats)
    return base64.b64encode(hashlib.sha1(s.encode()).digest()).decode()


@pytest.fixture
def pair(home, make_prosody):
    """natter (alice) and a slixmpp peer (bob) who see each other's presence."""
    prosody = make_prosody(groups={"team": ["alice", "bob"]})
    b, full = login(home, prosody)
    bob = Peer(prosody, "bob", "peer-pw")
    yield b, full, bob, prosody
    bob.close()
    b.close()


def test_disco_info_identity_features_and_caps_in_presence(pair):
    b, full, bob, prosody = pair
    ev, iq = ask(bob, full, f"<query xmlns='{DISCO}'/>", "d1")
    assert ev["type"] == "result"
    q = iq.find(f"{{{DISCO}}}query")
    ident = q.find(f"{{{DISCO}}}identity")
    assert (ident.get("category"), ident.get("type"), ident.get("name")) == ("client", "console", "natter")
    feats = {f.get("var") for f in q.findall(f"{{{DISCO}}}feature")}
    for ns in [DISCO, "urn:xmpp:ping", "jabber:iq:version", "urn:xmpp:time", "jabber:iq:last",
               "http://jabber.org/protocol/caps", "urn:xmpp:receipts", "http://jabber.org/protocol/muc"]:
        assert ns in feats, ns
    # natter's presence carries <c/> whose ver matches these features.
    pres = bob.wait("presence", xml=re.compile(r"http://jabber.org/protocol/caps"), **{"from": full})
    c = ET.fromstring(pres["xml"]).find("{http://jabber.org/protocol/caps}c")
    assert c.get("hash") == "sha-1"
    assert c.get("ver") == caps_ver(q)
    # The node#ver query gets the same answer; another node does not.
    ev, iq = ask(bob, full, f"<query xmlns='{DISCO}' node='{c.get('node')}#{c.get('ver')}'/>", "d2")
    assert ev["type"] == "result" and caps_ver(iq.find(f"{{{DISCO}}}query")) == c.get("ver")
    ev, iq = ask(bob, full, f"<query xmlns='{DISCO}' node='urn:other'/>", "d3")
    assert ev["type"] == "error" and "item-not-found" in ev["xml"]


def test_version_time_ping_last_and_unknown(pair):
    b, full, bob, prosody = pair
    ev, iq = ask(bob, full, "<query xmlns='jabber:iq:version'/>", "v1")
    q = iq.find("{jabber:iq:version}query")
    assert q.findtext("{jabber:iq:version}name") == "natter"
    assert re.match(r"\d+\.\d+", q.findtext("{jabber:iq:version}version"))
    assert q.find("{jabber:iq:version}os") is None          # private by default
    b.send("/set version.os on")
    wait_output(b, r"version.os")
    ev, iq = ask(bob, full, "<query xmlns='jabber:iq:version'/>", "v2")
    assert iq.find("{jabber:iq:version}query").findtext("{jabber:iq:version}os")

    ev, iq = ask(bob, full, "<time xmlns='urn:xmpp:time'/>", "t1")
    t = iq.find("{urn:xmpp:time}time")
    assert re.fullmatch(r"[+-]\d\d:\d\d", t.findtext("{urn:xmpp:time}tzo"))
    utc = datetime.datetime.strptime(t.findtext("{urn:xmpp:time}utc"), "%Y-%m-%dT%H:%M:%SZ")
    assert abs((datetime.datetime.utcnow() - utc).total_seconds()) < 60

    ev, iq = ask(bob, full, "<ping xmlns='urn:xmpp:ping'/>", "p1")
    assert ev["type"] == "result"

    ev, iq = ask(bob, full, "<query xmlns='jabber:iq:last'/>", "l1")
    assert ev["type"] == "result"
    assert int(iq.find("{jabber:iq:last}query").get("seconds")) >= 0

    ev, iq = ask(bob, full, "<query xmlns='urn:example:unknown'/>", "u1")
    assert ev["type"] == "error" and "service-unavailable" in ev["xml"]


def test_idle_time_not_told_to_strangers(home, prosody, make_peer):
    b, full = login(home, prosody)
    eve = make_peer("eve")
    ev, iq = ask(eve, full, "<query xmlns='jabber:iq:last'/>", "l2")
    assert ev["type"] == "error" and "forbidden" in ev["xml"]
    ev, iq = ask(eve, full, "<query xmlns='jabber:iq:version'/>", "v3")
    assert ev["type"] == "result"
    b.close()


def test_queries_to_the_server(home, prosody):
    b, full = login(home, prosody)
    b.send("/ping")
    wait_output(b, r"^pong from your server in \d+\.\d ms$")
    b.send("/version localhost")
    wait_output(b, r"^localhost runs Prosody \d")
    b.send("/time localhost")
    wait_output(b, r"^time at localhost: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(UTC\), offset [+-]?\d")
    b.send("/lastactivity localhost")
    wait_output(b, r"^localhost has been up for (\d+ (d|h|min) )*\d+ s$")
    b.send("/disco info")
    wait_output(b, r"^disco#info of your server \(\d+\.\d ms\):$")
    wait_output(b, r"^    server/im\s+Prosody$")
    wait_output(b, r"^    urn:xmpp:ping\s+XEP-0199 XMPP Ping$")
    wait_output(b, r"^    urn:xmpp:carbons:2\s+XEP-0280 Message Carbons$")
    b.send("/disco items localhost")
    wait_output(b, r"^disco#items of localhost \(\d+\.\d ms\): 1 item$")   # not "1 items"
    wait_output(b, r"^  conference\.localhost\s")
    b.send("/disco info conference.localhost")
    wait_output(b, r"^    conference/text\s+")
    b.close()


def test_query_errors_show_condition(home, prosody):
    b, full = login(home, prosody)
    b.send("/version nobody@localhost/gone")
    wait_for(lambda: re.search(r"nobody@localhost/gone: service-unavailable \(cancel\)",
                               b.stderr), 10, lambda: b.stderr)
    b.send("/disco info localhost urn:no-such-node")
    wait_for(lambda: re.search(r"localhost: item-not-found", b.stderr), 10,
             lambda: b.stderr)
    b.send("/ping bad@@jid")
    wait_for(lambda: "'bad@@jid' is not a valid address" in b.stderr, 10, lambda: b.stderr)
    b.close()


def test_peer_version_and_caps_verified(pair):
    b, full, bob, prosody = pair
    bob_full = bob.find("online")["jid"]
    b.wait_event("presence", type="available", **{"from": re.compile("^bob@")})
    b.send(f"/version {bob_full}")
    wait_output(b, rf"^{re.escape(bob_full)} runs peer-bot 9\.9")
    b.send(f"/caps {bob.jid}")
    wait_output(b, rf"^{re.escape(bob_full)} advertises sha-1 \S+ \S+$")
    wait_output(b, r"^  capabilities hash \S+: verified")
    b.send("/caps")
    wait_output(b, r"^natter advertises node \S+ ver \S+ \(sha-1\), with:$")
    wait_output(b, r"^  urn:xmpp:ping\s+XEP-0199 XMPP Ping$")


def json_output(b, query, **match):
    """The first command output that is a JSON object of this query."""
    def find():
        for t in outputs(b):
            if not t.startswith("{"):
                continue
            o = json.loads(t)
            if o.get("query") == query and all(o.get(k) == v for k, v in match.items()):
                return o
        return None
    return wait_for(find, 10, lambda: f"no JSON {query} {match}; got {outputs(b)[-8:]} "
                                      f"stderr={b.stderr}")


def test_queries_json(home, prosody):
    """Every query command prints one JSON object with --json, nothing else."""
    b, full = login(home, prosody)
    b.send("/ping --json")
    o = json_output(b, "ping")
    assert o["to"] == "your server" and o["rtt_ms"] > 0
    b.send("/version localhost --json")
    o = json_output(b, "version", to="localhost")
    assert o["name"] == "Prosody" and re.match(r"\d+\.\d+", o["version"]) and "os" in o
    b.send("/time --json localhost")
    o = json_output(b, "time", to="localhost")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", o["utc"]) and o["tzo"]
    b.send("/lastactivity localhost --json")
    o = json_output(b, "last", to="localhost")
    assert isinstance(o["seconds"], int) and o["seconds"] >= 0
    b.send("/disco info --json")
    o = json_output(b, "disco#info")
    assert any(i["category"] == "server" and i["type"] == "im" for i in o["identities"])
    assert "urn:xmpp:ping" in o["features"] and o["rtt_ms"] > 0
    b.send("/disco items localhost --json")
    o = json_output(b, "disco#items", to="localhost")
    assert {"jid": "conference.localhost", "node": None, "name": o["items"][0]["name"]} in o["items"]
    b.send("/caps --json")
    o = json_output(b, "caps", to=None)
    assert o["caps"]["hash"] == "sha-1" and o["caps_verified"] is True
    assert "urn:xmpp:ping" in o["features"]
    # None of them printed its text form as well.
    assert not [t for t in outputs(b) if not t.startswith("{")], outputs(b)
    b.close()


def test_query_error_json(home, prosody):
    """A failed query with --json: an object with the typed error on the
    output, the usual text on stderr, and the command fails."""
    b, full = login(home, prosody)
    b.send("/version nobody@localhost/gone --json")
    o = json_output(b, "version", to="nobody@localhost/gone")
    assert o["error"] == {"kind": "stanza", "condition": "service-unavailable",
                          "type": "cancel", "text": None}
    b.wait_event("command-result", command="version", status="error")
    wait_for(lambda: "nobody@localhost/gone: service-unavailable (cancel)" in b.stderr, 10,
             lambda: b.stderr)
    b.close()


def test_peer_caps_json_verified(pair):
    b, full, bob, prosody = pair
    bob_full = bob.find("online")["jid"]
    b.wait_event("presence", type="available", **{"from": re.compile("^bob@")})
    b.send(f"/caps {bob.jid} --json")
    o = json_output(b, "caps", to=bob_full)
    assert o["caps_verified"] is True and o["caps"]["jid"] == bob_full
    assert o["caps_computed"] == o["caps"]["ver"]
    assert [a["jid"] for a in o["advertised"]] == [bob_full]
    assert "urn:xmpp:ping" in o["features"]
