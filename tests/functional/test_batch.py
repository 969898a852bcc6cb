# SPDX-License-Identifier: MIT
"""Batch mode's input and output (PRODUCT §9): over-long lines, shared
non-blocking descriptors."""
import fcntl
import os
import re
import socket
import struct
import subprocess
import termios

from natterlib import NATTER, login, wait_for


def test_overlong_line_is_refused_whole(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/win {bob.jid}")
    b.send("a" * 70000 + "TAIL" + "b" * 30000)
    b.send("after the long line")
    b.wait_event("message-sent", body="after the long line")
    bob.wait("message", body="after the long line")
    assert [e["body"] for e in bob.events if e.get("event") == "message"] \
        == ["after the long line"]
    assert b.find("message-sent", body=re.compile("TAIL")) is None
    assert b.close() == 1
    b.wait_stderr("longer than 65536 bytes")
    b.wait_stderr("refused, none of it was run")


def _natter(home, stdin, stdout):
    return subprocess.Popen([NATTER, "--batch"], stdin=stdin, stdout=stdout,
                            stderr=subprocess.PIPE, env=home.env)


def test_stdin_flags_restored_at_exit(home):
    """natter makes stdin non-blocking while it runs; the descriptor is
    shared with whoever started it, so the flags are put back at exit."""
    r, w = os.pipe()
    try:
        p = _natter(home, r, subprocess.DEVNULL)
        os.write(w, b"/about\n")
        os.close(w)
        w = None
        assert p.wait(30) == 0, p.stderr.read()
        assert fcntl.fcntl(r, fcntl.F_GETFL) & os.O_NONBLOCK == 0
    finally:
        os.close(r)
        if w is not None:
            os.close(w)


def test_every_event_line_reaches_a_slow_shared_stdout(home):
    """stdin and stdout are one socket: making stdin non-blocking makes
    stdout non-blocking too. A reader that is slower than natter still
    gets every event line."""
    ours, theirs = socket.socketpair()
    n = 300
    try:
        p = _natter(home, theirs.fileno(), theirs.fileno())
        theirs.close()
        ours.sendall(b"/help\n" * n)
        ours.shutdown(socket.SHUT_WR)

        def unread():
            return struct.unpack("i", fcntl.ioctl(
                ours.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
        # Let natter fill the socket before reading anything.
        wait_for(lambda: p.poll() is not None or unread() > 100000, 30,
                 "natter to fill the socket")
        data = b""
        while True:
            chunk = ours.recv(65536)
            if not chunk:
                break
            data += chunk
        assert p.wait(30) == 0, p.stderr.read()
    finally:
        ours.close()
    lines = data.decode().splitlines()
    assert sum(" command-result command=help status=ok" in l
               for l in lines) == n


def test_terminal_stdin_gets_readline_editing(home, tui_factory):
    """With a terminal on stdin, batch mode reads lines with readline (an
    accessible line mode): Ctrl-A goes to the start of the line, Backspace
    deletes, and the edited command runs; Ctrl-D ends the input."""
    t = tui_factory("--batch")
    t.type("elp quitt")
    t.keys("BSpace")
    t.keys("C-a")
    t.type("/h")
    t.keys("Enter")
    t.wait_screen(r"command-result command=help status=ok")
    assert "/quit" in t.screen()
    t.keys("C-d")
    t.wait_screen(r"NATTER-EXIT=0")


def test_every_command_runs_or_says_why_in_batch(home):
    """Every command of the table, run bare in batch mode with no account:
    it succeeds, or fails with a plain reason on stderr (never silently,
    never a crash)."""
    man = subprocess.run([NATTER, "--dump-commands=man"], capture_output=True,
                         text=True, check=True).stdout
    names = sorted(set(re.findall(r"^\.B /([a-z]+)", man, re.M)))
    assert len(names) > 30
    for name in names:
        r = subprocess.run([NATTER, "--batch", "--wait", "0"], input=f"/{name}\n",
                           capture_output=True, text=True, env=home.env, timeout=20)
        assert r.returncode in (0, 1), (name, r.returncode, r.stderr)
        if "status=error" in r.stdout:
            assert re.search(r"^natter: .{10,}", r.stderr, re.M), (name, r.stderr)


def test_control_commands_have_help_and_say_where_they_apply(home):
    """/subscribe, /unsubscribe and /format are in the command table: /help
    shows them; outside a control connection they say where they apply."""
    r = subprocess.run([NATTER, "--batch", "-c", "/help subscribe",
                        "-c", "/help", "-c", "/help format"],
                       input="", capture_output=True, text=True,
                       env=home.env, timeout=20)
    assert r.returncode == 0, r.stderr
    assert "/subscribe [KIND...]" in r.stdout
    assert "message-received" in r.stdout           # its example
    assert re.search(r"/unsubscribe +On a control connection", r.stdout)
    assert "/format json|text" in r.stdout
    for line in ("/subscribe presence", "/format text", "/unsubscribe"):
        r = subprocess.run([NATTER, "--batch", "-c", line], input="",
                           capture_output=True, text=True, env=home.env,
                           timeout=20)
        assert r.returncode == 1
        assert "applies only to a control connection" in r.stderr
    man = subprocess.run([NATTER, "--dump-commands=man"], capture_output=True,
                         text=True, check=True).stdout
    assert re.search(r"^\.B /subscribe", man, re.M)
