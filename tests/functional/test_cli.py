# SPDX-License-Identifier: MIT
"""Command line, files and batch plumbing (PRODUCT §2, §9)."""
import json
import os
import re
import stat
import subprocess

from natterlib import NATTER


def run(home, *args, stdin=""):
    return subprocess.run([NATTER, *args], input=stdin, capture_output=True,
                          text=True, env=home.env, timeout=30)


def test_version_lists_features(home):
    r = run(home, "--version")
    assert r.returncode == 0
    assert re.match(r"natter \d+\.\d+", r.stdout)
    assert "libstrophe 0.14" in r.stdout
    assert "libotr" in r.stdout


def test_version_names_the_libraries_linked_statically(home):
    # configure links GLib, SQLite, readline and ncursesw statically (start-up
    # time and memory, PRODUCT 12); the network-facing ones stay shared so
    # that their security updates apply without a rebuild.
    r = run(home, "--version")
    line = re.search(r"^linked statically: (.*)$", r.stdout, re.M)
    assert line, r.stdout
    static = line.group(1).split()
    assert {"glib-2.0", "sqlite3", "readline", "ncursesw"} <= set(static), static
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", subprocess.run(
        ["readelf", "-d", NATTER], capture_output=True, text=True).stdout)
    for lib in static:
        assert not [n for n in needed if n.startswith(f"lib{lib}.so")], (lib, needed)
    for lib in ("libssl.so", "libcrypto.so", "libexpat.so", "libcares.so", "libz.so"):
        assert [n for n in needed if n.startswith(lib)], (lib, needed)


def test_help_lists_options(home):
    r = run(home, "--help")
    assert r.returncode == 0
    for opt in ("--batch", "--json", "-c, --command", "-x", "-a", "--version", "-l"):
        assert opt in r.stdout
    assert "not a config file" in r.stdout.lower()


def test_bad_arguments_one_line_nonzero(home):
    r = run(home, "--no-such-option")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    r = run(home, "--json")
    assert r.returncode == 2 and "--batch" in r.stderr


def test_batch_text_lines_and_exit_status(home):
    r = run(home, "--batch", stdin="/set ui.bell off\n/set ui.bell\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(re.match(r"\d\d:\d\d:\d\d command-output text=\"ui.bell = off \(changed\)\"", l) for l in lines)
    assert any("command-result command=set status=ok" in l for l in lines)
    r = run(home, "--batch", stdin="/set ui.bell maybe\n")
    assert r.returncode == 1
    assert "ui.bell must be on or off" in r.stderr


def test_batch_json_and_wrong_usage_prints_synopsis(home):
    r = run(home, "--batch", "--json", stdin="/reset\n/help quit\n")
    assert r.returncode == 1
    assert "usage: /reset NAME" in r.stderr
    evs = [json.loads(l) for l in r.stdout.splitlines()]
    assert all({"event", "account", "time"} <= set(e) for e in evs)
    out = [e for e in evs if e["event"] == "command-output"]
    assert any("/quit" in e["text"] for e in out)


def test_set_persists_to_natterrc(home):
    assert run(home, "--batch", stdin="/set ui.time_format \"%H:%M:%S\"\n").returncode == 0
    rc = (home.config / "natter" / "natterrc").read_text()
    assert "[ui]" in rc and "time_format=%H:%M:%S" in rc
    r = run(home, "--batch", stdin="/set ui.time_format\n")
    assert "%H:%M:%S" in r.stdout


def test_broken_natterrc_reported_and_not_rewritten(home):
    rc = home.config / "natter" / "natterrc"
    rc.parent.mkdir()
    rc.write_text("[ui]\nscrollback=5\nbell=off\n")
    r = run(home, "--batch", stdin="/set ui.bell\n")
    assert "natterrc:2:" in r.stdout and "ui.scrollback" in r.stdout
    assert "ui.bell = off" in r.stdout
    rc.write_text("garbage [\n")
    r = run(home, "--batch", stdin="/set ui.bell on\n")
    assert r.returncode == 1
    assert "not rewritten" in r.stderr
    assert rc.read_text() == "garbage [\n"


def test_script_stops_at_first_failure_unless_dash(home, tmp_path):
    s = tmp_path / "s.natter"
    s.write_text("# comment\n-/set ui.bell maybe\n/set ui.bell off\n/set nope 1\n/set ui.bell on\n")
    r = run(home, "--batch", "-x", str(s), "-c", "/set ui.bell")
    assert r.returncode == 1
    assert f"{s}:4: unknown preference 'nope'" in r.stderr
    assert "ui.bell = off" in r.stdout.splitlines()[-2] + r.stdout  # line 5 never ran
    assert "ui.bell = on" not in r.stdout


def test_account_commands_and_file_mode(home):
    r = run(home, "--batch", stdin=(
        "/account add work me@example.org\n"
        "/account set work password hunter2\n"
        "/account set work port 99999\n"
        "/account show work\n"
        "/account default work\n"
        "/account list\n"))
    assert "port: '99999' is out of range" in r.stderr
    assert "hunter2" not in r.stdout
    assert "password = ********" in r.stdout
    assert "work (default)" in r.stdout
    acc = home.config / "natter" / "accounts"
    assert stat.S_IMODE(os.stat(acc).st_mode) == 0o600
    assert "password=hunter2" in acc.read_text()
    r = run(home, "--batch", stdin="/account remove work\n/account list\n")
    assert "no accounts" in r.stdout


def test_debug_log_is_private(home):
    run(home, "--batch", "-l", "debug", stdin="/help\n")
    log = home.state / "natter" / "natter.log"
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
