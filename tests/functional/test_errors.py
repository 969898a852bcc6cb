# SPDX-License-Identifier: MIT
"""How errors from the server reach the user, tied to what they answer
(issue 15: failed sends, room actions, the server's words, IQ deadlines,
errors for our other resources)."""
import re

from natterlib import Batch, login

ROOM = "lounge@conference.localhost"



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
    assert err["explanation"] == ("the recipient does not offer this service "
                                  "(or hides that it exists)")
    assert "account does not exist" in err["likely_cause"]
    # the message's own failure says the same (batch scripts read it)
    failed = b.wait_event("message-failed", id=sent["id"])
    assert failed["explanation"] == err["explanation"]
    assert failed["likely_cause"] == err["likely_cause"]
    b.close()


def test_message_to_another_domain_says_the_likely_cause(home, prosody, make_peer):
    b, alice = login(home, prosody)
    # the test Prosody has server-to-server off: it refuses other domains
    b.send("/msg bob@nonexistent.invalid hi")
    sent = b.wait_event("message-sent", body="hi")
    err = b.wait_event("error", id=sent["id"], timeout=30)
    assert err["condition"] == "not-allowed", err
    assert err["explanation"] == "nobody may do this here"
    assert "server-to-server is off" in err["likely_cause"]
    # a federating server's bounce for a domain without XMPP service
    bob = make_peer("bob")
    b.send(f"/msg {bob.jid} relay")
    msg = bob.wait("message", body="relay")
    bob.do("raw", xml=(
        f"<message type='error' to='{msg['from']}' id='{msg['id']}'>"
        "<error type='cancel'><remote-server-not-found "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"))
    err = b.wait_event("error", id=msg["id"])
    assert err["condition"] == "remote-server-not-found", err
    assert err["explanation"] == "the recipient's server could not be found or reached"
    assert "the domain has no XMPP service" in err["likely_cause"]
    b.close()


def test_stream_error_is_explained_in_the_connection_reason(home):
    from fakeserver import FakeServer
    ended = []

    def online(s):
        ended.append(True)
        s.send("<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
               "</stream:error></stream:stream>")

    # once the stream is over, leave the client's IQs unanswered
    srv = FakeServer(on_online=online, on_iq=lambda s, text: bool(ended))
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    b = Batch(home, "-c", "/connect a")
    try:
        st = b.wait_event("connection-state", state="disconnected", timeout=20)
        assert st["reason"].startswith(
            "stream error from server: host-unknown (the server does not serve this domain)"), st
    finally:
        b.close()
        srv.close()


def enter(peer, nick, room=ROOM):
    peer.do("raw", xml=f"<presence to='{room}/{nick}'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    peer.wait("presence", **{"from": f"{room}/{nick}"})


def test_me_in_a_room_is_a_groupchat_action(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody, extra=("--xml",))
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM, nick="ally")
    b.send(f"/win {ROOM}")
    b.send("/me waves")
    got = bob.wait("message", body="/me waves")
    assert got["type"] == "groupchat"
    assert got["from"] == f"{ROOM}/ally"
    out = b.wait_event("raw-out", xml=re.compile(r"<body>/me waves</body>"))
    assert 'type="groupchat"' in out["xml"]
    b.wait_event("room-message", room=ROOM, nick="ally", body="/me waves")
    b.send("/ping")                     # a barrier: the server answered
    b.wait_event("command-result", command="ping")
    assert b.find("error") is None
    assert b.find("message-sent") is None
    b.close()


REMOTE_ROOM = "room@conference.nonexistent.invalid"


def test_join_error_keeps_the_servers_words_and_is_said_once(home, prosody):
    b, alice = login(home, prosody)
    b.send(f"/join {REMOTE_ROOM}")
    left = b.wait_event("room-left", room=REMOTE_ROOM)
    b.wait_event("command-result", command="join", status="error")
    assert "remote domains" in left["reason"]
    assert "not-allowed" in left["reason"]
    assert left["reason"].endswith("(nobody may do this here; likely cause: the room "
                                   "service refuses users from other domains, or the "
                                   "room is closed)"), left
    assert left["code"] == "not-allowed"
    b.close()
    assert b.stderr.count("remote domains") == 1, b.stderr
    assert b.stderr.count("not-allowed") == 1, b.stderr


def test_unanswered_query_times_out_and_the_script_goes_on(home, prosody, make_peer, tmp_path):
    bob = make_peer("bob")
    bob.do("mute-pings")
    bob.wait("done", op="mute-pings")
    full = bob.wait("online")["jid"]
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    script = tmp_path / "script"
    script.write_text(f"/connect a\n/set iq.timeout 2\n-/ping {full}\n/ping\n")
    b = Batch(home, "-x", str(script))
    ignored = bob.wait("ping-ignored")
    done = b.wait_event("command-result", command="ping", status="error", timeout=10)
    b.wait_event("command-result", command="ping", status="ok", timeout=10)
    assert b.events.index(done) < b.events.index(b.find("command-result", command="ping", status="ok"))
    b.wait_stderr(f"{full}: no answer within 2 s (request {ignored['id']})")
    b.close()


def test_error_for_another_resource_is_not_ours(home):
    """A bounce from a bare JID (a remote server's) for a message our
    other device sent is copied to us as a carbon whose wrapper has
    type='error' and our own JID as sender (Prosody's mod_carbons). It
    is not our failed message, nor a message received."""
    from fakeserver import FakeServer
    srv = FakeServer()
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        srv.send("<message from='alice@localhost' to='alice@localhost/fake' type='error'>"
                 "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                 "<message xmlns='jabber:client' from='bob@remote.example' "
                 "to='alice@localhost/phone' type='error' id='elsewhere-1'>"
                 "<body>from my phone</body><error type='cancel'>"
                 "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                 "</error></message></forwarded></received></message>")
        srv.send("<message from='bob@remote.example' to='alice@localhost/phone' type='error' "
                 "id='elsewhere-2'><error type='cancel'>"
                 "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                 "</error></message>")
        b.send("/ping")                                 # a barrier: later
        b.wait_event("command-result", command="ping", status="ok")
        assert b.find("error") is None, b.events
        assert b.find("message-received") is None, b.events
    finally:
        b.close()
        srv.close()


def test_refused_nick_change_keeps_us_in_the_room(home, prosody, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    b, alice = login(home, prosody)
    b.send(f"/join {ROOM} nick ally")
    b.wait_event("room-joined", room=ROOM, nick="ally")
    b.send(f"/win {ROOM}")
    b.send("/nick bob")
    err = b.wait_event("error", conversation=ROOM)
    assert err["condition"] == "conflict"
    assert err["stanza"] == "presence"
    assert "bob" in err["text"] and "conflict" in err["text"]
    b.send("still here")
    bob.wait("message", body="still here", type="groupchat")
    b.wait_event("room-message", room=ROOM, nick="ally", body="still here")
    assert b.find("room-left") is None, b.events
    b.close()
