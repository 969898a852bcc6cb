# SPDX-License-Identifier: MIT
"""Batch mode's input and output (PRODUCT §9): over-long lines, shared
non-blocking descriptors."""
import re

from natterlib import Batch


def login(home, prosody):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    return b, jid


def test_overlong_line_is_refused_whole(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/win {bob.jid}")
    b.send("a" * 70000 + "TAIL" + "b" * 30000)
    b.send("after the long line")
    b.wait_event("message-sent", body="after the long line")
    bob.wait("message", body="after the long line")
    assert [e["body"] for e in bob.events if e.get("event") == "message"] \
        == ["after the long line"]
    assert b.find("message-sent", body=re.compile("TAIL")) is None
    assert b.close() == 1
    assert "longer than 65536 bytes" in b.stderr
    assert "refused, none of it was run" in b.stderr
