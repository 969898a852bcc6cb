# SPDX-License-Identifier: MIT
"""OTR (PRODUCT §8, issue 18): two natter instances in batch mode, each
with its own home, talk privately through a real Prosody."""
import os
import re
import sqlite3
import stat

import pytest

from natterlib import Batch, Home, login, wait_for

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

    def make(keys=True):
        a, aj = login(home, prosody, xml=True)
        started.append(a)
        b, bj = login(home2, prosody, user="bob", xml=True)
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
    assert "alice@localhost" in (d / "keys").read_text()


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
