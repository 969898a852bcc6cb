# SPDX-License-Identifier: MIT
"""How errors from the server reach the user, tied to what they answer
(issue 15: failed sends, room actions, the server's words, IQ deadlines,
errors for our other resources)."""
import re

from natterlib import Batch, wait_for

ROOM = "lounge@conference.localhost"


def login(home, prosody, extra=()):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, *extra, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    return b, jid


def test_failed_send_error_is_tied_to_the_message(home, prosody):
    b, alice = login(home, prosody)
    b.send("/msg nobody@localhost hi")
    sent = b.wait_event("message-sent", body="hi")
    err = b.wait_event("error", id=sent["id"])
    assert err["peer"] == "nobody@localhost"
    assert err["conversation"] == "nobody@localhost"
    assert err["stanza"] == "message"
    assert err["condition"] == "service-unavailable"
    assert err["type"] == "cancel"
    assert "nobody@localhost" in err["text"]
    assert "service-unavailable" in err["text"]
    b.close()
