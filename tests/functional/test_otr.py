# SPDX-License-Identifier: MIT
"""OTR (PRODUCT §8, issue 18): two natter instances in batch mode, each
with its own home, talk privately through a real Prosody."""
import os
import re
import sqlite3
import stat

import pytest

from natterlib import Batch, Home, Peer, login, wait_for

GENERATED = re.compile("generated")


@pytest.fixture
def home2():
    h = Home()
    yield h
    h.cleanup()


@pytest.fixture
def pair(home, home2, prosody):
    """alice (home) and bob (home2), both online in batch mode with raw
    traffic: (alice Batch, alice JID, bob Batch, bob JID)."""
    started = []

    def make(keys=True, server=None):
        server = server or prosody
        a, aj = login(home, server, xml=True)
        started.append(a)
        b, bj = login(home2, server, user="bob", xml=True)
        started.append(b)
        if keys:
            for n in (a, b):
                n.send("/otr gen")
            for n in (a, b):
                n.wait_event("info", text=GENERATED, timeout=60)
        return a, aj, b, bj
    yield make
    for n in started:
        n.kill()


def private(a, aj, b, bj, state="untrusted"):
    """alice starts OTR with bob; both see the state."""
    a.send(f"/otr start {bj}")
    a.wait_event("otr-state", peer=bj, state=state, timeout=30)
    b.wait_event("otr-state", peer=aj, timeout=30)


def rows(home, body):
    db = home.data / "natter" / "history.db"
    with sqlite3.connect(db) as c:
        return c.execute("SELECT body, encryption FROM messages "
                         "WHERE body = ?", (body,)).fetchall()


def test_otr__ciphertext_on_wire_plaintext_shown(pair):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    st = b.wait_event("otr-state", peer=aj, state="untrusted")
    assert st["fingerprint"]
    a.send(f"/msg {bj} the eagle lands")
    got = b.wait_event("message-received", body="the eagle lands")
    assert got["encryption"] == "otr"
    # What bob's server delivered: ciphertext, never the words.
    raw = [e["xml"] for e in b.events if e.get("event") == "raw-in"
           and got["id"] in e.get("xml", "")]
    assert raw and all("<body>?OTR:" in x for x in raw)
    assert not any("eagle" in x for x in raw)
    # What alice sent: marked for servers and carbons.
    out = [e["xml"] for e in a.events if e.get("event") == "raw-out"
           and got["id"] in e.get("xml", "")]
    assert out and "urn:xmpp:hints" in out[0] and "no-store" in out[0]
    assert "<private" in out[0] and "urn:xmpp:carbons:2" in out[0]
    sent = a.find("message-sent", body="the eagle lands")
    assert sent["encryption"] == "otr"
    # And back: bob's reply is private too.
    b.send(f"/msg {aj} roger")
    assert a.wait_event("message-received", body="roger")["encryption"] == "otr"


def test_otr__files_private(pair, home):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    d = home.data / "natter" / "otr"
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    for f in ("keys", "instags", "fingerprints"):
        assert stat.S_IMODE(os.stat(d / f).st_mode) == 0o600, f
    # libgcrypt may write key material as raw bytes: not UTF-8 text
    assert b"alice@localhost" in (d / "keys").read_bytes()


def test_otr__start_without_key_generates_it(pair):
    a, aj, b, bj = pair(keys=False)
    private(a, aj, b, bj)
    a.wait_event("info", text=GENERATED)
    b.wait_event("info", text=GENERATED)
    b.wait_event("otr-state", peer=aj, state="untrusted")


def test_otr__end_finishes_peer_and_blocks_sending(pair):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    b.wait_event("otr-state", peer=aj, state="untrusted")
    a.send(f"/otr end {bj}")
    a.wait_event("otr-state", peer=bj, state="plain")
    b.wait_event("otr-state", peer=aj, state="finished")
    b.send(f"/msg {aj} still there?")
    wait_for(lambda: "ended the private conversation" in b.stderr, 10,
             lambda: f"refusal; stderr={b.stderr}")
    assert b.find("message-sent", body="still there?") is None
    b.send(f"/otr end {aj}")
    b.wait_event("otr-state", peer=aj, state="plain")
    b.send(f"/msg {aj} plain again")
    got = a.wait_event("message-received", body="plain again")
    assert "encryption" not in got


def test_otr__error_message_shown_plainly(pair, make_peer):
    a, aj, b, bj = pair()
    peer = make_peer("carol")
    peer.send(aj, "?OTR Error: You sent garbage\u202e")
    err = a.wait_event("error", text=re.compile("OTR error from carol"))
    assert "You sent garbage" in err["text"]
    assert "\u202e" not in err["text"]     # bidi override made visible
    assert err["conversation"] == peer.jid
    peer.send(aj, "after the error")
    a.wait_event("message-received", body="after the error")
    assert a.find("message-received", body=re.compile("OTR")) is None


def test_otr__plain_chat_leaves_libotr_closed(pair, make_peer):
    """Under the default policy plain one-to-one messages, either way,
    leave libotr and libgcrypt unmapped (PRODUCT §12: a burst of 10,000
    mapped 0.9 MB of them); the first OTR text received opens them and is
    handled as OTR."""
    a, aj, b, bj = pair(keys=False)
    a.send(f"/msg {bj} plain one")
    b.wait_event("message-received", body="plain one")
    b.send(f"/msg {aj} plain two")
    a.wait_event("message-received", body="plain two")
    for n in (a, b):
        assert "libotr" not in maps(n.proc.pid)
        assert "libgcrypt" not in maps(n.proc.pid)
    peer = make_peer("carol")
    peer.send(aj, "?OTR Error: You sent garbage")
    a.wait_event("error", text=re.compile("OTR error from carol"))
    assert "libotr" in maps(a.proc.pid)
    assert "libotr" not in maps(b.proc.pid)


def maps(pid):
    with open(f"/proc/{pid}/maps") as f:
        return f.read()


def test_otr__history_only_with_pref(pair, home, home2):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    b.wait_event("otr-state", peer=aj, state="untrusted")
    a.send(f"/msg {bj} not for the disk")
    b.wait_event("message-received", body="not for the disk")
    a.send("/set history.otr on")
    b.send("/set history.otr on")
    b.wait_event("command-result", command="set", status="ok")
    a.send(f"/msg {bj} for the disk")
    b.wait_event("message-received", body="for the disk")
    a.wait_event("message-confirmed", body="for the disk")
    assert a.close() == 0 and b.close() == 0
    for h in (home, home2):
        assert rows(h, "not for the disk") == []
        assert rows(h, "for the disk") == [("for the disk", "otr")]
        with sqlite3.connect(h.data / "natter" / "history.db") as c:
            bodies = [r[0] for r in c.execute("SELECT body FROM messages")]
        assert not any(x.startswith("?OTR") for x in bodies)


def test_otr__trust_survives_restart(pair, home):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    a.send(f"/otr theirfp {bj}")
    out = a.wait_event("command-output", text=re.compile("not verified"))
    fp = b.wait_event("otr-state", peer=aj, state="untrusted")
    a.send(f"/otr trust {bj}")
    st = a.wait_event("otr-state", peer=bj, state="trusted")
    assert st["fingerprint"] in out["text"]
    assert a.close() == 0
    a2 = Batch(home, "-c", "/connect a")
    try:
        a2.wait_event("connection-state", state="online")
        a2.send(f"/otr start {bj}")
        a2.wait_event("otr-state", peer=bj, state="trusted", timeout=30)
        a2.send(f"/otr theirfp {bj}")
        a2.wait_event("command-output", text=re.compile(r"\(trusted\)"))
    finally:
        a2.kill()
    del fp


def smp(a, aj, b, bj, secret_a, secret_b):
    a.send(f"/win {bj}")
    b.send(f"/win {aj}")
    a.send(f"/otr secret {secret_a}")
    b.wait_event("otr-smp", peer=aj, state="asked")
    b.send(f"/otr secret {secret_b}")


def test_otr__smp_same_secret_trusts_both(pair):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    b.wait_event("otr-state", peer=aj, state="untrusted")
    smp(a, aj, b, bj, "blue-heron", "blue-heron")
    a.wait_event("otr-smp", peer=bj, state="succeeded", timeout=30)
    b.wait_event("otr-smp", peer=aj, state="succeeded", timeout=30)
    a.wait_event("otr-state", peer=bj, state="trusted")
    b.wait_event("otr-state", peer=aj, state="trusted")
    # Secrets never reach the output.
    assert "blue-heron" not in str(a.events) + a.stderr
    assert "blue-heron" not in str(b.events) + b.stderr


def test_otr__smp_different_secret_fails(pair):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    b.wait_event("otr-state", peer=aj, state="untrusted")
    smp(a, aj, b, bj, "blue-heron", "grey-heron")
    a.wait_event("otr-smp", peer=bj, state="failed", timeout=30)
    b.wait_event("otr-smp", peer=aj, state="failed", timeout=30)
    assert a.find("otr-state", peer=bj, state="trusted") is None
    assert b.find("otr-state", peer=aj, state="trusted") is None


def test_otr__smp_question(pair):
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    b.wait_event("otr-state", peer=aj, state="untrusted")
    a.send(f"/win {bj}")
    b.send(f"/win {aj}")
    a.send('/otr question "Our first cat?" Minou')
    q = b.wait_event("otr-smp", peer=aj, state="question")
    assert q["question"] == "Our first cat?"
    b.send("/otr answer Minou")
    a.wait_event("otr-state", peer=bj, state="trusted", timeout=30)
    b.wait_event("otr-smp", peer=aj, state="succeeded")


def test_otr__policy_always_refuses_plain_and_starts(pair):
    a, aj, b, bj = pair(keys=False)
    a.send(f"/otr policy always {bj}")
    a.wait_event("command-output", text=re.compile("always"))
    a.send(f"/msg {bj} not in the clear")
    wait_for(lambda: "forbids plain text" in a.stderr, 10,
             lambda: f"refusal; stderr={a.stderr}")
    a.wait_event("otr-state", peer=bj, state="untrusted", timeout=60)
    b.wait_event("otr-state", peer=aj, state="untrusted", timeout=60)
    assert b.find("message-received", body="not in the clear") is None
    assert not any("not in the clear" in e.get("xml", "")
                   for e in a.events if e.get("event") == "raw-out")
    a.send(f"/msg {bj} now in private")
    got = b.wait_event("message-received", body="now in private")
    assert got["encryption"] == "otr"
    # The account policy is kept in the accounts file.
    a.send("/otr policy opportunistic")
    a.wait_event("command-output", text=re.compile("of a: opportunistic"))


def test_otr__opportunistic_tag_starts_session(pair):
    a, aj, b, bj = pair()
    a.send("/otr policy opportunistic")
    b.send("/otr policy opportunistic")
    b.wait_event("command-output", text=re.compile("opportunistic"))
    a.send(f"/msg {bj} hello there")
    got = b.wait_event("message-received", body="hello there")
    assert "encryption" not in got
    raw = [e["xml"] for e in b.events if e.get("event") == "raw-in"
           and got["id"] in e.get("xml", "")]
    assert raw and " \t  \t\t\t\t \t \t \t  " in raw[0]   # the OTR tag
    a.wait_event("otr-state", peer=bj, state="untrusted", timeout=30)
    b.wait_event("otr-state", peer=aj, state="untrusted", timeout=30)


def test_otr__manual_sends_no_tag(pair):
    a, aj, b, bj = pair()
    a.send(f"/msg {bj} hello there")
    got = b.wait_event("message-received", body="hello there")
    raw = [e["xml"] for e in b.events if e.get("event") == "raw-in"
           and got["id"] in e.get("xml", "")]
    assert raw and "<body>hello there</body>" in raw[0]
    assert a.find("otr-state") is None


def test_otr__refused_in_rooms(pair):
    a, aj, b, bj = pair()
    a.send("/join otrroom@conference.localhost nick al")
    a.wait_event("room-joined")
    a.send("/otr start otrroom@conference.localhost")
    wait_for(lambda: "one-to-one" in a.stderr, 10,
             lambda: f"refusal; stderr={a.stderr}")


def test_otr__refused_to_offline_contact(home, make_prosody):
    p = make_prosody(groups={"team": ["alice", "dave"]})
    p.register("dave", "pw")
    a, aj = login(home, p)
    try:
        a.wait_event("roster-item", jid="dave@localhost")
        a.send("/otr start dave@localhost")
        wait_for(lambda: "offline" in a.stderr, 10,
                 lambda: f"refusal; stderr={a.stderr}")
        assert a.find("info", text=GENERATED) is None
    finally:
        a.kill()


def test_otr__resent_as_ciphertext_never_plain(pair, prosody):
    """A message lost with the connection is sent again (here by
    libstrophe's stream-management queue; the outbox's resend is in
    tests/unit/core/test-outbox.c) as the same ciphertext: never as its
    plain text."""
    server = prosody
    a, aj, b, bj = pair()
    private(a, aj, b, bj)
    b.wait_event("otr-state", peer=aj, state="untrusted")
    server.freeze()
    a.send(f"/msg {bj} lost in transit")
    pending = a.wait_event("message-pending", body="lost in transit",
                           reason=re.compile("sent, waiting"))
    server.restart()

    def copies():
        return [e["xml"] for e in a.events if e.get("event") == "raw-out"
                and pending["id"] in e.get("xml", "") and "<body>" in
                e.get("xml", "")]
    wait_for(lambda: len(copies()) >= 2, 30, lambda: f"resend; {copies()}")
    assert all("<body>?OTR:" in x for x in copies())
    out = [e.get("xml", "") for e in a.events if e.get("event") == "raw-out"]
    assert not any("lost in transit" in x for x in out)


class PotrPeer(Peer):
    """A slixmpp peer speaking OTR through python-potr (otrpeer.py)."""

    script = "otrpeer.py"
    online_timeout = 30


@pytest.fixture
def potr_peer(prosody):
    pytest.importorskip("potr")
    peers = []

    def make(user):
        p = PotrPeer(prosody, user)
        peers.append(p)
        return p
    yield make
    for p in peers:
        p.close()


def test_otr__interoperates_with_potr(home, prosody, potr_peer):
    """An independent implementation (python-potr, OTR v2): a session both
    ways, messages both ways, SMP."""
    a, aj = login(home, prosody, xml=True)
    try:
        carol = potr_peer("carol")
        a.send(f"/otr start {carol.jid}")
        a.wait_event("otr-state", peer=carol.jid, state="untrusted",
                     timeout=60)
        carol.wait("state", peer=aj, state="encrypted")
        a.send(f"/msg {carol.jid} to potr")
        got = carol.wait("message", body="to potr")
        assert got["encrypted"]
        carol.do("send", to=aj, body="from potr")
        assert a.wait_event("message-received",
                            body="from potr")["encryption"] == "otr"
        raw = [e["xml"] for e in a.events if e.get("event") == "raw-in"
               and "?OTR:" in e.get("xml", "")]
        assert raw and not any("from potr" in x for x in raw)
        # A message potr cuts into OTR fragments arrives whole.
        carol.do("mms", size=120)
        long = "fragments " * 40
        carol.do("send", to=aj, body=long)
        got = a.wait_event("message-received",
                           body=re.compile(r"^(fragments ){39}fragments ?$"))
        frags = [e["xml"] for e in a.events if e.get("event") == "raw-in"
                 and "<body>?OTR," in e.get("xml", "")]
        assert len(frags) > 3 and got["encryption"] == "otr"
        assert a.find("message-received", body=re.compile(r"^\?OTR")) is None
        carol.do("mms", size=0)
        # SMP started by natter, answered by potr with the same secret.
        a.send(f"/win {carol.jid}")
        a.send("/otr secret tide-pool")
        carol.wait("smp", peer=aj, state="asked")
        carol.do("secret", to=aj, secret="tide-pool")
        a.wait_event("otr-smp", peer=carol.jid, state="succeeded",
                     timeout=30)
        a.wait_event("otr-state", peer=carol.jid, state="trusted")
        # And a session potr starts.
        a.send(f"/otr end {carol.jid}")
        a.wait_event("otr-state", peer=carol.jid, state="plain")
        carol.wait("state", peer=aj, state="finished")
        carol.do("start", to=aj)
        a.wait_event("otr-state", peer=carol.jid, state="trusted",
                     timeout=30)
    finally:
        a.kill()
