# SPDX-License-Identifier: MIT
"""One-to-one chat in batch mode against Prosody and slixmpp peers
(PRODUCT §4 Messaging, issue 3)."""
import os
import re
import stat

from natterlib import Batch, login, wait_for



def test_send_reaches_peer_exactly(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    body = 'héllo "bob" <b>&amp; 日本 😀'
    b.send(f'/msg {bob.jid} {body}')
    ev = b.wait_event("message-sent", body=body)
    assert ev["to"] == bob.jid
    got = bob.wait("message", body=body)
    assert got["from"].startswith(alice + "/")
    assert "urn:xmpp:sid:0" in got["xml"] and "urn:xmpp:receipts" in got["xml"]
    assert b.close() == 0


def test_receive_and_receipt_reply(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.do("raw", xml=f"<message to='{alice}' type='chat' id='m1'><body>hi alice</body>"
                      "<request xmlns='urn:xmpp:receipts'/></message>")
    ev = b.wait_event("message-received", body="hi alice")
    assert ev["from"].startswith(bob.jid + "/")
    assert ev["id"] == "m1"
    receipt = bob.wait("stanza", xml=re.compile(r"<received[^>]*urn:xmpp:receipts"))
    assert 'id="m1"' in receipt["xml"]
    b.close()


def test_receipt_shown_for_our_message(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/msg {bob.jid} ping")
    sent = b.wait_event("message-sent", body="ping")
    got = bob.wait("message", body="ping")
    bob.do("raw", xml=f"<message to='{got['from']}'><received xmlns='urn:xmpp:receipts' id='{sent['id']}'/></message>")
    b.wait_event("receipt", id=sent["id"])
    b.close()


def test_multiline_and_long_bodies_kept(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    long_body = "x" * 10000
    lines = "\n".join(f"line {i}" for i in range(200))
    bob.send(alice, long_body)
    bob.send(alice, lines)
    assert b.wait_event("message-received", body=long_body)
    assert b.wait_event("message-received", body=lines)
    b.close()


def test_delayed_message_keeps_original_time(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.do("raw", xml=f"<message to='{alice}' type='chat'><body>old news</body>"
                      "<delay xmlns='urn:xmpp:delay' stamp='2020-01-02T03:04:05Z'/></message>")
    ev = b.wait_event("message-received", body="old news")
    assert ev["delay"].startswith("2020-01-02T03:04:05")
    assert ev["time"].startswith("2020-01-02")
    b.close()


def test_forged_carbon_ignored_and_real_carbon_shown(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    # A contact wraps a fake "sent" carbon: must be ignored.
    bob.do("raw", xml=f"<message to='{alice}'><sent xmlns='urn:xmpp:carbons:2'>"
                      "<forwarded xmlns='urn:xmpp:forward:0'>"
                      f"<message from='{alice}/x' to='eve@localhost' type='chat'><body>forged</body></message>"
                      "</forwarded></sent></message>")
    # Our own other device sends a message to bob: a real carbon arrives.
    other = make_peer_same_account(prosody, alice)
    other.send(bob.jid, "from my phone")
    ev = b.wait_event("message-sent", body="from my phone")
    assert ev["carbon"] == "yes" and ev["to"] == bob.jid
    bob.wait("message", body="from my phone")
    assert b.find("message-sent", body="forged") is None
    assert b.find("message-received", body="forged") is None
    other.close()
    b.close()


def make_peer_same_account(prosody, jid):
    from natterlib import Peer
    # The account's password is "pw" (login()); Peer registers, so reuse:
    p = Peer.__new__(Peer)
    import subprocess, threading
    from pathlib import Path
    p.jid = jid
    p.proc = subprocess.Popen(
        ["/usr/bin/python3", str(Path(__file__).parent / "peer.py"), jid + "/phone", "pw",
         str(prosody.port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, bufsize=1)
    p.events = []
    p._lock = threading.Lock()
    threading.Thread(target=p._read, daemon=True).start()
    p.wait("online", timeout=20)
    return p


def test_correction_only_from_original_sender(home, prosody, make_peer):
    bob = make_peer("bob")
    eve = make_peer("eve")
    b, alice = login(home, prosody)
    bob.do("raw", xml=f"<message to='{alice}' type='chat' id='orig'><body>meet at 5</body></message>")
    b.wait_event("message-received", body="meet at 5")
    eve.do("raw", xml=f"<message to='{alice}' type='chat' id='e1'><body>meet at 9</body>"
                      "<replace xmlns='urn:xmpp:message-correct:0' id='orig'/></message>")
    forged = b.wait_event("message-received", body="meet at 9")
    assert "corrects" not in forged
    bob.do("raw", xml=f"<message to='{alice}' type='chat' id='b2'><body>meet at 6</body>"
                      "<replace xmlns='urn:xmpp:message-correct:0' id='orig'/></message>")
    real = b.wait_event("message-received", body="meet at 6")
    assert real["corrects"] == "orig"
    b.close()


def test_send_correction(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/msg {bob.jid} teh typo")
    sent = b.wait_event("message-sent", body="teh typo")
    bob.wait("message", body="teh typo")
    # /correct acts on the window's contact; in batch there is none:
    b.send("/correct the typo")
    wait_for(lambda: "works in a chat window" in b.stderr, 5, "error")
    b.close()
    assert sent["id"]


def test_presence_and_status(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/roster add {bob.jid} Bob")
    b.wait_event("roster-item", jid=bob.jid, name="Bob")
    b.send(f"/sub request {bob.jid}")
    bob.wait("presence", type="subscribe")
    bob.do("subscribed", to=alice)
    b.wait_event("roster-item", jid=bob.jid, subscription="to")
    bob.do("presence", show="away", status="lunch")
    b.wait_event("presence", show="away", status="lunch")
    b.send(f"/status {bob.jid}")
    b.wait_event("command-output", text=re.compile(r"away, priority 0: lunch"))
    bob.do("subscribe", to=alice)                    # bob asks back
    b.wait_event("subscription-request", type="subscribe")
    b.send(f"/sub allow {bob.jid}")
    b.wait_event("roster-item", jid=bob.jid, subscription="both")
    b.send("/away brb")
    bob.wait("presence", show="away", status="brb")
    b.close()


def test_priority_keeps_show_and_status(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.do("subscribe", to=alice)
    b.wait_event("subscription-request", type="subscribe")
    b.send(f"/sub allow {bob.jid}")
    bob.wait("presence", type="subscribed")
    b.send("/away at lunch")
    bob.wait("presence", show="away", status="at lunch")
    b.send("/priority 7")
    seven = re.compile(r"<priority>7</priority>")
    bob.wait("presence", show="away", status="at lunch", xml=seven)
    b.send("/dnd in a meeting")         # and a new show keeps the priority
    bob.wait("presence", show="dnd", status="in a meeting", xml=seven)
    b.close()


def test_subscription_request_announced_and_allowed(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.do("subscribe", to=alice)
    ev = b.wait_event("subscription-request", type="subscribe")
    assert ev["from"] == bob.jid
    b.send("/sub pending")
    b.wait_event("command-output", text=re.compile(re.escape(f"/sub allow {bob.jid}")))
    b.send(f"/sub allow {bob.jid}")
    bob.wait("presence", type="subscribed")
    b.send("/sub pending")
    b.wait_event("command-output", text="no pending subscription requests")
    b.close()


def test_subscription_deny(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.do("subscribe", to=alice)
    b.wait_event("subscription-request", type="subscribe")
    b.send(f"/sub deny {bob.jid}")
    bob.wait("presence", type="unsubscribed")
    b.close()


def test_roster_remove(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/roster add {bob.jid}")
    b.wait_event("roster-item", jid=bob.jid)
    b.send(f"/roster remove {bob.jid}")
    b.wait_event("roster-item", jid=bob.jid, subscription="remove")
    b.send("/roster")
    b.wait_event("command-output", text=re.compile("roster is empty"))
    b.close()


def test_forged_roster_push_ignored(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody, extra=("--xml",))
    full = b.wait_event("connection-state", state="online")["jid"]
    bob.do("raw", xml=f"<iq to='{full}' type='set' id='evil'><query xmlns='jabber:iq:roster'>"
                      "<item jid='mallory@localhost' name='trusted'/></query></iq>")
    b.wait_event("raw-in", xml=re.compile("mallory"))
    b.send("/roster")
    b.wait_event("command-output", text=re.compile("roster is empty"))
    assert b.find("roster-item", jid="mallory@localhost") is None
    b.close()


def test_history_survives_restart_and_files_private(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.send(alice, "remember me")
    b.wait_event("message-received", body="remember me")
    b.send(f"/msg {bob.jid} i will")
    b.wait_event("message-sent", body="i will")
    db = home.data / "natter" / "history.db"
    files = {f.name for f in db.parent.glob("history.db*")}
    assert {"history.db", "history.db-wal", "history.db-shm"} <= files, files
    for f in db.parent.glob("history.db*"):          # while natter runs
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, f
    assert b.close() == 0
    import sqlite3
    rows = sqlite3.connect(db).execute("select peer, dir, body from messages order by row").fetchall()
    assert rows == [(bob.jid, 0, "remember me"), (bob.jid, 1, "i will")]


def test_burst_committed_while_running_in_batches(home, prosody, make_peer):
    # Writes are batched per network turn; every message of a burst is in
    # the database (seen by another reader) while natter still runs.
    import sqlite3
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    n = 300
    bob.proc.stdin.write("".join(
        '{"op":"send","to":"%s","body":"burst %d"}\n' % (alice, i) for i in range(n)))
    bob.proc.stdin.flush()
    b.wait_event("message-received", body=f"burst {n - 1}", timeout=30)
    db = home.data / "natter" / "history.db"

    def stored():
        c = sqlite3.connect(db)
        try:
            return c.execute("select count(*) from messages where body like 'burst %'").fetchone()[0]
        finally:
            c.close()
    wait_for(lambda: stored() == n, 5, lambda: f"{stored()} of {n} rows committed")
    bodies = [r[0] for r in sqlite3.connect(db).execute(
        "select body from messages order by row").fetchall()]
    assert bodies == [f"burst {i}" for i in range(n)]
    assert b.close() == 0


def test_corrupt_history_reported_natter_runs(home, prosody):
    db = home.data / "natter" / "history.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    b = Batch(home)
    b.wait_event("error", text=re.compile(r"history.*natter runs without history"))
    b.send("/help quit")
    b.wait_event("command-output", text=re.compile("/quit"))
    assert b.close() == 0


def test_block_unblock_blocked(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/block {bob.jid}")
    b.wait_event("info", text=f"{bob.jid} blocked")
    b.send("/blocked")
    b.wait_event("command-output", text=f"blocked: {bob.jid}")
    b.wait_event("command-result", command="blocked", status="ok")
    bob.send(alice, "can you hear me")
    bob.do("ping")
    bob.wait("pong")
    b.send(f"/unblock {bob.jid}")
    b.wait_event("info", text=f"{bob.jid} unblocked")
    bob.send(alice, "now?")
    b.wait_event("message-received", body="now?")
    assert b.find("message-received", body="can you hear me") is None
    b.send("/blocked")
    b.wait_event("command-output", text="nobody is blocked")
    assert b.close() == 0


def test_reply_goes_to_locked_resource(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody, extra=("--xml",))
    # Once natter is available (its initial presence went out after the
    # carbons answer), bob's message is delivered live, not from offline
    # storage with a delay (a delayed message locks no resource).
    b.wait_event("raw-out", xml=re.compile(r"^<presence"))
    bob.send(alice, "from my laptop")
    ev = b.wait_event("message-received", body="from my laptop")
    b.send(f"/msg {bob.jid} answer")
    raw = b.wait_event("raw-out", xml=re.compile(r"<body>answer</body>"))
    assert f'to="{ev["from"]}"' in raw["xml"], raw["xml"]      # XEP-0296
    bob.wait("message", body="answer")


def test_search_history_full_text(home, prosody, make_peer):
    bob = make_peer("bob")
    carol = make_peer("carol")
    b, alice = login(home, prosody)
    bob.send(alice, "the train tickets are booked")
    carol.send(alice, "tickets for the concert")
    bob.send(alice, "see you AND goodbye")
    b.wait_event("message-received", body="see you AND goodbye")
    b.wait_event("message-received", body="tickets for the concert")
    b.send("/search tickets")                     # console: everything
    b.wait_event("command-output", text=re.compile(r"^2 messages with 'tickets'"))
    b.wait_event("command-output", text=re.compile(
        rf"^\[[12]\] \d{{4}}-\d\d-\d\d \d\d:\d\d {bob.jid} <{bob.jid}> the train tickets are booked$"))
    b.wait_event("command-output", text=re.compile(rf"^\[[12]\] .* {carol.jid} <{carol.jid}> tickets for the concert$"))
    b.send(f"/win {bob.jid}")                    # a conversation: only it
    b.send("/search tickets")
    b.wait_event("command-output", text=re.compile(r"^1 message with 'tickets'"))
    b.send("/search AND")                        # FTS syntax is plain text
    b.wait_event("command-output", text=re.compile(r"^\[1\] .*see you AND goodbye$"))
    b.send("/search -a concert tickets")         # every word, any order
    b.wait_event("command-output", text=re.compile(r"^1 message with 'concert tickets'"))
    b.send("/search nowhere-to-be-found")
    b.wait_event("command-output", text=re.compile(r"^no message contains 'nowhere-to-be-found'"))
    assert b.close() == 0


def test_search_indexes_history_written_before_the_index_existed(home, prosody):
    import sqlite3
    db = home.data / "natter" / "history.db"
    db.parent.mkdir(parents=True)
    c = sqlite3.connect(db)
    c.executescript("""
        CREATE TABLE messages (row INTEGER PRIMARY KEY, account TEXT NOT NULL,
          peer TEXT NOT NULL, resource TEXT, dir INTEGER NOT NULL, type TEXT,
          body TEXT NOT NULL, time INTEGER NOT NULL, id TEXT, origin_id TEXT,
          stanza_id TEXT, encryption TEXT, corrects TEXT);
        INSERT INTO messages (account, peer, dir, type, body, time)
          VALUES ('a', 'old@localhost', 0, 'chat', 'an ancient message', 1000000);
    """)
    c.commit()
    c.close()
    b = Batch(home)
    b.send("/search ancient")
    b.wait_event("command-output", text=re.compile(r"^\[1\] \d{4}-.* old@localhost <old@localhost> an ancient message$"))
    assert b.close() == 0
