# SPDX-License-Identifier: MIT
"""The outbox (issue 16, item 4): every outgoing message kept with its
id and origin-id until the server confirms it; queued while offline and
sent once online; bounces tied to their message; /quit and the end of
batch input wait for confirmations."""
import re
import sqlite3

from natterlib import login

ROOM = "lounge@conference.localhost"


def stored_state(home, msg_id):
    """The state history recorded for our message msg_id."""
    db = sqlite3.connect(home.data / "natter" / "history.db")
    try:
        row = db.execute("SELECT m.body, s.state FROM messages m JOIN message_state s"
                         " ON s.account = m.account AND s.id = m.id"
                         " WHERE m.id = ?", (msg_id,)).fetchone()
    finally:
        db.close()
    return row


def events(b, kind, **fields):
    with b._lock:
        return [e for e in b.events if e.get("event") == kind
                and all(e.get(k) == v for k, v in fields.items())]


def test_chat_message_confirmed_by_the_server(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/msg {bob.jid} are you there")
    sent = b.wait_event("message-sent", body="are you there")
    b.wait_event("message-pending", id=sent["id"], peer=bob.jid)
    ok = b.wait_event("message-confirmed", id=sent["id"])
    assert ok["peer"] == bob.jid and ok["type"] == "chat"
    got = bob.wait("message", body="are you there")
    assert re.search(r"<origin-id[^>]*id=.%s." % sent["id"], got["xml"])
    assert b.close() == 0, b.stderr
    assert stored_state(home, sent["id"]) == ("are you there", "confirmed")


def test_bounced_message_fails_by_its_id(home, prosody):
    b, alice = login(home, prosody)
    b.send("/msg nobody@localhost hello?")
    sent = b.wait_event("message-sent", body="hello?")
    failed = b.wait_event("message-failed", id=sent["id"])
    assert failed["peer"] == "nobody@localhost"
    assert "service-unavailable" in failed["reason"]
    assert not events(b, "message-confirmed", id=sent["id"])
    assert b.close() == 4


def test_typed_offline_pending_then_delivered_once(home, prosody, make_peer):
    b, alice = login(home, prosody)
    prosody.crash()
    b.wait_event("connection-state", state=re.compile("disconnected|failed"))
    bob_jid = "bob@localhost"
    for i in range(3):
        b.send(f"/msg {bob_jid} offline {i}")
    ids = [b.wait_event("message-sent", body=f"offline {i}")["id"] for i in range(3)]
    for i in ids:
        b.wait_event("message-pending", id=i, reason=re.compile("connection"))
    prosody.restart()
    bob = make_peer("bob")
    b.send("/reconnect now")
    for i in ids:
        b.wait_event("message-confirmed", id=i)
    for i in range(3):
        bob.wait("message", body=f"offline {i}")
    b.send(f"/msg {bob.jid} after")      # later traffic: nothing more came
    bob.wait("message", body="after")
    got = [e["body"] for e in list(bob.events)
           if e.get("event") == "message" and e["body"].startswith("offline")]
    assert got == ["offline 0", "offline 1", "offline 2"]
    assert b.close() == 0, b.stderr


def test_typed_before_connect_is_sent_after(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody, connect=False)
    b.send(f"/msg {bob.jid} early bird")
    sent = b.wait_event("message-pending", reason=re.compile("connection"))
    b.send("/connect a")
    b.wait_event("message-confirmed", id=sent["id"])
    bob.wait("message", body="early bird")
    assert b.close() == 0, b.stderr


def test_room_message_confirmed_by_its_echo(home, prosody, make_peer):
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    b.send(f"/msg {ROOM} hello room")
    echo = b.wait_event("room-message", nick="ally", body="hello room")
    ok = b.wait_event("message-confirmed", id=echo["id"])
    assert ok["peer"] == ROOM and ok["type"] == "groupchat"
    assert ok["reason"] == "echoed by the room"
    b.send(f"/win {ROOM}")
    b.send("/history")
    b.wait_event("command-result", command="history")
    stored = [e for e in events(b, "command-output") if "hello room" in e["text"]]
    assert len(stored) == 1, stored        # stored once: typed, not echoed
    rc = b.close()
    assert rc == 0, b.stderr


def test_end_of_input_with_unconfirmed_message_says_so(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send("/set batch.flush_timeout 2")
    prosody.freeze()
    b.send(f"/msg {bob.jid} into the void")
    pending = b.wait_event("message-pending", reason=re.compile("confirm"))
    rc = b.close(timeout=20)
    prosody.thaw()
    assert rc == 5
    assert stored_state(home, pending["id"]) == ("into the void", "pending")
    assert re.search(r"1 message .*not confirmed", b.stderr)


def test_quit_waits_for_confirmation_then_says_how_many(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send("/set quit.wait 1")
    b.send(f"/msg {bob.jid} confirmed first")
    b.wait_event("message-confirmed")
    prosody.freeze()
    b.send(f"/msg {bob.jid} one")
    b.send(f"/msg {bob.jid} two")
    b.send("/quit")
    b.wait_event("command-output", text=re.compile(r"waiting up to 1 s .* 2 messages"))
    rc = b.wait_exit(timeout=20)
    prosody.thaw()
    assert rc == 5
    b.wait_stderr("2 messages were not confirmed")


def test_quit_with_everything_confirmed_leaves_at_once(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/msg {bob.jid} done")
    b.send("/quit")
    assert b.wait_exit(timeout=20) == 0
    assert b.find("message-confirmed")        # /quit waited for it
    assert "not confirmed" not in b.stderr


def test_unconfirmed_message_resent_after_crash_with_same_id_once(home, prosody, make_peer):
    """Sent into a frozen server that is then killed: the message never
    got in. After the new session natter sends it again, with the same id
    and origin-id, and it arrives exactly once."""
    b, alice = login(home, prosody, extra=("--xml",))
    prosody.freeze()
    b.send("/msg bob@localhost lost in flight")
    sent = b.wait_event("message-sent", body="lost in flight")
    b.wait_event("message-pending", id=sent["id"], reason=re.compile("confirm"))
    prosody.crash()
    b.wait_event("connection-state", state=re.compile("disconnected|failed"))
    prosody.restart()
    bob = make_peer("bob")
    b.send("/reconnect now")
    b.wait_event("message-confirmed", id=sent["id"])
    got = bob.wait("message", body="lost in flight")
    assert re.search(r"<origin-id[^>]*id=.%s." % sent["id"], got["xml"])
    b.send("/msg bob@localhost after it")
    bob.wait("message", body="after it")
    copies = [e for e in list(bob.events)
              if e.get("event") == "message" and e["body"] == "lost in flight"]
    assert len(copies) == 1
    # Sent twice on the wire, once per session: after the new session
    # the outbox resends it (the library's own resend of it is taken
    # back), never both.
    out = [e for e in events(b, "raw-out") if "lost in flight" in e["xml"]]
    assert len(out) == 2, out
    assert b.close() == 0, b.stderr
