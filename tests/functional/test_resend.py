# SPDX-License-Identifier: MIT
"""What the outbox sends again, and what it must not (issue 16, item 4):
a message the server took whose confirmation was lost is found in our
own archive (XEP-0313) and not sent again; messages left pending when
natter itself was killed are taken back at the next start (found in the
archive, or sent again), too old ones and encrypted ones are failed."""
import re
import socket
import sqlite3
import time

import pytest

from fakeserver import FakeServer
from natterlib import Batch, Peer, Prosody, login, wait_for
from test_sm import Proxy


@pytest.fixture
def prosody():
    """A server with stream management and an archive (mod_mam)."""
    p = Prosody(modules=["mam"]).start()
    yield p
    p.stop()


def db_rows(home, sql, args=()):
    db = sqlite3.connect(home.data / "natter" / "history.db")
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def state_of(home, msg_id):
    rows = db_rows(home, "SELECT state, reason FROM message_state WHERE id = ?",
                   (msg_id,))
    return rows[0] if rows else (None, None)


def received(peer, body):
    return [e for e in list(peer.events)
            if e.get("event") == "message" and e.get("body") == body]


def archived(peer, body, tag):
    """How many copies of body the peer's archive holds."""
    peer.do("mam", tag=tag)
    got = peer.wait("mam", 30, tag=tag)["messages"]
    return len([m for m in got if m["body"] == body])


def onlines(b):
    return len([e for e in list(b.events) if e["event"] == "connection-state"
                and e["state"] == "online"])


def test_taken_before_the_crash_is_found_in_the_archive_not_sent_again(
        home, prosody, make_peer):
    """The server takes two messages, then dies before natter hears any
    confirmation (a proxy swallows everything the server says). After
    the new session (resumption fails: the server restarted) natter
    looks in its archive and finds both. The first, followed there by
    the second, is confirmed and never goes out again. The second, our
    newest there, may have been archived and not delivered when the
    server died: it is sent again (same id), and natter says so."""
    bob = make_peer("bob")
    proxy = Proxy(prosody.port)
    alice = prosody.register("alice", "pw")
    home.add_account("a", alice, "pw", port=proxy.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/set reconnect.auto off", "-c", "/connect a",
              xml=True)
    bob2 = None
    try:
        b.wait_event("raw-in", xml=re.compile(r"^<enabled [^>]*resume="))
        proxy.muted = True
        b.send(f"/msg {bob.jid} taken but unconfirmed")
        b.send(f"/msg {bob.jid} taken last")
        first = b.wait_event("message-sent", body="taken but unconfirmed")
        last = b.wait_event("message-sent", body="taken last")
        bob.wait("message", body="taken last")      # the server has both
        prosody.crash()
        prosody.restart()
        bob2 = Peer(prosody, "bob", register=False)
        bob2.send(alice, "are you back?")   # newer, but not ours: no proof
        bob2.do("ping")
        bob2.wait("pong", 20)
        n = onlines(b)
        proxy.muted = False
        proxy.cut()
        b.wait_event("connection-state", state="disconnected")
        b.send("/reconnect now")
        wait_for(lambda: onlines(b) > n, 20, "the new session")
        b.wait_event("info", text=re.compile(r"^new session"))
        ok = b.wait_event("message-confirmed", 20, id=first["id"])
        assert ok["reason"] == "found in the server's archive", ok
        b.wait_event("info", 20, text=re.compile(
            r"^message %s is our newest in the server's archive" % last["id"]))
        ok = b.wait_event("message-confirmed", 20, id=last["id"])
        assert ok["reason"] == "confirmed by the server", ok
        got = bob2.wait("message", body="taken last")
        assert re.search(r"<origin-id[^>]*id=.%s." % last["id"], got["xml"])
        b.send(f"/msg {bob.jid} after it")
        bob2.wait("message", body="after it")

        def out(body):
            return [e for e in list(b.events) if e["event"] == "raw-out"
                    and f">{body}<" in e["xml"]]
        assert len(out("taken but unconfirmed")) == 1   # the first send only
        assert len(out("taken last")) == 2              # once per session
        assert not received(bob2, "taken but unconfirmed")
        assert archived(bob2, "taken but unconfirmed", "x") == 1
        assert state_of(home, first["id"])[0] == "confirmed"
        assert b.close() == 0, b.stderr
    finally:
        b.kill()
        proxy.close()
        if bob2:
            bob2.close()


def pending_then_killed(home, prosody, bob, *bodies):
    """natter sends bodies into a frozen server and is SIGKILLed once
    history has them as pending: returns their ids."""
    b, _ = login(home, prosody)
    ids = []
    try:
        prosody.freeze()
        for body in bodies:
            b.send(f"/msg {bob.jid} {body}")
            ids.append(b.wait_event("message-sent", body=body)["id"])
        for i in ids:
            b.wait_event("message-pending", id=i, reason=re.compile("confirm"))
            wait_for(lambda: state_of(home, i)[0] == "pending", 10,
                     "history to record the message as pending")
    finally:
        b.kill()
    return ids


def test_pending_when_natter_was_killed_is_confirmed_from_the_archive(
        home, prosody, make_peer):
    """The server took the messages after natter died: the next start
    finds them in the archive. The first is confirmed and reaches the
    peer once; the last, our newest there, is sent again, as above."""
    bob = make_peer("bob")
    first, last = pending_then_killed(home, prosody, bob, "across the restart",
                                      "and the last")
    prosody.thaw()
    bob.wait("message", body="and the last")
    b = Batch(home, "-c", "/connect a")
    try:
        b.wait_event("message-pending", id=first,
                     reason=re.compile("before natter stopped"))
        ok = b.wait_event("message-confirmed", 20, id=first)
        assert ok["reason"] == "found in the server's archive", ok
        b.wait_event("message-confirmed", 20, id=last)
        b.wait_event("info", text=re.compile(r"^message %s is our newest" % last))
        b.send(f"/msg {bob.jid} after it")
        bob.wait("message", body="after it")
        assert len(received(bob, "across the restart")) == 1
        assert state_of(home, first)[0] == "confirmed"
        assert state_of(home, last)[0] == "confirmed"
        assert b.close() == 0, b.stderr
    finally:
        b.kill()


def test_pending_when_natter_was_killed_is_sent_again_if_the_server_lacks_it(
        home, prosody, make_peer):
    """The server died too, without the message: the next start looks,
    does not find it, and sends it again, with the same id."""
    bob = make_peer("bob")
    msg_id, = pending_then_killed(home, prosody, bob, "lost with both")
    prosody.crash()
    prosody.restart()
    bob2 = Peer(prosody, "bob", register=False)
    try:
        bob2.do("ping")
        bob2.wait("pong", 20)
        b = Batch(home, "-c", "/connect a")
        try:
            ok = b.wait_event("message-confirmed", 20, id=msg_id)
            assert ok["reason"] == "confirmed by the server", ok
            got = bob2.wait("message", body="lost with both")
            assert re.search(r"<origin-id[^>]*id=.%s." % msg_id, got["xml"])
            b.send(f"/msg {bob.jid} after it")
            bob2.wait("message", body="after it")
            assert len(received(bob2, "lost with both")) == 1
            assert b.close() == 0, b.stderr
        finally:
            b.kill()
    finally:
        bob2.close()


def test_pending_too_old_or_encrypted_is_failed_not_sent(home, prosody,
                                                         make_peer):
    """Older than outbox.max_age, or stored as encrypted (never sent in
    the clear): failed with the reason, not sent."""
    bob = make_peer("bob")
    old_id, = pending_then_killed(home, prosody, bob, "too old")
    prosody.crash()
    prosody.restart()
    bob2 = Peer(prosody, "bob", register=False)
    try:
        b = Batch(home, "-c", "/set outbox.max_age 0", "-c", "/connect a")
        try:
            failed = b.wait_event("message-failed", id=old_id)
            assert "outbox.max_age" in failed["reason"], failed
            b.wait_event("connection-state", state="online")
            b.send("/set outbox.max_age 3600")
            b.send(f"/msg {bob.jid} secret")
            secret = b.wait_event("message-pending",
                                  reason=re.compile("confirm"))
        finally:
            b.kill()
        db = sqlite3.connect(home.data / "natter" / "history.db")
        db.execute("UPDATE message_state SET state = 'pending' WHERE id = ?",
                   (secret["id"],))
        db.execute("UPDATE messages SET encryption = 'otr' WHERE id = ?",
                   (secret["id"],))
        db.commit()
        db.close()
        b = Batch(home, "-c", "/connect a")
        try:
            failed = b.wait_event("message-failed", id=secret["id"])
            assert "encrypted" in failed["reason"], failed
            b.wait_event("connection-state", state="online")
            b.send(f"/msg {bob.jid} after it")
            bob2.wait("message", body="after it")
            assert len(received(bob2, "secret")) == 1   # the first run's only
            assert not received(bob2, "too old")
            assert b.find("message-confirmed", id=old_id) is None
            assert state_of(home, old_id)[0] == "failed"
            assert state_of(home, secret["id"])[0] == "failed"
        finally:
            b.kill()
    finally:
        bob2.close()


class ReconnectingServer(FakeServer):
    """The fake server, accepting a new connection after each one ends
    (close_client() ends the current one without a stream close)."""

    def _serve(self):
        while True:
            try:
                self.conn, _ = self.sock.accept()
            except OSError:
                return
            self.full_jid, self._authed, buf = None, False, ""
            while True:
                try:
                    data = self.conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                buf = self._consume(buf + data.decode(errors="replace"))

    def close_client(self):
        self.conn.shutdown(socket.SHUT_RDWR)


def test_archive_that_never_answers_holds_messages_at_most_iq_timeout(home):
    """The archive never answers the look: after iq.timeout the
    unconfirmed message goes again, and one typed after the reconnect
    follows it at once, in order."""
    def on_iq(srv, text):
        # No round trip answered (nothing confirmed), no archive answer.
        return "urn:xmpp:ping" in text or "urn:xmpp:mam:2" in text
    srv = ReconnectingServer(on_iq=on_iq)
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable")
    b = Batch(home, "-c", "/set iq.timeout 3", "-c", "/set reconnect.auto off",
              "-c", "/connect a")
    try:
        b.wait_event("connection-state", state="online")
        b.send("/msg bob@localhost before the cut")
        wait_for(lambda: any(">before the cut<" in t for t in srv.received),
                 10, "the message to reach the server")
        srv.close_client()
        b.wait_event("connection-state", state="disconnected")
        mark = len(srv.received)
        b.send("/reconnect now")
        wait_for(lambda: len([e for e in list(b.events)
                              if e["event"] == "connection-state"
                              and e["state"] == "online"]) == 2, 10,
                 "the new session")
        b.send("/msg bob@localhost typed after")
        t0 = time.monotonic()
        wait_for(lambda: any(">typed after<" in t for t in srv.received[mark:]),
                 10, "the message typed after the reconnect")
        waited = time.monotonic() - t0
        after = srv.received[mark:]
        look = [i for i, t in enumerate(after) if "var='start'" in t
                or 'var="start"' in t]
        assert look, after                  # natter looked in the archive
        again = [i for i, t in enumerate(after) if ">before the cut<" in t]
        typed = [i for i, t in enumerate(after) if ">typed after<" in t]
        assert len(again) == 1 and look[0] < again[0] < typed[0], after
        assert 1.5 < waited < 3 + 2, waited   # held by the look, bounded
    finally:
        b.kill()
        srv.close()


def test_pending_of_a_killed_run_is_left_alone_while_another_natter_runs(
        home, prosody, make_peer):
    """Another natter shares the history (a one-shot send while the TUI
    runs): its pending messages may still be in its own outbox, so a
    natter that was not alone at start takes nothing back; the next one
    that is alone does."""
    bob = make_peer("bob")
    msg_id, = pending_then_killed(home, prosody, bob, "not yours to send")
    prosody.crash()
    prosody.restart()
    bob2 = Peer(prosody, "bob", register=False)
    other = Batch(home)
    try:
        other.send("/set iq.timeout 30")
        other.wait_event("command-result", command="set")
        b = Batch(home, "-c", "/connect a")
        try:
            b.wait_event("connection-state", state="online")
            b.send(f"/msg {bob.jid} from the second")
            b.wait_event("message-confirmed", body="from the second")
            bob2.wait("message", body="from the second")
            assert b.find("message-pending", id=msg_id) is None
            assert not received(bob2, "not yours to send")
            assert b.close() == 0, b.stderr
        finally:
            b.kill()
        assert other.close() == 0, other.stderr
        b = Batch(home, "-c", "/connect a")       # alone now
        try:
            b.wait_event("message-confirmed", 20, id=msg_id)
            bob2.wait("message", body="not yours to send")
            assert b.close() == 0, b.stderr
        finally:
            b.kill()
    finally:
        other.kill()
        bob2.close()
