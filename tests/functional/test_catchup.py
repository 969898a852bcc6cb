# SPDX-License-Identifier: MIT
"""Catching up on a new session (issue 16 item 5, PRODUCT §5 "Nothing
lost, incoming"): carbons before initial presence, the archive (MAM,
XEP-0313) queried from the last stored archive id, rooms caught up, and
forged copies refused."""
import re

from natterlib import Batch


def login(home, prosody, *extra, xml=False):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, *extra, "-c", "/connect a", xml=xml)
    b.wait_event("connection-state", state="online")
    return b, jid


def index_of(events, pred, what):
    for i, ev in enumerate(events):
        if pred(ev):
            return i
    raise AssertionError(f"no {what} in {events[-10:]}")


def test_carbons_answered_before_initial_presence(home, prosody):
    b, alice = login(home, prosody, xml=True)
    b.wait_event("raw-out", xml=re.compile(r"^<presence"))
    evs = list(b.events)
    enable = index_of(evs, lambda e: e["event"] == "raw-out" and
                      "urn:xmpp:carbons:2" in e["xml"], "carbons request")
    iq_id = re.search(r'id="([^"]+)"', evs[enable]["xml"]).group(1)
    answer = index_of(evs, lambda e: e["event"] == "raw-in" and
                      f'id="{iq_id}"' in e["xml"], "carbons answer")
    presence = index_of(evs, lambda e: e["event"] == "raw-out" and
                        e["xml"].startswith("<presence"), "initial presence")
    assert enable < answer < presence
    assert 'type="result"' in evs[answer]["xml"]
    b.close()
