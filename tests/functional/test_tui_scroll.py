# SPDX-License-Identifier: MIT
"""Scrolling, wrapping and the status bar of the real TUI at 80x24
(issue 15: long output reachable, words not cut, current window shown)."""
import re
import subprocess


from natterlib import NATTER, Tui, wait_for



def main_rows(t):
    """The rows of the main window (between title and status bar)."""
    return t.screen().splitlines()[1:-2]


def help_text(home):
    """/help as batch mode prints it: its lines, and the commands listed."""
    out = subprocess.run([NATTER, "--batch"], input="/help\n", env=home.env,
                         capture_output=True, text=True, timeout=20).stdout
    text = re.search(r'command-output text="(.*)"', out).group(1)
    text = re.sub(r'\\(.)', r'\1', text)         # batch escapes \" and \\
    lines = text.split("^J")
    return lines, [m.group(1) for m in
                   (re.match(r"\s+(/[a-z]+)\s", ln) for ln in lines) if m]


def page_until_changed(t, key, before):
    t.keys(key)
    return wait_for(lambda: (lambda s: s if s != before else None)(main_rows(t)),
                    5, f"{key} to change the page; screen:\n{t.screen()}")


def test_help_scrolls_to_its_first_line_and_pages_reach_every_command(home, tui_factory):
    lines, commands = help_text(home)
    assert len(commands) > 40, lines
    t = tui_factory(width=80, height=24)
    t.wait_screen(r"/help lists the commands")
    t.command("/clear")                  # /help's first line is the first
    wait_for(lambda: "/help lists" not in t.screen(), 5, "the console cleared")
    t.command("/help")
    t.wait_screen(r"searches history")
    for _ in range(15):                  # far more pages than /help has
        t.keys("PageUp")
    first = lines[0][:30]
    wait_for(lambda: first in main_rows(t)[0], 5,
             lambda: f"{first!r} on the first row; screen:\n{t.screen()}")
    top = main_rows(t)
    assert all(row.strip() for row in top), "no blank rows at the top:\n" + "\n".join(top)
    seen = set()
    page = top
    while True:
        seen.update(m.group(1) for m in (re.match(r"\s+(/[a-z]+)\s", r) for r in page) if m)
        if "scrolled back" not in t.screen().splitlines()[0]:
            break
        page = page_until_changed(t, "PageDown", page)
    missing = [c for c in commands if c not in seen]
    assert not missing, f"never shown while paging down: {missing}"


def test_chat_page_up_past_the_start_shows_first_line_at_top(home, prosody, make_peer):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a", width=80, height=24)
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        bob = make_peer("bob")
        for i in range(1, 31):
            body = f"msg {i:02d}" + (" and a long tail of words" * 4 if i % 3 == 0 else "")
            bob.send(jid, body)
        t.wait_screen(r"\[2:bob@localhost")
        t.keys("M-2")
        t.wait_screen(r"<bob@localhost> msg 30")
        for _ in range(10):
            t.keys("PageUp")
        wait_for(lambda: "msg 01" in main_rows(t)[0], 5,
                 lambda: f"msg 01 on the first row; screen:\n{t.screen()}")
        assert "msg 02" in "\n".join(main_rows(t))   # a full page, not one line
    finally:
        t.close()


def test_wrapped_rows_break_between_words(home, tui_factory):
    lines, _ = help_text(home)
    words = {w for ln in lines for w in ln.split()}
    t = tui_factory(width=80, height=24)
    t.wait_screen(r"/help lists the commands")
    t.command("/clear")
    wait_for(lambda: "/help lists" not in t.screen(), 5, "the console cleared")
    t.command("/help")
    t.wait_screen(r"searches history")
    for _ in range(15):
        t.keys("PageUp")
    wait_for(lambda: lines[0][:30] in main_rows(t)[0], 5, "the top of /help")
    page, shown = main_rows(t), []
    while True:
        shown += page
        if "scrolled back" not in t.screen().splitlines()[0]:
            break
        page = page_until_changed(t, "PageDown", page)
    cut = [(w, row) for row in shown for w in row.split()
           if w not in words and not re.fullmatch(r"\d\d:\d\d(:\d\d)?", w)]
    assert not cut, f"words cut by the wrap: {cut[:5]}"


def test_status_bar_always_shows_the_current_window(home, prosody, make_peer):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a", width=80, height=24)
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        names = [f"{n}-rather-long-contact@localhost" for n in ("first", "second", "third")]
        for name in names:
            t.command(f"/msg {name}")
            t.wait_screen(r"^ natter \S+ - " + re.escape(name))
        bob = make_peer("bob")
        bob.send(jid, "a private message")          # window 5, level '!'
        status = lambda: t.screen().splitlines()[-2]
        wait_for(lambda: "!" in status(), 10, lambda: f"activity; status: {status()}")
        for key, n in (("M-2", 2), ("M-3", 3), ("M-4", 4), ("M-1", 1)):
            t.keys(key)
            wait_for(lambda: re.search(rf"\[{n}:[^\]]*<\]", status()), 5,
                     lambda: f"window {n} shown as current; status: {status()}")
            s = status()
            assert len(s.rstrip()) <= 80
            shown = [(i, name) for i, name in re.findall(r"\[(\d+):([^\]]*)\]", s)
                     if not re.fullmatch(r"\d\d(:\d\d)?", name)]   # not the clock
            more = re.search(r"\[\+(\d+)([+*!]?)\]", s)
            assert more, f"five long windows overflow 80 columns: {s}"
            assert len(shown) + int(more.group(1)) == 5, s
            if "5" not in [i for i, _ in shown]:
                assert more.group(2) == "!", f"the marker carries the mention it hides: {s}"
    finally:
        t.close()


def test_page_scrolled_back_stays_still_while_messages_arrive(home, prosody, make_peer):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a", width=80, height=24)
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        bob = make_peer("bob")
        for i in range(1, 41):
            bob.send(jid, f"msg {i:02d}" + (" with a tail of words" * 5 if i % 4 == 0 else ""))
        t.wait_screen(r"\[2:bob@localhost")
        t.keys("M-2")
        t.wait_screen(r"<bob@localhost> msg 40")
        t.keys("PageUp")
        t.wait_screen(r"scrolled back")
        page = main_rows(t)
        for i in range(41, 46):        # raw, to keep the order with the state
            body = f"msg {i:02d}" + " and a long wrapped tail" * 4
            bob.do("raw", xml=f"<message to='{jid}' type='chat'><body>{body}</body></message>")
        # The same sender's chat state comes after them: once the title
        # says typing, they have all been added.
        bob.do("raw", xml=f"<message to='{jid}' type='chat'><composing "
                          "xmlns='http://jabber.org/protocol/chatstates'/></message>")
        t.wait_screen(r"^ natter .* - typing")
        assert main_rows(t) == page
        for _ in range(10):
            t.keys("PageDown")
        t.wait_screen(r"<bob@localhost> msg 45")
        wait_for(lambda: "scrolled back" not in t.screen(), 5, "back at the newest line")
    finally:
        t.close()


def test_page_up_reaches_the_first_of_many_stored_messages_beyond_the_lines_held(home):
    """Issue 21: a window holds ui.scrollback lines, but paging up reads the
    older ones back from history, in order and without a gap or a repeat,
    down to the very first message."""
    from fakeserver import FakeServer
    n = 3000
    rc = home.config / "natter" / "natterrc"
    rc.parent.mkdir(exist_ok=True)
    rc.write_text("[ui]\nscrollback=100\n")
    srv = FakeServer()
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    t = Tui(home, "-a", "a", "-c", "/msg bob@localhost", width=80, height=60)
    try:
        t.wait_screen(r"natter \S+ - bob@localhost")
        for start in range(0, n, 500):
            srv.send("".join(f"<message from='bob@localhost/x' type='chat' id='m{i}'>"
                             f"<body>msg {i:05d}</body></message>"
                             for i in range(start, start + 500)))
        t.wait_screen(rf"msg {n - 1:05d}")
        seen = set()
        page = main_rows(t)
        for _ in range(200):
            nums = [int(m.group(1)) for m in (re.search(r"msg (\d{5})", r) for r in page) if m]
            assert nums == list(range(nums[0], nums[0] + len(nums))), page
            seen.update(nums)
            if nums[0] == 0:
                break
            page = page_until_changed(t, "PageUp", page)
        assert seen == set(range(n)), f"never shown: {sorted(set(range(n)) - seen)[:10]}"
        while "scrolled back" in t.screen().splitlines()[0]:
            page = page_until_changed(t, "PageDown", page)
        assert f"msg {n - 1:05d}" in "\n".join(main_rows(t))
    finally:
        t.close()
        srv.close()
