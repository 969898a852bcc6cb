# SPDX-License-Identifier: MIT
"""Catching up on a new session (issue 16 item 5, PRODUCT §5 "Nothing
lost, incoming"): carbons before initial presence, the archive (MAM,
XEP-0313) queried from the last stored archive id, rooms caught up, and
forged copies refused."""
import re
import sqlite3
import time
from datetime import datetime

import pytest

import subprocess

import natterlib
from natterlib import Batch, Prosody, _as_prosody, wait_for


def login(home, prosody, *extra, xml=False):
    return natterlib.login(home, prosody, extra=extra, xml=xml)


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
    assert b.close() == 0


@pytest.fixture
def prosody():
    """A server with archives: mod_mam for accounts, muc_mam for rooms (and
    the admin shell, to make a room forget an occupant)."""
    p = Prosody(modules=["mam", "admin_shell"], muc_modules=["muc_mam"]).start()
    yield p
    p.stop()


def stored(home, body_like):
    """The history rows whose body matches the SQL LIKE pattern."""
    db = sqlite3.connect(home.data / "natter" / "history.db")
    try:
        return db.execute("SELECT body, stanza_id FROM messages WHERE body "
                          "LIKE ?", (body_like,)).fetchall()
    finally:
        db.close()


def caught_up(b, archive=None):
    """Wait for the end of an archive catch-up (its last <fin/>): our own
    archive's, or with archive, that room's."""
    frm = f'from="{re.escape(archive)}"' if archive else ""
    return b.wait_event("raw-in", xml=re.compile(
        rf'^<iq [^>]*{frm}.*<fin xmlns="urn:xmpp:mam:2" complete="true"'))


def archive_results(b, prefix):
    """How many archive results carrying prefix natter was given."""
    return sum(1 for e in list(b.events) if e["event"] == "raw-in" and
               "urn:xmpp:mam:2" in e["xml"] and f"<body>{prefix}" in e["xml"])


def received(b, prefix):
    return [e for e in list(b.events)
            if e["event"] == "message-received" and e["body"].startswith(prefix)]


def test_missed_chat_messages_caught_up_once(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.send(alice, "before")          # stored with its archive id
    b.wait_event("message-received", body="before")
    assert b.close() == 0
    t0 = time.time()
    for i in range(50):
        bob.send(alice, f"missed {i}")
    bob.do("ping")
    bob.wait("pong")
    t1 = time.time()
    b = Batch(home, "--xml", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    wait_for(lambda: len({e["body"] for e in received(b, "missed ")}) == 50,
             15, "50 missed messages")
    caught_up(b)
    got = received(b, "missed ")
    assert sorted(e["body"] for e in got) == sorted(f"missed {i}" for i in range(50))
    for e in got:
        stamp = datetime.fromisoformat(e["delay"].replace("Z", "+00:00")).timestamp()
        assert t0 - 2 <= stamp <= t1 + 1, e
    assert b.find("message-received", body="before") is None
    # Offline storage gave them once already; the archive gave them again.
    assert archive_results(b, "missed ") == 50
    assert b.close() == 0
    rows = stored(home, "missed %")
    assert len(rows) == 50 and all(sid for _, sid in rows)
    # A second new session: nothing new, nothing shown again.
    b = Batch(home, "--xml", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    caught_up(b)
    assert received(b, "missed ") == [] and received(b, "before") == []
    assert b.close() == 0
    assert len(stored(home, "missed %")) == 50


ROOM = "lounge@conference.localhost"


def say(peer, text, room=ROOM):
    peer.do("raw", xml=f"<message to='{room}' type='groupchat'><body>{text}</body></message>")


def room_said(b, prefix):
    return [e for e in list(b.events)
            if e["event"] == "room-message" and e["body"].startswith(prefix)]


def test_missed_room_messages_caught_up_once(home, prosody, make_peer):
    bob = make_peer("bob")
    bob.do("raw", xml=f"<presence to='{ROOM}/bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    bob.wait("presence", **{"from": f"{ROOM}/bob"})
    b, alice = login(home, prosody, xml=True)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    say(bob, "seen")
    b.wait_event("room-message", body="seen")
    caught_up(b, ROOM)
    b.send("/disconnect a")
    b.wait_event("room-left", room=ROOM)
    b.wait_event("connection-state", state="disconnected")
    # More than the 50 messages of history a join brings: the archive
    # has to give the rest, and what both give is shown once.
    for i in range(60):
        say(bob, f"room missed {i}")
    bob.do("ping")
    bob.wait("pong")
    n = len(b.events)
    b.send("/connect a")                 # a new session rejoins the room
    wait_for(lambda: len({e["body"] for e in room_said(b, "room missed ")}) == 60,
             15, "60 missed room messages")
    wait_for(lambda: any(e["event"] == "raw-in" and f'from="{ROOM}"' in e["xml"]
                         and 'complete="true"' in e["xml"] for e in b.events[n:]),
             10, "the room's catch-up to end")
    got = room_said(b, "room missed ")
    assert sorted(e["body"] for e in got) == sorted(f"room missed {i}" for i in range(60))
    assert all(e.get("delay") for e in got)
    assert len([e for e in room_said(b, "seen")]) == 1
    assert b.find("error", condition="history-gap") is None
    assert b.close() == 0
    assert len(stored(home, "room missed %")) == 60


def test_room_bound_reached_inside_join_history_is_no_gap(home, prosody, make_peer):
    bob = make_peer("bob")
    bob.do("raw", xml=f"<presence to='{ROOM}/bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    bob.wait("presence", **{"from": f"{ROOM}/bob"})
    b, alice = login(home, prosody, "-c", "/set history.catchup 5", xml=True)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    say(bob, "seen")
    b.wait_event("room-message", body="seen")
    b.send("/disconnect a")
    b.wait_event("connection-state", state="disconnected")
    for i in range(12):            # all in the history a join brings
        say(bob, f"covered {i}")
    bob.do("ping")
    bob.wait("pong")
    n = len(b.events)
    b.send("/connect a")
    wait_for(lambda: any(e["event"] == "raw-in" and f'from="{ROOM}"' in e["xml"]
                         and "<fin " in e["xml"] for e in b.events[n:]),
             10, "the room's catch-up to end")
    assert len(room_said(b, "covered ")) == 12
    assert b.find("error", condition="history-gap") is None
    assert b.close() == 0


def test_catch_up_bound_marks_a_gap(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.send(alice, "before")
    b.wait_event("message-received", body="before")
    assert b.close() == 0
    for i in range(30):
        bob.send(alice, f"many {i}")
    bob.do("ping")
    bob.wait("pong")
    b = Batch(home, "-c", "/set history.catchup 10", "-c", "/connect a")
    gap = b.wait_event("error", condition="history-gap")
    assert "stopped after 10 messages" in gap["text"]
    assert "messages may be missing" in gap["text"]
    assert b.close() == 0


def forget_occupant(prosody, room, nick):
    """Make the room drop an occupant without telling anyone (as a
    restarted MUC service does): through Prosody's admin shell."""
    code = (f'> local room = prosody.hosts["conference.{prosody.domain}"]'
            f'.modules.muc.get_room_from_jid("{room}"); local o = '
            f'room:get_occupant_by_nick("{room}/{nick}"); '
            'room._occupants[o.nick] = nil; for jid in o:each_session() do '
            'room._jid_nick[jid] = nil end; return "forgotten"')
    r = subprocess.run(_as_prosody() + ["prosodyctl", "--config", str(prosody.config),
                                        "shell", code],
                       capture_output=True, text=True, timeout=20)
    assert "forgotten" in r.stdout, r.stdout + r.stderr


def test_room_self_ping_notices_a_silent_leave_and_rejoins(home, prosody, make_peer):
    bob = make_peer("bob")
    bob.do("raw", xml=f"<presence to='{ROOM}/bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    bob.wait("presence", **{"from": f"{ROOM}/bob"})
    b, alice = login(home, prosody, "-c", "/set muc.self_ping 1", xml=True)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    caught_up(b, ROOM)
    n = len(b.events)
    forget_occupant(prosody, ROOM, "ally")
    say(bob, "said while you were out")
    bob.do("ping")
    bob.wait("pong")
    left = b.wait_event("room-left", room=ROOM, code="self-ping", timeout=10)
    assert "not-acceptable" in left["reason"]
    wait_for(lambda: len([e for e in b.events if e["event"] == "room-joined"]) == 2,
             10, "the room joined again")
    b.wait_event("room-message", body="said while you were out")
    wait_for(lambda: any(e["event"] == "raw-in" and f'from="{ROOM}"' in e["xml"]
                         and 'complete="true"' in e["xml"] for e in b.events[n:]),
             10, "the room's catch-up to end")
    assert len(room_said(b, "said while you were out")) == 1
    assert b.close() == 0


def test_forged_carbons_from_our_own_server_not_shown(home):
    """Only a server can wrap a carbon in our own bare JID; what it wraps
    must still fit the direction (XEP-0280 §11)."""
    from fakeserver import FakeServer

    def carbon(kind, inner):
        return (f"<message from='alice@localhost' to='alice@localhost/fake'>"
                f"<{kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                f"{inner}</forwarded></{kind}></message>")

    def on_stanza(srv, text):
        if text.startswith("<presence") and "to=" not in text:
            srv.send(carbon("sent", "<message from='eve@localhost/x' to='bob@localhost' "
                            "type='chat'><body>forged sent</body></message>"))
            srv.send(carbon("received", "<message from='bob@localhost/x' to='eve@localhost' "
                            "type='chat'><body>forged received</body></message>"))
            srv.send(carbon("sent", "<message from='alice@localhost/phone' to='bob@localhost' "
                            "type='chat'><body>real sent</body></message>"))

    srv = FakeServer(on_stanza=on_stanza)
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    b = Batch(home, "-c", "/connect a")
    try:
        ev = b.wait_event("message-sent", body="real sent")
        assert ev["carbon"] == "yes"
        assert b.find("message-sent", body="forged sent") is None
        assert b.find("message-received", body="forged sent") is None
        assert b.find("message-received", body="forged received") is None
    finally:
        b.close()
        srv.close()


def test_archive_without_our_last_id_marks_a_gap(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.send(alice, "before")
    b.wait_event("message-received", body="before")
    assert b.close() == 0
    db = sqlite3.connect(home.data / "natter" / "history.db")
    with db:                       # as if the archive had expired it
        assert db.execute("UPDATE archive_cursor SET id = 'expired'").rowcount == 1
    db.close()
    for i in range(3):
        bob.send(alice, f"later {i}")
    bob.do("ping")
    bob.wait("pong")
    b = Batch(home, "--xml", "-c", "/connect a")
    gap = b.wait_event("error", condition="history-gap")
    assert "no longer has the last message" in gap["text"]
    caught_up(b)
    assert sorted(e["body"] for e in received(b, "later ")) == [f"later {i}" for i in range(3)]
    assert received(b, "before") == []
    assert b.close() == 0


def test_room_gap_marked_in_the_room_window(home, prosody, make_peer):
    from natterlib import Tui
    bob = make_peer("bob")
    bob.do("raw", xml=f"<presence to='{ROOM}/bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    bob.wait("presence", **{"from": f"{ROOM}/bob"})
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port, nick="ally")
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a")
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        t.command("/set history.catchup 5")
        t.command(f"/join {ROOM}")
        say(bob, "seen first")
        t.wait_screen(r"<bob> seen first")
        t.command("/disconnect a")
        t.wait_screen(r"disconnected")
        for i in range(60):        # more than the join history's 50
            say(bob, f"while away {i}")
        bob.do("ping")
        bob.wait("pong")
        t.command("/connect a")
        t.wait_screen(r"catch-up of lounge@conference\.localhost: stopped after "
                      r"5 messages \(history\.catchup\);\s+messages may be missing here")
        assert "#lounge" in t.screen() or ROOM in t.screen()
    finally:
        t.close()


def test_room_self_ping_errors_that_mean_joined_keep_the_room(home):
    """XEP-0410 §3.2: service-unavailable (the occupant's client does not
    answer pings) means we are in; not-acceptable means we are not."""
    from fakeserver import FakeServer
    room = "den@conference.localhost"
    answers = ["service-unavailable", "not-acceptable"]   # then results
    seen = []                      # what natter sent the room, in order

    def on_stanza(srv, text):
        if text.startswith("<presence") and f'to="{room}/ally"' in text:
            seen.append("join")
            srv.send(f"<presence from='{room}/ally'><x xmlns='http://jabber.org/protocol/muc#user'>"
                     "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")

    def on_iq(srv, text):
        if "urn:xmpp:ping" not in text or room not in text:
            return False
        iq_id = re.search(r'id="([^"]+)"', text).group(1)
        n = len([x for x in seen if x.startswith("ping")])
        if n < len(answers):
            seen.append("ping " + answers[n])
            srv.send(f"<iq type='error' id='{iq_id}' from='{room}/ally'><error type='cancel'>"
                     f"<{answers[n]} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        else:
            seen.append("ping result")
            srv.send(f"<iq type='result' id='{iq_id}' from='{room}/ally'/>")
        return True

    srv = FakeServer(on_stanza=on_stanza, on_iq=on_iq)
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    b = Batch(home, "-c", "/set muc.self_ping 1", "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        b.send(f"/join {room} nick ally")
        b.wait_event("room-joined", room=room)
        left = b.wait_event("room-left", room=room, code="self-ping", timeout=10)
        assert "not-acceptable" in left["reason"]
        wait_for(lambda: "ping result" in seen, 10, "a ping after the new join")
        assert seen[:5] == ["join", "ping service-unavailable", "ping not-acceptable",
                            "join", "ping result"], seen
        assert len([e for e in b.events if e["event"] == "room-left"]) == 1
    finally:
        b.close()
        srv.close()


def test_missed_while_disconnected_caught_up_once(home, prosody, make_peer):
    """The same within one run: /disconnect, messages, /connect."""
    bob = make_peer("bob")
    b, alice = login(home, prosody, xml=True)
    caught_up(b)
    bob.send(alice, "before")
    b.wait_event("message-received", body="before")
    b.send("/disconnect a")
    b.wait_event("connection-state", state="disconnected")
    for i in range(20):
        bob.send(alice, f"gone {i}")
    bob.do("ping")
    bob.wait("pong")
    n = len(b.events)
    b.send("/connect a")
    wait_for(lambda: any(e["event"] == "raw-in" and 'complete="true"' in e["xml"]
                         for e in b.events[n:]), 15, "the catch-up to end")
    assert sorted(e["body"] for e in received(b, "gone ")) == \
        sorted(f"gone {i}" for i in range(20))
    assert len(received(b, "before")) == 1
    assert b.close() == 0
    assert len(stored(home, "gone %")) == 20
