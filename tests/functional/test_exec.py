# SPDX-License-Identifier: MIT
"""/exec: shell commands run beside the loop, their output shown where they
were started or sent as a message (PRODUCT §4, issue 17 item 1)."""
import subprocess

from natterlib import Batch, wait_for
from test_chat import login


def running(marker):
    """PIDs of processes whose command line contains marker (give natter
    such commands on stdin: its own argv would match too)."""
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def test_output_lines_and_exit_status(home):
    b = Batch(home, "-c", "/exec printf 'one\\n'; echo two >&2; "
                          "printf 'no newline'; exit 3")
    ev = b.wait_event("exec-exit", id="1")
    assert (ev["status"], ev["code"]) == ("exited", "3")
    lines = [e["line"] for e in b.events if e.get("event") == "exec-output"]
    assert lines == ["one", "two", "no newline"]
    b.wait_event("command-result", command="exec", status="error")
    assert b.close() != 0                      # the failed command counts
    b.wait_stderr("exited with status 3")


def test_commands_run_as_typed_never_from_data(home):
    """Quotes and $ reach the shell exactly as typed; output is data."""
    b = Batch(home, "-c", '/exec echo "a  b" \'$HOME\' "$((6*7))"')
    ev = b.wait_event("exec-output", id="1")
    assert ev["line"] == "a  b $HOME 42"
    b.wait_event("command-result", command="exec", status="ok")
    assert b.close() == 0


def test_time_limit_stops_the_job_and_its_children(home):
    marker = "31.4159"
    b = Batch(home)
    b.send(f"/exec -t 1 sh -c 'sleep {marker}; :' ; :")
    wait_for(lambda: running(marker), 5, "the job to start")
    ev = b.wait_event("exec-exit", timeout=10)
    assert ev["status"] == "timeout", ev
    wait_for(lambda: not running(marker), 5,
             lambda: f"the grandchild to be gone: {running(marker)}")
    b.close()


def test_output_flood_is_stopped_at_the_limit(home):
    b = Batch(home, "-c", "/set exec.max_output 64")
    b.send("/exec yes flood")
    ev = b.wait_event("exec-exit", timeout=15)
    assert ev["status"] == "flooded", ev
    shown = sum(len(e["line"]) + 1 for e in b.events
                if e.get("event") == "exec-output")
    assert 60 * 1024 < shown <= 64 * 1024 + 1   # +1: the cut last line
    wait_for(lambda: not running("yes flood"), 5, "yes to be stopped")
    b.close()


def test_quit_stops_running_jobs(home):
    marker = "32.7182"
    b = Batch(home, "-c", "/set batch.flush_timeout 1")
    b.send(f"/exec sleep {marker}")
    wait_for(lambda: running(marker), 5, "the job to start")
    b.close()
    ev = b.find("exec-exit")
    assert ev is not None and ev["status"] == "quit", b.events[-3:]
    wait_for(lambda: not running(marker), 5, "sleep to be gone at quit")


def test_o_sends_the_output_to_the_windows_contact(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/win {bob.jid}")
    b.send("/exec -o printf 'build 42\\nall tests passed\\n'")
    got = bob.wait("message", body="build 42\nall tests passed")
    assert got["from"].startswith(alice + "/")
    b.wait_event("command-result", command="exec", status="ok")
    assert b.find("exec-output") is None       # sent, not shown
    # A failing command sends nothing.
    b.send("/exec -o echo secret-draft; false")
    b.wait_event("exec-exit", id="2", code="1")
    b.send("/ping")
    b.wait_event("command-result", command="ping")
    assert bob.find("message", body="secret-draft") is None
    b.close()


def test_tui_stays_live_and_output_lands_where_it_started(tui, make_peer):
    t, alice = tui()
    bob = make_peer("bob")
    t.command(f"/msg {bob.jid}")
    t.wait_screen(r"natter \S+ - bob@localhost")
    t.command("/exec sleep 2; printf 'done \\033[31mred\\n'")
    t.command("/exec sleep 30")
    t.command("/exec list")
    t.wait_screen(r"2: sleep 30 \(pid \d+, running")
    t.command("/about")                        # answered while jobs run
    t.wait_screen(r"natter \d+\.\d+\.\d+, a terminal XMPP client")
    assert "[1] done" not in t.screen()
    t.command("/exec kill 2")
    t.wait_screen(r"\[2\] sleep 30: stopped by /exec kill")
    # Output is escaped like network text, in the chat it started in.
    t.wait_screen(r"\[1\] done \^\[\[31mred", timeout=10)
    t.wait_screen(r"\[1\] sleep 2; printf .*: exited with status 0")
    t.keys("M-1")
    t.wait_screen(r"natter \S+ - console")
    assert "[1] done" not in t.screen()
