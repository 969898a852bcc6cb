# SPDX-License-Identifier: MIT
"""The real TUI in tmux: what is on the screen (PRODUCT §3)."""
import os
import re
import shutil
import subprocess

import pytest

from natterlib import SANITIZED, wait_for



def test_first_start_shows_how_to_begin_and_help_lists_commands(tui_factory):
    t = tui_factory(width=120, height=100)   # /help lists them all
    t.wait_screen(r"No account yet")
    t.wait_screen(r"/connect you@example.org")
    t.command("/help")
    for cmd in ("/about", "/account", "/connect", "/disconnect", "/quit",
                "/set", "/tls", "/win", "/wins", "/close", "/clear"):
        t.wait_screen(re.escape(cmd) + r"\s")
    t.wait_screen(r"\[1:console")


def test_connects_and_status_bar_shows_online(home, prosody, tui_factory):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = tui_factory("-a", "a")
    t.wait_screen(r"a: online as alice@localhost/")
    status = t.wait_screen(r"\[alice@localhost online\]")
    assert status
    lines = t.screen().splitlines()
    assert "alice@localhost online" in lines[-2]   # the status bar row


def test_certificate_prompt_in_tui_then_trust(home, prosody, tui_factory):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    t = tui_factory("-a", "a")
    t.wait_screen(r"could not be verified")
    t.wait_screen(r"SHA-256:")
    t.command("/tls trust")
    t.wait_screen(r"\[alice@localhost online\]")


def test_masked_password_prompt(home, prosody, tui_factory):
    jid = prosody.register("alice", "Secret-Typed")
    home.add_account("a", jid, None, port=prosody.port)
    home.trust(prosody.fingerprint())
    t = tui_factory()
    t.command("/connect a")
    t.wait_screen(r"Password for alice@localhost:")
    t.type("Secret-Typed")
    t.wait_screen(r"Password for alice@localhost: \*{12}")
    assert "Secret-Typed" not in t.screen()
    t.keys("Enter")
    t.wait_screen(r"\[alice@localhost online\]")
    assert "Secret-Typed" not in t.screen()
    assert "Secret-Typed" not in home.log()


def test_resize_keeps_screen_intact(tui_factory):
    t = tui_factory(width=100, height=30)
    t.wait_screen(r"No account yet")
    t.command("/help connect")
    t.wait_screen(r"Example")
    t.resize(60, 15)
    wait_for(lambda: len(t.screen().splitlines()) <= 15, 5, "resize")
    t.wait_screen(r"\[1:console")
    lines = t.screen().splitlines()
    assert len(lines) == 15
    assert lines[0].startswith(" natter")
    assert "[1:console" in lines[-2]
    assert "/connect work server 127.0.0.1 port 5223" in t.screen()
    assert lines[-1].startswith(">")
    assert all(len(l) <= 60 for l in lines)
    t.resize(120, 40)
    wait_for(lambda: len(t.screen().splitlines()) == 40 and
             "[1:console" in t.screen().splitlines()[-2], 5, "grow")
    lines = t.screen().splitlines()
    assert lines[0].startswith(" natter") and lines[-1].startswith(">")


def test_wide_characters_in_output_and_input(tui_factory):
    t = tui_factory(width=80, height=20)
    t.wait_screen(r"No account yet")
    t.type("/set ui.time_format 日本語😀")
    t.wait_screen(r"> /set ui.time_format 日本語😀")
    t.keys("Enter")
    t.wait_screen(r"日本語😀 ui.time_format = 日本語😀 \(changed\)")


def test_completion_and_history(tui_factory):
    t = tui_factory()
    t.wait_screen(r"No account yet")
    t.type("/discon")      # /disc is also /disco
    t.keys("Tab")
    t.wait_screen(r"> /disconnect\s*$")
    t.keys("C-u")
    t.command("/about")
    t.wait_screen(r"natter \d+\.\d+\.\d+, a terminal XMPP client")
    t.keys("Up")
    t.wait_screen(r"> /about$")


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
@pytest.mark.skipif(SANITIZED, reason="LeakSanitizer does not run under strace")
def test_a_frame_goes_out_in_one_write(tui_factory, home, monkeypatch):
    # ncurses 6.4 wrote a frame one cursor movement at a time (a write()
    # per changed line) until the screen had been suspended once; natter
    # does that at start, so a frame is one write() (PRODUCT 12: CPU).
    import natterlib
    writes, frames = home.root / "writes", home.root / "frames"
    monkeypatch.setattr(natterlib, "NATTER",
                        f"NATTER_BENCH_TRACE={frames} strace -o {writes} "
                        f"-e trace=write -e signal=none {natterlib.NATTER}")
    t = tui_factory()
    t.wait_screen(r"No account yet")
    for i in range(3):
        t.command("/help")              # a screenful of new lines
        wait_for(lambda: frames.read_text().count(" frame ") >= 2 + i, 5,
                 "a frame")
    t.command("/quit")
    t.wait_screen("NATTER-EXIT=0")
    n_frames = frames.read_text().count(" frame ")
    to_terminal = [line for line in writes.read_text().splitlines()
                   if line.startswith("write(1,")]
    # one write per frame; the rest: start and end of the screen, the
    # terminal title, the input line echoing each typed command (about
    # 10 here); each /help frame alone took some 40 writes before
    assert n_frames >= 4
    assert len(to_terminal) <= n_frames + 16, (n_frames, len(to_terminal))


def test_a_burst_scrolls_by_at_25_frames_a_second(tui_factory, home, monkeypatch):
    # Frames for what the network brings are rationed: 8 in a row, then
    # one per 40 ms (PRODUCT 12: CPU in a burst); one per read before.
    from fakeserver import FakeServer
    import time
    frames = home.root / "frames"
    monkeypatch.setenv("NATTER_BENCH_TRACE", str(frames))
    srv = FakeServer()
    try:
        home.add_account("a", "alice@localhost", "pw", port=srv.port,
                         tls="disable")
        t = tui_factory("-a", "a")
        t.wait_screen(r"\[alice@localhost online\]")
        time.sleep(0.3)                 # the login's frames are spent
        before = frames.read_text().count(" frame ")
        start = time.monotonic()
        for i in range(60):             # a read every 10 ms for 0.6 s
            srv.send("".join(f"<message from='bob@localhost/x' to='alice@localhost/"
                             f"fake' type='chat' id='b{i}-{k}'><body>burst {i} {k}"
                             f"</body></message>" for k in range(5)))
            time.sleep(0.01)
        took = time.monotonic() - start
        t.wait_screen(r"\[2:bob@localhost")      # the chat window's tab
        during = [line for line in frames.read_text().splitlines()
                  if " frame " in line][before:]
        assert len(during) >= 3
        assert len(during) <= 8 + took / 0.040 + 4, (len(during), took)
    finally:
        srv.close()


def test_alt_p_searches_input_history(tui_factory):
    # readline's non-incremental search (Alt-p) calls its own
    # history_search(); natter once defined a function of that name, which
    # took the call and crashed natter (lint: check-symbols.sh).
    t = tui_factory()
    t.wait_screen(r"No account yet")
    t.command("/about")
    t.wait_screen(r"natter \d+\.\d+\.\d+, a terminal XMPP client")
    t.command("/help")
    t.wait_screen(r"Keys: Alt-1")
    t.keys("M-p")
    t.type("abo")
    t.keys("Enter")
    t.wait_screen(r"> /about$")
    assert "NATTER-EXIT" not in t.screen()
    before = t.screen().count("a terminal XMPP client")  # /help scrolled it
    t.keys("Enter")                     # the line found runs
    wait_for(lambda: t.screen().count("a terminal XMPP client") > before, 5,
             "/about to run again")


def test_history_keeps_out_a_join_password(tui_factory):
    t = tui_factory()
    t.wait_screen(r"No account yet")
    t.command("/join plainroom nick ann")          # no secret: kept
    t.wait_screen(r"which account\?")            # refused: no account
    t.command("/join lockedroom password hunter2")
    wait_for(lambda: t.screen().count("which account?") >= 2, 5,
             "second /join refused")
    t.keys("Up")
    t.wait_screen(r"> /join plainroom nick ann$")
    assert "hunter2" not in t.screen()
    t.keys("Up")                                    # nothing older
    t.wait_screen(r"> /join plainroom nick ann$")
    assert "hunter2" not in t.screen()


def test_pageup_scrolls_back(tui_factory):
    t = tui_factory(width=80, height=12)
    t.wait_screen(r"No account yet")
    t.command("/help")
    t.wait_screen(r"Keys: Alt")
    assert "natter 0.1" not in "\n".join(t.screen().splitlines()[1:-2])
    for _ in range(30):          # /help is many rows; stops at the top
        t.keys("PageUp")
    t.wait_screen(r"scrolled back")
    t.wait_screen(r"natter \d+\.\d+\.\d+\. /help lists")
    for _ in range(30):
        t.keys("PageDown")
    wait_for(lambda: "scrolled back" not in t.screen(), 5, "scroll to bottom")


def _stty(t):
    pid = t.pid()
    tty = os.readlink(f"/proc/{pid}/fd/0")
    return subprocess.run(["stty", "-a", "-F", tty], capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("how", ["quit", "ctrl-c"])
def test_quit_and_ctrl_c_restore_the_terminal(tui_factory, how):
    t = tui_factory()
    t.wait_screen(r"No account yet")
    before_natter = None
    if how == "quit":
        t.command("/quit")
    else:
        t.keys("C-c")
    t.wait_screen(r"NATTER-EXIT=0")
    # Back to a sane cooked terminal: echo and canonical mode on.
    flags = _stty(t)
    assert re.search(r"(?<!-)icanon", flags)
    assert re.search(r"(?<!-)echo\b", flags)
    assert "No account yet" not in t.screen()   # alternate screen left
    assert before_natter is None


def test_terminal_title_shows_window(tui_factory):
    t = tui_factory()
    t.wait_screen(r"No account yet")
    title = lambda: t.tmux("display-message", "-p", "-t", "S", "#{pane_title}").stdout.strip()
    wait_for(lambda: title() == "natter: console", 5, f"title, got {title()!r}")
    t.command("/set ui.title off")
    t.wait_screen(r"ui.title = off")


def test_alt_j_jumps_to_any_window(tui_factory):
    t = tui_factory()
    t.wait_screen(r"No account yet")
    t.command("/xmlconsole")
    t.wait_screen(r"\[2:xmlconsole<\]")
    t.keys("M-j")
    t.wait_screen(r"^go to window:\s*$")
    t.keys("1")
    t.wait_screen(r"^go to window: 1$")
    t.keys("Enter")
    t.wait_screen(r"\[1:console<\]")
    t.keys("M-j", "0", "2")                 # two digits jump at once
    t.wait_screen(r"\[2:xmlconsole<\]")
    t.keys("M-j", "x")                      # anything else cancels
    t.wait_screen(r"^>\s*$")
    assert "[2:xmlconsole<]" in t.screen()


BUNDLED_THEMES = ["contrast", "default", "light", "mono", "solarized"]


def test_theme_list_load_show_and_every_bundled_theme_is_valid(tui_factory, home):
    t = tui_factory(width=120, height=50)
    t.wait_screen(r"No account yet")
    t.command("/theme list")
    t.wait_screen(r"^\d\d:\d\d default  \(in use\)$")
    for name in BUNDLED_THEMES:
        t.wait_screen(rf"^\d\d:\d\d {name}")
    for name in BUNDLED_THEMES:
        t.command(f"/theme load {name}")
        t.wait_screen(rf"theme {name} loaded")
    assert "is not a colour" not in t.screen()
    t.command("/clear")
    t.command("/theme load mono")
    t.wait_screen(r"theme mono loaded")
    # mono: attributes only, no colour in the title bar.
    title = t.screen(escapes=True).splitlines()[0]
    assert "\x1b[7m" in title or "\x1b[1;7m" in title or re.search(r"\x1b\[[0-9;]*7[;m]", title), title
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]", title), title
    t.command("/theme show")
    t.wait_screen(r"^\d\d:\d\d   title\s+reverse bold$")
    t.command("/theme load no-such-theme")
    t.wait_screen(r"theme 'no-such-theme' not found")
    t.command("/theme show")
    t.wait_screen(r"theme mono:")
    assert "[ui]\ntheme=mono" in (home.config / "natter" / "natterrc").read_text().replace(" ", "")


def test_bad_theme_value_reported_with_file_and_line(tui_factory, home):
    d = home.config / "natter" / "themes"
    d.mkdir(parents=True)
    (d / "broken.theme").write_text("[colours]\ntext=default\nerror=purplish bold\n")
    t = tui_factory()
    t.wait_screen(r"No account yet")
    t.command("/theme load broken")
    t.wait_screen(r"broken\.theme:3: 'purplish' is not a colour or attribute")
    t.wait_screen(r"theme broken loaded")
