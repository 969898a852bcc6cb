# SPDX-License-Identifier: MIT
"""Stream management (XEP-0198): acks checked by natter, sessions resumed
after a drop, and a fresh session that restores presence and rooms
(issue 16)."""
import re
import socket
import threading

import pytest

from fakeserver import FakeServer
import natterlib
from natterlib import Batch, wait_for


class SMServer(FakeServer):
    """The fake server with stream management: offers <sm/> after login,
    answers <enable/> with <enabled resume='true'/>, and keeps every byte
    natter sent in `wire`."""

    def __init__(self, **kw):
        self.wire = ""
        self._left = ""
        super().__init__(**kw)

    def _stream(self, features):
        if "xmpp-bind" in features:
            features += "<sm xmlns='urn:xmpp:sm:3'/>"
        super()._stream(features)

    def _consume(self, buf):
        self.wire += buf[len(self._left):]
        self._left = super()._consume(buf)
        return self._left

    def _handle(self, text):
        if text.startswith("<enable") and "urn:xmpp:sm:3" in text:
            self.send("<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true'/>")
        elif text.startswith("<r ") and "urn:xmpp:sm:3" in text:
            pass                                # acks come from the test
        else:
            super()._handle(text)


@pytest.mark.parametrize("h, says", [
    ("1000", re.compile(r"acknowledged 1000 stanzas but natter sent only \d+")),
    ("12x", re.compile(r"not a number \(h=12x\)")),
])
def test_bad_ack_closes_stream_with_handled_count_too_high(home, h, says):
    srv = SMServer()
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        wait_for(lambda: "<enable" in srv.wire, 10, "natter to enable SM")
        b.send("/ping")                     # a stanza that needs its ack
        b.wait_event("command-result", command="ping", status="ok")
        srv.send(f"<a xmlns='urn:xmpp:sm:3' h='{h}'/>")
        b.wait_event("error", text=says)
        wait_for(lambda: "handled-count-too-high" in srv.wire, 10,
                 lambda: f"the stream error; natter sent {srv.wire[-400:]}")
        assert re.search(r"<stream:error><undefined-condition xmlns="
                         r"'urn:ietf:params:xml:ns:xmpp-streams'/>"
                         r"<handled-count-too-high xmlns='urn:xmpp:sm:3'",
                         srv.wire)
        b.wait_event("connection-state", state="disconnected")
    finally:
        b.close()
        srv.close()


def test_good_acks_keep_the_stream(home):
    srv = SMServer()
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        wait_for(lambda: "<enable" in srv.wire, 10, "natter to enable SM")
        srv.send("<a xmlns='urn:xmpp:sm:3' h='1'/>")
        b.send("/ping")
        b.wait_event("command-result", command="ping", status="ok")
        srv.send("<a xmlns='urn:xmpp:sm:3' h='2'/>")
        b.send("/ping")
        b.wait_event("command-result", command="ping", status="ok")
        assert b.find("error") is None, b.events
        assert b.find("connection-state", state="disconnected") is None
        assert "handled-count-too-high" not in srv.wire
    finally:
        b.close()
        srv.close()


ROOM = "lounge@conference.localhost"


def enter(peer, nick, room=ROOM, password=None):
    pw = f"<password>{password}</password>" if password else ""
    peer.do("raw", xml=f"<presence to='{room}/{nick}'>"
                       f"<x xmlns='http://jabber.org/protocol/muc'>{pw}</x></presence>")
    peer.wait("presence", **{"from": f"{room}/{nick}"})


def configure(peer, room, **fields):
    """Submit the room's configuration form (as its owner)."""
    xs = "".join(f"<field var='muc#roomconfig_{k}'><value>{v}</value></field>"
                 for k, v in fields.items())
    peer.do("raw", xml=f"<iq type='set' to='{room}' id='cfg'><query xmlns="
                       "'http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                       "type='submit'><field var='FORM_TYPE'><value>"
                       "http://jabber.org/protocol/muc#roomconfig</value></field>"
                       f"{xs}</x></query></iq>")
    peer.do("ping")
    peer.wait("pong")


def login(home, prosody):
    return natterlib.login(home, prosody)[0]


def test_new_session_after_crash_restores_presence_and_rooms(home, prosody,
                                                             make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")                        # a room kept across restarts,
    configure(bob, ROOM, persistentroom=1,   # with a password
              passwordprotectedroom=1, roomsecret="sesame")
    b = login(home, prosody)
    b.send(f"/join {ROOM} nick ally password sesame")
    b.wait_event("room-joined", room=ROOM, nick="ally")
    b.send("/away out for lunch")
    b.wait_event("command-result", command="away", status="ok")
    bob.wait("presence", **{"from": f"{ROOM}/ally"}, show="away")
    prosody.crash()
    b.wait_event("connection-state", state="disconnected")
    prosody.restart()
    carol = make_peer("carol")
    enter(carol, "carol", password="sesame")
    joined = carol.find("presence", **{"from": f"{ROOM}/carol"})
    assert "201" not in joined["xml"], joined   # the room was kept, not new
    n = len([e for e in b.events if e["event"] == "connection-state"
             and e["state"] == "online"])
    b.send("/reconnect now")
    wait_for(lambda: len([e for e in b.events if e["event"] == "connection-state"
                          and e["state"] == "online"]) > n, 20, "the new session")
    b.wait_event("info", text=re.compile(r"^new session: the previous one "
                                         r"could not be resumed"))
    p = carol.wait("presence", 20, **{"from": f"{ROOM}/ally"})
    assert p["type"] != "unavailable"
    assert p["show"] == "away" and p["status"] == "out for lunch", p
    b.send("/status")
    b.wait_event("command-output", text=re.compile(r"^a: you are away$"))
    b.close()


class Proxy:
    """A TCP relay between natter and the server. cut() drops every link
    at once, without a stream close: the server sees a lost client and
    keeps its session for resumption (Prosody's mod_smacks). While
    `muted`, what the server sends is swallowed (natter's bytes still go
    through): the server takes natter's stanzas, natter hears no answer."""

    def __init__(self, port):
        self.target = port
        self.muted = False
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.links = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                u = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                # The server is down: natter sees its connection end, as
                # it would with the server itself, and tries again later.
                c.close()
                continue
            with self._lock:
                self.links += [c, u]
            for a, b, down in ((c, u, False), (u, c, True)):
                t = threading.Thread(target=self._pipe, args=(a, b, down),
                                     daemon=True)
                self._threads.append(t)
                t.start()

    def _pipe(self, a, b, down):
        while True:
            try:
                data = a.recv(65536)
            except OSError:
                return
            if not data:
                return
            if down and self.muted:
                continue
            try:
                b.sendall(data)
            except OSError:
                return

    def cut(self):
        with self._lock:
            links, self.links = self.links, []
        for s in links:                     # no stream end on either side
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.cut()
        self.sock.close()


def test_dropped_link_is_resumed_and_gap_message_delivered_once(home, prosody,
                                                                make_peer):
    bob = make_peer("bob")
    proxy = Proxy(prosody.port)
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=proxy.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a", xml=True)
    try:
        b.wait_event("connection-state", state="online")
        b.wait_event("raw-in", xml=re.compile(r"^<enabled [^>]*resume="))
        bob.send(jid, "before the cut")
        b.wait_event("message-received", body="before the cut")
        proxy.cut()
        b.wait_event("connection-state", state="disconnected")
        bob.send(jid, "during the gap")
        bob.do("ping")                      # the server has taken it
        bob.wait("pong")
        b.send("/reconnect now")
        b.wait_event("raw-out", xml=re.compile(r"^<resume [^>]*previd="))
        b.wait_event("raw-in", xml=re.compile(r"^<resumed "))
        b.wait_event("info", text=re.compile(r"^session resumed"))
        b.wait_event("message-received", body="during the gap")
        bob.send(jid, "after the resumption")
        b.wait_event("message-received", body="after the resumption")
        got = [e["body"] for e in b.events if e["event"] == "message-received"]
        assert got == ["before the cut", "during the gap",
                       "after the resumption"], got
        assert b.find("info", text=re.compile(r"^new session")) is None
    finally:
        b.close()
        proxy.close()


def test_quit_right_after_messages_does_not_get_them_again(home, prosody,
                                                          make_peer):
    """natter acknowledges what it handled before closing the stream, so
    the server keeps nothing to deliver again at the next login (and a
    message delivered again from offline storage would not be shown
    twice)."""
    from natterlib import login
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    for i in range(30):
        bob.send(alice, f"burst {i}")
    b.wait_event("message-received", body="burst 29", timeout=30)
    assert b.close() == 0
    b2 = Batch(home, "-c", "/connect a")
    try:
        b2.wait_event("connection-state", state="online")
        b2.send("/ping")                    # after whatever came at login
        b2.wait_event("command-result", command="ping")
        again = [e["body"] for e in b2.events
                 if e.get("event") == "message-received"
                 and (e.get("body") or "").startswith("burst ")]
        assert again == [], f"shown again at the next login: {again}"
    finally:
        b2.close()


def test_message_delivered_again_from_offline_storage_is_shown_once(home):
    """A server that ended a session with stanzas it held no ack for
    delivers them again, delayed (XEP-0203), at the next login: the same
    message (sender, id) is not shown or stored a second time."""
    from fakeserver import FakeServer

    def online(srv):
        srv.send("<message from='bob@localhost/x' to='alice@localhost' "
                 "type='chat' id='m-17'><body>only once</body></message>")
        srv.send("<message from='bob@localhost/x' to='alice@localhost' "
                 "type='chat' id='m-17'><body>only once</body>"
                 "<delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z' "
                 "from='localhost'/></message>")
        srv.send("<message from='bob@localhost/x' to='alice@localhost' "
                 "type='chat' id='m-18'><body>the next one</body></message>")
    srv = FakeServer(on_online=online)
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("message-received", body="the next one")
        shown = [e for e in b.events if e.get("event") == "message-received"
                 and e.get("body") == "only once"]
        assert len(shown) == 1, shown
    finally:
        b.close()
        srv.close()
