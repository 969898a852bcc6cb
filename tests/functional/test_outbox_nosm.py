# SPDX-License-Identifier: MIT
"""The outbox on a server without stream management (issue 16, item 4):
with no XEP-0198 acks, a chat message is confirmed only by the answer to
an IQ round trip sent after it. A message the server never read (frozen,
then killed; or written to a link that swallows it, then killed) must not
come back confirmed on the next session: it is sent again and reaches the
recipient exactly once (live, or from his archive).

On an earlier main (before the archive lookup) it was lost: libstrophe
keeps a stream-management state even for a session without it, natter
handed that state to the next connection and, seeing it handed, let
libstrophe do the resending (which had nothing to resend) while the
new session's round trip confirmed the message that never went again.
The tests fail that way when that logic is put back."""
import re

import pytest

from natterlib import Batch, Peer, Prosody, login, wait_for
from test_sm import Proxy


@pytest.fixture(params=["mam", "no-mam"])
def prosody(request):
    """A server without mod_smacks, with or without an archive."""
    mods = ["mam"] if request.param == "mam" else []
    p = Prosody(modules=mods, disabled=["smacks"]).start()
    p.has_mam = request.param == "mam"
    yield p
    p.stop()


class DeafProxy(Proxy):
    """A Proxy that, while `deaf`, swallows what natter sends (the
    server's bytes still come through): natter writes its stanzas to a
    socket, and the server never reads them."""

    def __init__(self, port):
        self.deaf = False
        super().__init__(port)

    def _pipe(self, a, b, down):
        while True:
            try:
                data = a.recv(65536)
            except OSError:
                return
            if not data:
                return
            if (down and self.muted) or (not down and self.deaf):
                continue
            try:
                b.sendall(data)
            except OSError:
                return


def of(b, kind, **fields):
    """The indexes and events of kind in b's events matching fields."""
    return [(i, e) for i, e in enumerate(list(b.events))
            if e.get("event") == kind
            and all(e.get(k) == v for k, v in fields.items())]


def onlines(b):
    return [i for i, e in of(b, "connection-state", state="online")]


def no_stream_management(b):
    """natter's session has no stream management: never enabled."""
    assert not [e for _, e in of(b, "raw-in") + of(b, "raw-out")
                if "urn:xmpp:sm:" in e["xml"]], "stream management offered"


def delivered_once(prosody, b, bob_jid, body, sent_id):
    """After the server's restart: natter's new session confirms the
    message only after sending it again, and a new process of bob has it
    exactly once, live (or from offline storage), and in his archive."""
    bob2 = Peer(prosody, "bob", register=False)
    try:
        ok = b.wait_event("message-confirmed", 30, id=sent_id)
        again = onlines(b)[1]           # the new session
        out = [i for i, e in of(b, "raw-out") if body in e["xml"]]
        confirmed = [i for i, _ in of(b, "message-confirmed", id=sent_id)]
        assert len(confirmed) == 1 and confirmed[0] > again, \
            "confirmed before the new session"
        assert [i for i in out if again < i < confirmed[0]], \
            f"confirmed without being sent again ({ok['reason']})"
        got = bob2.wait("message", 30, body=body)
        assert re.search(r"<origin-id[^>]*id=.%s." % sent_id, got["xml"])
        # Later traffic: nothing more of it comes.
        b.send(f"/msg {bob_jid} after it")
        bob2.wait("message", 30, body="after it")
        copies = [e for e in list(bob2.events)
                  if e.get("event") == "message" and e["body"] == body]
        assert len(copies) == 1, copies
        # The new session is told as what it is: no stream management
        # state of the lost one was handed on, so nothing "could not be
        # resumed".
        assert not of(b, "info", text="new session: the previous one "
                      "could not be resumed; presence and rooms are restored")
        assert [e for _, e in of(b, "info")
                if "offers no stream management" in e["text"]]
        if prosody.has_mam:
            bob2.do("mam", tag="all")
            arch = bob2.wait("mam", 30, tag="all")["messages"]
            assert len([m for m in arch if m["body"] == body]) == 1, arch
    finally:
        bob2.close()


# Short: killed while natter still waits for its round trip. Long: the
# freeze outlasts every deadline first (the round trip times out and is
# asked again, the silence is noticed and the link dropped, an attempt
# on the frozen server times out), so stale waiters and timed-out round
# trips of the lost session meet the new one.
FAST = ("-c", "/set iq.timeout 1", "-c", "/set conn.ping_idle 1",
        "-c", "/set conn.ping_timeout 1", "-c", "/set conn.timeout 2")


@pytest.mark.parametrize("freeze", ["short", "past-deadlines"])
def test_frozen_then_killed_server_without_sm_gets_the_message_again(
        home, prosody, make_peer, freeze):
    """The colleague's report: without mod_smacks, a message sent while
    the server was frozen (SIGSTOP), then killed and restarted, came
    back confirmed right after reconnecting, never sent again: lost."""
    bob = make_peer("bob")
    b, alice = login(home, prosody, xml=True,
                     extra=("-c", "/set reconnect.min 1",
                            "-c", "/set reconnect.max 1") +
                     (FAST if freeze == "past-deadlines" else ()))
    try:
        b.send(f"/msg {bob.jid} before the freeze")
        first = b.wait_event("message-sent", body="before the freeze")
        b.wait_event("message-confirmed", id=first["id"])
        bob.wait("message", body="before the freeze")
        no_stream_management(b)
        prosody.freeze()
        b.send(f"/msg {bob.jid} sent into the frozen server")
        sent = b.wait_event("message-sent", body="sent into the frozen server")
        b.wait_event("message-pending", id=sent["id"],
                     reason=re.compile("confirm"))
        b.wait_event("raw-out", xml=re.compile("sent into the frozen server"))
        if freeze == "past-deadlines":
            b.wait_event("connection-state", 20, state="disconnected",
                         reason=re.compile("ping timed out"))
            b.wait_event("connection-state", 20, state="failed",
                         reason=re.compile("did not complete"))
        prosody.crash()
        b.wait_event("connection-state", state=re.compile("disconnected|failed"))
        assert not of(b, "message-confirmed", id=sent["id"])
        prosody.restart()
        wait_for(lambda: len(onlines(b)) >= 2, 30, "natter to reconnect")
        delivered_once(prosody, b, bob.jid, "sent into the frozen server",
                       sent["id"])
        assert b.close() == 0, b.stderr
    finally:
        b.kill()


def test_killed_with_the_message_unread_on_the_wire(home, prosody, make_peer):
    """No freeze: natter writes the message to a live socket, the server
    never reads it (the proxy swallows it) and is killed."""
    bob = make_peer("bob")
    proxy = DeafProxy(prosody.port)
    alice = prosody.register("alice", "pw")
    home.add_account("a", alice, "pw", port=proxy.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/set reconnect.min 1", "-c", "/set reconnect.max 1",
              "-c", "/connect a", xml=True)
    try:
        b.wait_event("connection-state", state="online")
        b.send(f"/msg {bob.jid} before")
        first = b.wait_event("message-sent", body="before")
        b.wait_event("message-confirmed", id=first["id"])
        no_stream_management(b)
        proxy.deaf = True
        b.send(f"/msg {bob.jid} written, never read")
        sent = b.wait_event("message-sent", body="written, never read")
        b.wait_event("raw-out", xml=re.compile("written, never read"))
        prosody.crash()
        # Back before natter learns of the loss: the proxy relays a new
        # link only to a listening server.
        prosody.restart()
        proxy.deaf = False
        proxy.cut()
        b.wait_event("connection-state", state=re.compile("disconnected|failed"))
        assert not of(b, "message-confirmed", id=sent["id"])
        wait_for(lambda: len(onlines(b)) >= 2, 30, "natter to reconnect")
        delivered_once(prosody, b, bob.jid, "written, never read", sent["id"])
        assert b.close() == 0, b.stderr
    finally:
        b.kill()
        proxy.close()
