# SPDX-License-Identifier: MIT
"""Group chat (XEP-0045) in batch mode against Prosody's MUC component
and slixmpp occupants (issue 4)."""
import re

from natterlib import Batch, Peer, login, wait_for

ROOM = "lounge@conference.localhost"



def enter(peer, nick, room=ROOM, password=None):
    pw = f"<password>{password}</password>" if password else ""
    peer.do("raw", xml=f"<presence to='{room}/{nick}'><x xmlns='http://jabber.org/protocol/muc'>{pw}</x></presence>")
    peer.wait("presence", **{"from": f"{room}/{nick}"})


def say(peer, text, room=ROOM):
    peer.do("raw", xml=f"<message to='{room}' type='groupchat'><body>{text}</body></message>")


def test_join_subject_history_occupants(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    bob.do("raw", xml=f"<message to='{ROOM}' type='groupchat'><subject>Weekly sync</subject></message>")
    say(bob, "earlier words")
    bob.do("ping")
    bob.wait("pong")
    b, alice = login(home, prosody)
    b.send("/join lounge nick ally")            # service discovered
    b.wait_event("room-joined", room=ROOM, nick="ally")
    b.wait_event("command-result", command="join", status="ok")
    occ = b.wait_event("occupant-joined", room=ROOM, nick="bob")
    assert occ["affiliation"] == "owner" and occ["role"] == "moderator"
    hist = b.wait_event("room-message", body="earlier words")
    assert hist["nick"] == "bob" and hist["delay"]
    b.wait_event("room-subject", subject="Weekly sync")
    say(bob, "fresh words")
    live = b.wait_event("room-message", body="fresh words")
    assert "delay" not in live
    b.close()


def test_message_mention_nick_change_and_leave(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    say(bob, "hello ally, welcome")
    m = b.wait_event("room-message", body="hello ally, welcome")
    assert m["mention"] == "yes"
    say(bob, "rallying is not a mention")
    m = b.wait_event("room-message", body="rallying is not a mention")
    assert "mention" not in m
    bob.do("raw", xml=f"<presence to='{ROOM}/robert'/>")
    ch = b.wait_event("occupant-changed", nick="bob", new_nick="robert")
    assert "303" in ch["code"]
    bob.do("raw", xml=f"<presence to='{ROOM}/robert' type='unavailable'/>")
    b.wait_event("occupant-left", nick="robert")
    b.close()


def test_send_to_room_is_reflected_and_seen(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    b.send(f"/msg {ROOM} hi all")                     # by the room's JID
    b.wait_event("room-message", nick="ally", body="hi all")
    bob.wait("message", body="hi all", type="groupchat")
    b.send(f"/win {ROOM}")                            # batch's "window"
    b.send("plain line to the room")
    bob.wait("message", body="plain line to the room")
    b.send("/topic New topic")                       # only moderators may
    b.wait_event("error", text=re.compile(r"forbidden"))
    assert b.close() == 0


def test_kick_and_ban_as_owner(home, prosody, make_peer):
    bob = make_peer("bob")
    carol = make_peer("carol")
    b, alice = login(home, prosody)
    b.send("/join den@conference.localhost nick ally")   # creates: owner
    b.wait_event("room-joined", room="den@conference.localhost")
    b.send("/win den@conference.localhost")
    b.send("/room accept")
    b.wait_event("command-result", command="room", status="ok")
    b.send("/topic Owners set topics")
    b.wait_event("room-subject", subject="Owners set topics", nick="ally")
    enter(bob, "bob", room="den@conference.localhost")
    enter(carol, "carol", room="den@conference.localhost")
    b.wait_event("occupant-joined", nick="carol")
    b.send("/kick bob behave")
    left = b.wait_event("occupant-left", nick="bob")
    assert "307" in left["code"] and left["reason"] == "kicked: behave"
    gone = bob.wait("presence", type="unavailable")   # the victim sees why
    assert "behave" in gone["xml"] and 'code="307"' in gone["xml"], gone["xml"]
    b.send(f"/ban {carol.jid} spam")
    left = b.wait_event("occupant-left", nick="carol")
    assert "301" in left["code"]
    b.send("/affiliation list outcast")
    b.wait_event("command-output", text=carol.jid)
    assert b.close() == 0


def test_being_kicked_is_shown(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob", room="hall@conference.localhost")      # owner
    b, alice = login(home, prosody)
    b.send("/join hall@conference.localhost nick ally")
    b.wait_event("room-joined", room="hall@conference.localhost")
    bob.do("raw", xml="<iq type='set' to='hall@conference.localhost' id='k1'>"
                      "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                      "<item nick='ally' role='none'><reason>bye</reason></item></query></iq>")
    ev = b.wait_event("room-left", room="hall@conference.localhost")
    assert "307" in ev["code"] and ev["reason"] == "you were kicked: bye"
    b.close()


def test_password_and_members_only_errors(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob", room="secret@conference.localhost")
    form = ("<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
            "<value>http://jabber.org/protocol/muc#roomconfig</value></field>"
            "<field var='muc#roomconfig_passwordprotectedroom'><value>1</value></field>"
            "<field var='muc#roomconfig_roomsecret'><value>sesame</value></field></x>")
    bob.do("raw", xml=f"<iq type='set' to='secret@conference.localhost' id='c1'>"
                      f"<query xmlns='http://jabber.org/protocol/muc#owner'>{form}</query></iq>")
    enter(bob, "bob", room="club@conference.localhost")
    form = ("<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
            "<value>http://jabber.org/protocol/muc#roomconfig</value></field>"
            "<field var='muc#roomconfig_membersonly'><value>1</value></field></x>")
    bob.do("raw", xml=f"<iq type='set' to='club@conference.localhost' id='c2'>"
                      f"<query xmlns='http://jabber.org/protocol/muc#owner'>{form}</query></iq>")
    bob.do("ping")
    bob.wait("pong")
    b, alice = login(home, prosody)
    b.send("/join secret@conference.localhost nick ally")
    ev = b.wait_event("room-left", room="secret@conference.localhost")
    assert ev["code"] == "not-authorized" and "password" in ev["reason"]
    b.send("/join secret@conference.localhost nick ally password sesame")
    b.wait_event("room-joined", room="secret@conference.localhost")
    b.send("/join club@conference.localhost nick ally")
    ev = b.wait_event("room-left", room="club@conference.localhost")
    assert ev["code"] == "registration-required" and "members-only" in ev["reason"]
    b.close()


def test_nick_conflict_error(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "taken")
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick taken")
    ev = b.wait_event("room-left", room=ROOM)
    assert ev["code"] == "conflict"
    assert f"/join {ROOM} nick taken_" in ev["reason"]
    b.wait_event("command-result", command="join", status="error")
    assert b.close() == 4      # the room refused the join


def try_enter(peer, nick, room, expect):
    """peer joins room; its presence back has type expect ('available',
    or 'error' when refused)."""
    peer.do("raw", xml=f"<presence to='{room}/{nick}'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    return peer.wait("presence", type=expect, **{"from": f"{room}/{nick}"})


def test_new_room_is_instant_on_a_locking_service(home, make_prosody):
    p = make_prosody(muc_locking=True)      # Prosody locks new rooms
    b, alice = login(home, p)
    bob = Peer(p, "bob")
    try:
        b.send("/join newroom@conference.localhost nick ally")
        ev = b.wait_event("room-joined", room="newroom@conference.localhost")
        assert "201" in ev["code"]
        assert "locked" not in ev.get("reason", "")
        assert "/room accept" not in ev.get("reason", "")
        b.wait_event("command-result", command="join", status="ok")
        try_enter(bob, "bob", "newroom@conference.localhost", "available")
        b.wait_event("occupant-joined", nick="bob")
    finally:
        bob.close()
    assert b.close() == 0


def test_new_room_waits_for_configuration_when_asked(home, make_prosody):
    p = make_prosody(muc_locking=True)
    b, alice = login(home, p)
    bob = Peer(p, "bob")
    room = "cfgroom@conference.localhost"
    try:
        b.send("/set muc.create configure")
        b.wait_event("command-result", command="set", status="ok")
        b.send(f"/join {room} nick ally")
        ev = b.wait_event("room-joined", room=room)
        assert "/room config" in ev["reason"] and "/room accept" in ev["reason"]
        try_enter(bob, "bob", room, "error")        # still locked
        b.send(f"/win {room}")
        b.send("/room accept")
        b.wait_event("command-result", command="room", status="ok")
        try_enter(bob, "bob", room, "available")
    finally:
        bob.close()
    assert b.close() == 0


def test_invitation_received_mediated_and_direct(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    bob.do("raw", xml=f"<message to='{ROOM}'><x xmlns='http://jabber.org/protocol/muc#user'>"
                      f"<invite to='{alice}'><reason>come in</reason></invite></x></message>")
    inv = b.wait_event("invitation", room=ROOM)
    assert inv["reason"] == "come in"
    assert inv["from"] in (f"{ROOM}/bob",) or inv["from"].startswith("bob@localhost")
    bob.do("raw", xml=f"<message to='{alice}'><x xmlns='jabber:x:conference' jid='other@conference.localhost' reason='direct one'/></message>")
    inv = b.wait_event("invitation", room="other@conference.localhost")
    assert inv["reason"] == "direct one"
    b.close()


def test_private_message_from_occupant_only(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    bob.do("raw", xml=f"<message to='{ROOM}/ally' type='chat'><body>psst</body>"
                      "<x xmlns='http://jabber.org/protocol/muc#user'/></message>")
    pm = b.wait_event("message-received", body="psst")
    assert pm["from"] == f"{ROOM}/bob"
    b.close()


def test_rooms_lists_public_rooms(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob", room="public1@conference.localhost")
    b, alice = login(home, prosody)
    b.send("/rooms")
    b.wait_event("command-output", text=re.compile(r"^public1@conference.localhost"))
    b.wait_event("command-result", command="rooms", status="ok")
    b.send("/rooms nowhere.invalid")
    b.wait_event("command-result", command="rooms", status="error")
    b.close()


def test_rooms_rejoined_after_reconnect(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM)
    b.send("/disconnect")
    b.wait_event("connection-state", state="disconnected")
    b.wait_event("room-left", room=ROOM, code="disconnected")
    n = len([e for e in b.events if e["event"] == "room-joined"])
    b.send("/connect a")
    wait_for(lambda: len([e for e in b.events if e["event"] == "room-joined"]) > n, 15,
             "rejoin")
    say(bob, "welcome back")
    b.wait_event("room-message", body="welcome back")
    b.close()


def test_bookmark_autojoin_after_restart(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    b.send(f"/bookmark add {ROOM} nick ally name Lounge")
    b.wait_event("command-result", command="bookmark", status="ok")
    b.send("/bookmark list")
    b.wait_event("command-output", text=re.compile(rf"^{ROOM}  Lounge  nick ally  autojoin$"))
    assert b.close() == 0
    b = Batch(home, "-c", "/connect a")
    b.wait_event("room-joined", room=ROOM, nick="ally")      # no /join typed
    b.send("/bookmark remove " + ROOM)
    b.wait_event("command-result", command="bookmark", status="ok")
    assert b.close() == 0
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    b.send("/bookmark list")
    b.wait_event("command-output", text=re.compile("no bookmarks"))
    assert b.find("room-joined") is None
    b.close()


def test_room_config_form_change_applied(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    room = "cfg@conference.localhost"
    b.send(f"/join {room} nick ally")
    b.wait_event("room-joined", room=room)
    b.send(f"/win {room}")
    b.send("/room info")
    b.wait_event("command-output", text="feature: muc_open")
    b.send("/room config")
    b.wait_event("command-output", text=re.compile(r"muc#roomconfig_membersonly \(Only allow members to join\) =\s+\[on\|off\]"))
    b.send("/room config set muc#roomconfig_membersonly maybe")
    wait_for(lambda: "muc#roomconfig_membersonly is on or off" in b.stderr, 5, "validation")
    b.send("/room config set muc#roomconfig_membersonly on")
    b.send('/room config set muc#roomconfig_roomname "Config Den"')
    b.send("/room config submit")
    b.wait_event("command-result", command="room", status="ok")
    b.send("/room info")
    b.wait_event("command-output", text="feature: muc_membersonly")
    b.wait_event("command-output", text="name: Config Den")
    # An outsider now gets the members-only refusal.
    bob.do("raw", xml=f"<presence to='{room}/bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    err = bob.wait("presence", **{"from": f"{room}/bob"})
    assert err["type"] == "error"
    b.close()


def test_bookmarks_fall_back_to_private_storage(home, make_prosody):
    p = make_prosody(disabled=["pep", "bookmarks"])     # no XEP-0402 here
    b, alice = login(home, p)
    b.send(f"/bookmark add {ROOM} nick ally")
    b.wait_event("command-result", command="bookmark", status="ok")
    assert b.close() == 0
    b = Batch(home, "--xml", "-c", "/connect a")
    b.wait_event("room-joined", room=ROOM, nick="ally")       # autojoined
    assert b.find("raw-out", xml=re.compile(r"storage:bookmarks"))
    b.close()


def test_room_commands_outside_a_room_say_so(home, prosody, make_peer):
    """Room commands declare a room target: in a window that is not a room
    (the console, a chat) dispatch answers with the standard error."""
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    for line in ("/kick bob", "/topic", "/nick ally", "/room config"):
        b.send(line)
        name = line.split()[0][1:]
        b.wait_event("command-result", command=name, status="error")
        # stderr has a reader thread of its own: wait for the line
        wait_for(lambda: f"/{name} works in a room window" in b.stderr, 10,
                 lambda: f"/{name} refused; stderr: {b.stderr}")
    b.send(f"/win {bob.jid}")                   # a chat, not a room
    b.send("/leave")
    b.wait_event("command-result", command="leave", status="error")
    wait_for(lambda: "/leave works in a room window" in b.stderr, 10,
             lambda: f"/leave refused; stderr: {b.stderr}")
    b.send("/me waves")                         # a conversation: fine
    b.wait_event("command-result", command="me", status="ok")
    b.close()
