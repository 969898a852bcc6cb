# SPDX-License-Identifier: MIT
"""The README's Run command after the build: demo server, demo contact
that answers, natter connected; quitting natter stops the server."""
import importlib.util
import re
import subprocess

from natterlib import NATTER, SRC, Home, wait_for


def demo_bot():
    spec = importlib.util.spec_from_file_location("demo_bot", SRC / "scripts" / "demo-bot.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# What the hints may call a window, and how the status bar names it.
WINDOWS = {"the console": "console", "the demo room": "demo@conference.localhost",
           "the chat with bob": "bob@localhost"}


def hinted_windows(text):
    """(number, status-bar name) for every 'Alt-N ... WINDOW' in a hint; a
    key whose window the hint does not name in WINDOWS fails."""
    found = []
    for m in re.finditer(r"Alt-(\d)(.*?)(?=[,;.]|$)", text):
        names = [v for k, v in WINDOWS.items() if k in m.group(2)]
        assert len(names) == 1, f"hint names no known window: {m.group(0)!r}"
        found.append((m.group(1), names[0]))
    return found


def test_demo_contact_answers_and_quit_stops_server():
    home = Home()
    sock = "natter-demo-test"
    env = home.env
    try:
        subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d",
                        "-x", "120", "-y", "40", "-s", "S",
                        f"/usr/bin/python3 {SRC}/scripts/demo.py {NATTER}; echo DEMO-EXIT=$?; sleep 30"],
                       check=True, env=env)
        screen = lambda: subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", "S"],
                                        capture_output=True, text=True).stdout
        wait_for(lambda: "[me@localhost online]" in screen(), 30, "demo login")
        # The first hints are on screen without a key press, and true.
        bot = demo_bot()
        words = bot.GREETING.split()
        wait_for(lambda: " ".join(words[:6]) in " ".join(screen().split()), 15,
                 lambda: f"bob's greeting on screen:\n{screen()}")
        assert " ".join(words) in " ".join(screen().split())
        status = screen().splitlines()[-2]
        hints = [bot.GREETING] + [ln for ln in bot.LINES if "Alt-" in ln]
        for hint in hints:
            for n, name in hinted_windows(hint):
                assert f"[{n}:{name}" in status, f"{hint!r} vs status bar {status!r}"
        assert re.search(r"\[3:bob@localhost[^\]]*<\]", status), status
        wait_for(lambda: re.search(r"\+ Bob", screen()), 15, "Bob in the roster pane")
        # The demo room: joined at start, two occupants who talk.
        wait_for(lambda: "[2:demo@conference.localhost" in screen(), 15, "demo room")
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "S", "M-2"])
        wait_for(lambda: re.search(r"~?(bob|carol)\s*$", screen(), re.M), 15, "occupants")
        wait_for(lambda: re.search(r"<(bob|carol)> \S", screen()), 20, "room talk")
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "S", "M-3"])
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "S", "-l", "hi"])
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "S", "Enter"])
        wait_for(lambda: "Hello! I am the demo contact" in screen(), 15, "bot answer")
        pane = subprocess.run(["tmux", "-L", sock, "list-panes", "-t", "S", "-F", "#{pane_pid}"],
                              capture_output=True, text=True).stdout.strip()
        demo = subprocess.run(["pgrep", "-P", pane, "-f", "demo.py"],
                              capture_output=True, text=True).stdout.split()
        assert len(demo) == 1, demo
        server = subprocess.run(["pgrep", "-P", demo[0], "-f", "prosody"],
                                capture_output=True, text=True).stdout.split()
        assert server, "the demo server should be a child of demo.py"
        def alive():
            for p in server:
                try:
                    if "zombie" not in open(f"/proc/{p}/status").read().lower():
                        return True
                except OSError:
                    pass
            return False
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "S", "-l", "/quit"])
        subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "S", "Enter"])
        wait_for(lambda: "DEMO-EXIT=0" in screen(), 20, "demo exit")
        wait_for(lambda: not alive(), 10, "demo server stopped")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        home.cleanup()
