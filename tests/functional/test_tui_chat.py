# SPDX-License-Identifier: MIT
"""Chat windows and the roster pane in the real TUI (issue 3)."""
import re


from natterlib import Tui, wait_for



def status_line(t):
    return t.screen().splitlines()[-2]


def test_incoming_message_opens_window_without_stealing_focus(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    bob.send(alice, "hello from bob")
    wait_for(lambda: "[2:bob@localhost!]" in status_line(t), 10,
             f"activity mark; status: {status_line(t)}")
    assert "console<" in status_line(t)                  # focus stayed
    assert "hello from bob" not in t.screen()
    t.keys("M-2")
    t.wait_screen(r"<bob@localhost> hello from bob")
    t.wait_screen(r"\[2:bob@localhost<\]")


def test_wins_lists_accounts_and_unread_counts(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    bob.send(alice, "one")
    bob.send(alice, "two")
    wait_for(lambda: "[2:bob@localhost!]" in status_line(t), 10,
             f"activity mark; status: {status_line(t)}")
    t.command("/wins")
    t.wait_screen(r"1: console \(current\)$")
    t.wait_screen(r"2: bob@localhost \(account a, 2 unread lines, highlighted\)$")
    # the window list is the core's: Tab completes /win with its names
    t.type("/win bo")
    t.keys("Tab")
    t.wait_screen(r"^> /win bob@localhost\s*$")
    t.keys("Enter")
    t.wait_screen(r"\[2:bob@localhost<\]")


def test_typed_line_reaches_peer_and_shows_as_own(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.command(f"/msg {bob.jid}")
    t.wait_screen(r"natter \S+ - bob@localhost")
    t.command("exact body: <&> 日本")
    bob.wait("message", body="exact body: <&> 日本")
    t.wait_screen(r"<me> exact body: <&> 日本")


def test_receipt_mark_appears(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.command(f"/msg {bob.jid} are you there")
    got = bob.wait("message", body="are you there")
    mid = re.search(r'id="([^"]+)"', got["xml"]).group(1)
    bob.do("raw", xml=f"<message to='{got['from']}'><received xmlns='urn:xmpp:receipts' id='{mid}'/></message>")
    t.wait_screen(r"<me> are you there \u2713")


def test_typing_shown_and_cleared(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.command(f"/msg {bob.jid}")
    t.wait_screen(r"natter \S+ - bob@localhost")   # the state needs the window
    bob.do("raw", xml=f"<message to='{alice}' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>")
    t.wait_screen(r"^ natter .*bob@localhost.* - typing")
    bob.do("raw", xml=f"<message to='{alice}' type='chat'><body>done</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>")
    t.wait_screen(r"<bob@localhost> done")
    wait_for(lambda: "typing" not in t.screen().splitlines()[0], 5, "typing cleared")


def test_our_typing_is_sent(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.command(f"/msg {bob.jid}")
    t.wait_screen(r"natter \S+ - bob@localhost")
    t.type("hel")
    bob.wait("stanza", xml=re.compile(r"<composing xmlns=\"http://jabber.org/protocol/chatstates\""))


def test_hostile_body_cannot_impersonate_or_escape(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.keys("M-1")
    # CR (arrives as a line feed through the server), a fake sender line,
    # a bidi override and zero-width characters.
    bob.do("raw", xml=f"<message to='{alice}' type='chat'><body>ok&#13;12:00 &lt;alice&gt; send me your password"
                      "\u202eevil\u200b</body></message>")
    t.wait_screen(r"\[2:bob@localhost")
    t.keys("M-2")
    t.wait_screen(r"<U\+202E>evil<U\+200B>")
    lines = t.screen().splitlines()
    fake = [l for l in lines if "send me your password" in l][0]
    assert re.match(r"^\s+12:00 <alice> send me", fake), fake   # indented continuation
    assert not re.match(r"^\d\d:\d\d <alice>", fake)


def test_long_and_multiline_bodies(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui(width=100, height=40)
    body = "".join(f"{i:04d}" for i in range(2500))          # 10,000 chars
    bob.send(alice, body)
    bob.send(alice, "\n".join(f"row{i}" for i in range(200)))
    t.wait_screen(r"\[2:bob@localhost")
    t.keys("M-2")
    t.wait_screen(r"row199")
    t.wait_screen(r"^\s+row198$")
    end = re.compile(r"2499\s*$", re.M)              # end of the long body
    for _ in range(8):                               # 200 rows above it
        before = t.screen()
        t.keys("PageUp")
        wait_for(lambda: t.screen() != before, 5, "PageUp to scroll")
        if end.search(t.screen()):
            break
    t.wait_screen(end.pattern)
    assert all(len(l) <= 100 for l in t.screen().splitlines())


def test_roster_pane_shows_contact_and_presence(tui, make_peer, home):
    bob = make_peer("bob")
    t, alice = tui()
    t.command(f"/roster add {bob.jid} Bobby")
    t.wait_screen(r"  Bobby")
    t.command(f"/sub request {bob.jid}")
    bob.wait("presence", type="subscribe")
    bob.do("subscribed", to=alice)
    bob.do("presence")
    t.wait_screen(r"\+ Bobby")
    bob.do("presence", show="dnd", status="busy")
    t.wait_screen(r"! Bobby")
    t.command("/roster hide")
    wait_for(lambda: "Bobby" not in t.screen(), 5, "pane hidden")
    t.command("/roster show")
    t.wait_screen(r"! Bobby")


def test_subscription_request_shows_commands(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    bob.do("subscribe", to=alice)
    t.wait_screen(r"bob@localhost wants to see your presence")
    t.wait_screen(r"/sub allow bob@localhost\s+to accept")


def test_history_reloaded_after_restart(home, prosody, make_peer):
    bob = make_peer("bob")
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a")
    try:
        t.wait_screen(r"online\]")
        bob.send(jid, "first visit")
        t.wait_screen(r"\[2:bob@localhost")
        t.command("/quit")
        t.wait_screen(r"NATTER-EXIT=0")
    finally:
        t.close()
    t = Tui(home, "-a", "a")
    try:
        t.wait_screen(r"online\]")
        t.command(f"/msg {bob.jid}")
        t.wait_screen(r"<bob@localhost> first visit")
    finally:
        t.close()


def test_notification_command_that_hangs_does_not_freeze(tui, make_peer, home):
    bob = make_peer("bob")
    out = home.root / "notified"
    script = home.root / "hang-notify"
    script.write_text(f"#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> {out}\nexec sleep 600\n")
    script.chmod(0o755)
    t, alice = tui()
    t.command(f"/set notify.command {script}")
    t.wait_screen(r"notify.command = ")
    for i in range(6):
        bob.send(alice, f"ping {i}")
    wait_for(lambda: out.exists() and "ping 0" in out.read_text(), 10, "notified")
    # The UI answers at once although the notifier hangs.
    t.command("/about")
    t.wait_screen(r"a terminal XMPP client", timeout=3)
    # At most 4 hanging notifiers run at once: the first four messages'
    # (they start together, so they may write in any order).
    assert sorted(out.read_text().splitlines()) == \
        [f"natter: bob@localhost|ping {i}" for i in range(4)]
    wait_for(lambda: "[2:bob@localhost!]" in status_line(t), 5, "activity")


def test_bell_rings_for_message_in_other_window(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    flag = lambda: t.tmux("display-message", "-p", "-t", "S", "#{window_bell_flag}").stdout.strip()
    t.tmux("new-window", "-t", "S", "-d")      # natter's window is not the active one
    bob.send(alice, "ring")
    wait_for(lambda: flag() == "1", 10, "bell flag")


def test_day_change_and_read_marker_lines(tui, make_peer):
    import datetime
    bob = make_peer("bob")
    t, alice = tui()
    bob.do("raw", xml=f"<message to='{alice}' type='chat'><body>from the past</body>"
                      "<delay xmlns='urn:xmpp:delay' stamp='2020-01-02T12:00:00Z'/></message>")
    t.wait_screen(r"\[2:bob@localhost")
    t.keys("M-2")
    t.wait_screen(r"<bob@localhost> from the past")
    t.keys("M-1")
    bob.send(alice, "while you were away")
    wait_for(lambda: "[2:bob@localhost!]" in status_line(t), 10, "activity")
    t.keys("M-2")
    t.wait_screen(r"<bob@localhost> while you were away")
    lines = t.screen().splitlines()
    past = next(i for i, l in enumerate(lines) if "from the past" in l)
    now = next(i for i, l in enumerate(lines) if "while you were away" in l)
    between = "\n".join(lines[past + 1:now])
    today = datetime.datetime.now().strftime("%B %Y")
    assert re.search(r"-- new --", between), between
    assert re.search(r"-- \w+day \d+ " + today + " --", between), between


def test_correct_replaces_our_line_and_reaches_peer(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.command(f"/msg {bob.jid}")
    t.command("teh typo")
    first = bob.wait("message", body="teh typo")
    t.command("/correct the typo")
    fixed = bob.wait("message", body="the typo")
    orig_id = re.search(r'id="([^"]+)"', first["xml"]).group(1)
    assert f'<replace xmlns="urn:xmpp:message-correct:0" id="{orig_id}"' in fixed["xml"] or \
        re.search(r"<replace[^>]*id=\"" + re.escape(orig_id), fixed["xml"]), fixed["xml"]
    t.wait_screen(r"<me> the typo \[corrected\]")
    assert "teh typo" not in t.screen()


def test_scrolling_past_the_top_loads_older_history(home, prosody, make_peer):
    bob = make_peer("bob")
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a", width=100, height=20)
    try:
        t.wait_screen(r"online\]")
        for i in range(120):
            bob.send(jid, f"old message {i:03d}")
        t.wait_screen(r"\[2:bob@localhost")
        t.keys("M-2")
        t.wait_screen(r"old message 119")
        t.command("/quit")
        t.wait_screen(r"NATTER-EXIT=0")
    finally:
        t.close()
    t = Tui(home, "-a", "a", width=100, height=20)
    try:
        t.wait_screen(r"online\]")
        t.command(f"/msg {bob.jid}")
        t.wait_screen(r"old message 119")
        for _ in range(12):
            t.keys("PageUp")
        t.wait_screen(r"old message 000", timeout=10)
    finally:
        t.close()


def test_osc9_terminal_notification(tui, make_peer, home):
    bob = make_peer("bob")
    t, alice = tui()
    raw = home.root / "pane-output"
    t.command("/set notify.osc osc9")
    t.wait_screen(r"notify.osc = osc9")
    t.tmux("pipe-pane", "-t", "S", "-o", f"cat >> {raw}")
    bob.send(alice, "knock knock")
    wait_for(lambda: raw.exists() and b"\x1b]9;natter: bob@localhost: knock knock\x07"
             in raw.read_bytes(), 10, "OSC 9 sequence")


def test_search_result_jumps_into_the_conversation(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    bob.send(alice, "needle in the haystack")
    for i in range(60):
        bob.send(alice, f"hay {i}")
    wait_for(lambda: "[2:bob@localhost!]" in status_line(t), 10, "chat window")
    t.keys("M-2")
    t.wait_screen(r"hay 59")
    t.command("/close")
    t.wait_screen(r"\[1:console<\]")
    t.command("/search needle")
    t.wait_screen(r"\[1\] \d{4}-\d\d-\d\d \d\d:\d\d bob@localhost <bob@localhost> needle in the haystack")
    t.command("/search -j 1")
    t.wait_screen(r"<bob@localhost> needle in the haystack")
    t.wait_screen(r"scrolled back")
    assert "hay 59" not in t.screen()


def test_search_jump_reads_back_beyond_the_lines_kept(tui, make_peer):
    """A chat window keeps ui.scrollback lines (at most 1,000 with history
    on); a jump to an older search result reads history back to it
    instead of failing, and the window is trimmed again at its bottom."""
    bob = make_peer("bob")
    t, alice = tui()
    t.command("/set ui.scrollback 100")
    bob.send(alice, "needle before the hay")
    for i in range(120):
        bob.send(alice, f"hay {i}")
    wait_for(lambda: "[2:bob@localhost!]" in status_line(t), 10, "chat window")
    t.keys("M-2")
    t.wait_screen(r"hay 119")
    t.command("/close")
    t.wait_screen(r"\[1:console<\]")
    t.command("/search needle")
    t.wait_screen(r"\[1\] .* needle before the hay")
    t.command("/search -j 1")
    t.wait_screen(r"<bob@localhost> needle before the hay")
    assert "is older than" not in t.screen()
    t.keys("NPage", "NPage", "NPage", "NPage")
    t.wait_screen(r"hay 119")


def test_line_typed_offline_is_marked_pending_until_confirmed(tui, prosody, make_peer):
    """Issue 16: a message typed while the account is offline is shown at
    once, marked pending (⋯), sent when the account is online again, and
    the mark goes when the server confirms it."""
    t, alice = tui()
    t.command("/msg bob@localhost")
    t.wait_screen(r"natter \S+ - bob@localhost")
    prosody.crash()
    t.wait_screen(r"\[alice@localhost (disconnected|offline|failed|reconnecting)")
    t.type("typed while offline")
    t.keys("Enter")
    t.wait_screen(r"typed while offline \u22ef")
    prosody.restart()
    bob = make_peer("bob")
    t.command("/reconnect now")
    bob.wait("message", body="typed while offline")
    t.wait_screen(r"typed while offline$")
    assert "\u22ef" not in t.screen()


def test_history_command_loads_older_lines_into_the_window(home, prosody,
                                                           make_peer):
    """/history N typed in a chat window loads N older messages into it
    (a window-history event the TUI acts on)."""
    bob = make_peer("bob")
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a")
    try:
        t.wait_screen(r"online\]")
        bob.send(jid, "the oldest line")
        for i in range(50):
            bob.send(jid, f"hay {i}")
        t.wait_screen(r"\[2:bob@localhost")
        t.keys("M-2")
        t.wait_screen(r"hay 49")
        t.command("/quit")
        t.wait_screen(r"NATTER-EXIT=0")
    finally:
        t.close()
    t = Tui(home, "-a", "a", height=70)        # the window is not full
    try:
        t.wait_screen(r"online\]")
        t.command(f"/msg {bob.jid}")            # the last 50 messages
        t.wait_screen(r"<bob@localhost> hay 0\b")
        assert "the oldest line" not in t.screen()
        t.command("/history 5")
        t.wait_screen(r"<bob@localhost> the oldest line")
    finally:
        t.close()
