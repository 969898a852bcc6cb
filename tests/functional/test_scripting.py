# SPDX-License-Identifier: MIT
"""Aliases and /source scripts (PRODUCT §4, §9; issue 17 items 2-3)."""
import json
import os
import re
import stat

from natterlib import Batch, wait_for
from test_chat import login
from test_exec import running


def outputs(b, kind="exec-output", field="line"):
    return [e[field] for e in b.events if e.get("event") == kind]


def test_alias_expands_arguments_and_is_saved_private(home):
    b = Batch(home)
    b.send("/alias say2 /exec echo first=$1 all=$* dollar=$$")
    b.send("/alias up /exec echo up")           # no references: args appended
    b.send('/say2 "a b" c')
    ev = b.wait_event("exec-output", line="first=a b all=a b c dollar=$")
    assert ev["command"] == 'echo first=a b all="a b" c dollar=$'  # as typed
    b.send("/up and away")
    b.wait_event("exec-output", line="up and away")
    b.send("/help")
    b.wait_event("command-output", text=re.compile(
        r"Aliases \(/alias list shows them\): /say2, /up"))
    assert b.close() == 0
    path = home.config / "natter" / "aliases"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # A new natter has them; remove forgets them for good.
    b = Batch(home, "-c", "/up again", "-c", "/alias remove up")
    b.wait_event("exec-output", line="up again")
    assert b.close() == 0
    b = Batch(home, "-c", "/up")
    b.wait_event("command-result", command="up", status="error")
    b.close()
    b.wait_stderr("unknown command /up")


def test_alias_errors_are_plain(home):
    b = Batch(home, "-c", "/alias join /msg x",      # natter's own command
              "-c", "/alias two /exec echo $2",
              "-c", "/two one",
              "-c", "/alias a /b", "-c", "/alias b /a", "-c", "/a")
    b.close()
    b.wait_stderr("/alias: /join is a command of natter's own")
    b.wait_stderr("/two wants argument $2")
    b.wait_stderr("aliases nested more than 8 deep")
    assert outputs(b) == []


def test_source_runs_in_place_and_stops_at_a_failing_line(home):
    inner = home.root / "inner.natter"
    inner.write_text("# the inner script\n/exec echo two\n-/exec false\n"
                     "/exec echo three\n/nosuchcommand\n/exec echo never\n")
    outer = home.root / "outer.natter"
    outer.write_text(f"/exec echo one\n/source {inner}\n/exec echo four\n")
    b = Batch(home, "-x", str(outer))
    # the failing line makes /source itself fail: the outer script stops
    b.wait_event("command-result", command="source", status="error")
    assert b.close() != 0                       # a line failed
    assert outputs(b) == ["one", "two", "three"]
    b.wait_stderr(f"{inner}:5: unknown command /nosuchcommand")
    b.wait_stderr(f"/source: {inner}:5: unknown command")


def test_source_nested_failure_reaches_the_outer_script(home):
    inner = home.root / "inner.natter"
    inner.write_text("/exec echo in\n/nosuchcommand\n")
    middle = home.root / "middle.natter"
    middle.write_text(f"/source {inner}\n/exec echo middle-never\n")
    outer = home.root / "outer.natter"
    outer.write_text(f"-/source {middle}\n/exec echo after-dash\n"
                     f"/source {middle}\n/exec echo outer-never\n")
    b = Batch(home, "-x", str(outer))
    b.wait_event("exec-output", line="after-dash")
    rc = b.close()
    assert outputs(b) == ["in", "after-dash", "in"]
    assert rc == 1
    results = [e["status"] for e in b.events
               if e.get("event") == "command-result"
               and e.get("command") == "source"]
    assert results == ["error"] * 4             # inner, middle, twice


def test_source_with_only_dash_failures_succeeds(home):
    script = home.root / "ok.natter"
    script.write_text("-/nosuchcommand\n/exec echo fine\n")
    b = Batch(home, "-c", f"/source {script}")
    b.wait_event("command-result", command="source", status="ok")
    assert b.close() == 0
    assert outputs(b) == ["fine"]


def test_source_failure_is_the_one_shot_exit_status(home):
    script = home.root / "bad.natter"
    script.write_text("/exec echo first\n/nosuchcommand\n/exec echo no\n")
    b = Batch(home, "-c", f"/source {script}", "-c", "/exec echo next")
    b.wait_event("command-result", command="source", status="error")
    assert b.close() == 1
    # -c lines are not a script: the next one still runs
    assert outputs(b) == ["first", "next"]


def test_source_of_a_missing_file_fails(home):
    b = Batch(home, "-c", f"/source {home.root}/nothing-here")
    b.wait_event("command-result", command="source", status="error")
    b.close()
    b.wait_stderr("nothing-here")


def test_tab_completes_aliases(tui_factory, home):
    b = Batch(home, "-c", "/alias greet-bob /msg bob@localhost hi")
    assert b.close() == 0
    t = tui_factory()
    t.wait_screen(r"/help lists the commands")
    t.type("/greet")
    t.keys("Tab")
    t.wait_screen(r"^> /greet-bob\s*$")


def test_message_hook_gets_fields_in_env_and_json_on_stdin(home, prosody, make_peer):
    out = home.root / "hook.out"
    pwned = home.root / "pwned"
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    b.send(f"/hook add message printf '%s|%s|%s\\n' \"$NATTER_EVENT\" "
           f"\"$NATTER_FROM\" \"$NATTER_BODY\" >> {out}; cat >> {out}")
    b.wait_event("command-result", command="hook", status="ok")
    body = f"hi $(touch {pwned}) `touch {pwned}`; touch {pwned}"
    bob.send(alice, body)
    wait_for(lambda: out.exists() and out.read_text().count("\n") >= 2, 10,
             "the hook to write its file")
    first, js = out.read_text().splitlines()[:2]
    event, frm, got = first.split("|", 2)
    assert (event, got) == ("message-received", body)
    assert frm.startswith(bob.jid + "/")
    ev = json.loads(js)
    assert ev["event"] == "message-received" and ev["body"] == body
    assert not pwned.exists()               # data never became a command
    b.send("/hook list")
    b.wait_event("command-output", text=re.compile(r"^1: on message: printf"))
    b.close()
    path = home.config / "natter" / "hooks"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "event=message" in path.read_text()


def test_hooks_cannot_run_on_their_own_output_and_can_be_removed(home):
    b = Batch(home, "-c", "/hook add exec-output echo loop",
              "-c", "/hook add nonsense echo x",
              "-c", "/hook add error echo seen-error",
              "-c", "/hook remove 1", "-c", "/hook remove 7", "-c", "/hook")
    b.wait_event("command-output", text="no hooks (/hook add EVENT COMMAND makes one)")
    b.close()
    b.wait_stderr("'exec-output' is no event a hook can run on")
    b.wait_stderr("'nonsense' is no event a hook can run on")
    b.wait_stderr("no hook 7")


def test_a_flood_of_events_runs_at_most_eight_hooks(home, prosody, make_peer):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    marker = "3.0123"                       # each hook sleeps about 3 s
    b.send(f"/hook add message sleep {marker}")
    b.wait_event("command-result", command="hook", status="ok")
    for i in range(12):
        bob.send(alice, f"flood {i}")
    b.wait_event("message-received", body="flood 11")
    sleeping = "^sleep " + marker.replace(".", "[.]")
    most = [0]

    def count(want):
        n = len(running(sleeping))
        most[0] = max(most[0], n)
        return want(n)
    wait_for(lambda: count(lambda n: n >= 8), 5, "eight hooks running")
    wait_for(lambda: count(lambda n: n == 0), 20, "the hooks to finish")
    assert most[0] == 8                     # never more than eight at once
    # Every message either ran its hook or was counted as skipped (a slow
    # machine may free a slot before the last messages arrive).
    wait_for(lambda: b.find("error", text=re.compile(r"^hooks: \d+ events? .*skipped")),
             10, "the skipped events reported")
    reports = [re.match(r"^hooks: (\d+) events? (?:was|were) skipped while 8 hook "
                        r"commands were running", e.get("text", ""))
               for e in list(b.events) if e.get("event") == "error"]
    skipped = sum(int(m.group(1)) for m in reports if m)
    wait_for(lambda: len([e for e in list(b.events) if e.get("event") == "exec-exit"
                          and e.get("hook") == "1"]) + skipped >= 12, 10, "all accounted")
    exits = len([e for e in b.events if e.get("event") == "exec-exit"
                 and e.get("hook") == "1"])
    assert skipped >= 1 and exits + skipped == 12, (exits, skipped)
    b.close()
