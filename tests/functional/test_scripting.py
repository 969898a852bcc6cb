# SPDX-License-Identifier: MIT
"""Aliases and /source scripts (PRODUCT §4, §9; issue 17 items 2-3)."""
import os
import re
import stat

from natterlib import Batch


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
    assert "unknown command /up" in b.stderr


def test_alias_errors_are_plain(home):
    b = Batch(home, "-c", "/alias join /msg x",      # natter's own command
              "-c", "/alias two /exec echo $2",
              "-c", "/two one",
              "-c", "/alias a /b", "-c", "/alias b /a", "-c", "/a")
    b.close()
    assert "/alias: /join is a command of natter's own" in b.stderr
    assert "/two wants argument $2" in b.stderr
    assert "aliases nested more than 8 deep" in b.stderr
    assert outputs(b) == []


def test_source_runs_in_place_and_stops_at_a_failing_line(home):
    inner = home.root / "inner.natter"
    inner.write_text("# the inner script\n/exec echo two\n-/exec false\n"
                     "/exec echo three\n/nosuchcommand\n/exec echo never\n")
    outer = home.root / "outer.natter"
    outer.write_text(f"/exec echo one\n/source {inner}\n/exec echo four\n")
    b = Batch(home, "-x", str(outer))
    b.wait_event("exec-output", line="four")
    assert b.close() != 0                       # a line failed
    assert outputs(b) == ["one", "two", "three", "four"]
    assert f"{inner}:5: unknown command /nosuchcommand" in b.stderr


def test_source_of_a_missing_file_fails(home):
    b = Batch(home, "-c", f"/source {home.root}/nothing-here")
    b.wait_event("command-result", command="source", status="error")
    b.close()
    assert "nothing-here" in b.stderr


def test_tab_completes_aliases(tui_factory, home):
    b = Batch(home, "-c", "/alias greet-bob /msg bob@localhost hi")
    assert b.close() == 0
    t = tui_factory()
    t.wait_screen(r"/help lists the commands")
    t.type("/greet")
    t.keys("Tab")
    t.wait_screen(r"^> /greet-bob\s*$")
