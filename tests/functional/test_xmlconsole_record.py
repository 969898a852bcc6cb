# SPDX-License-Identifier: MIT
"""/xmlconsole record (issue 20 item 3): the console's traffic written as
JSON Lines against real Prosody: mode 0600, one parsable record a line,
numbered and paired, starting with the login already in the ring, and no
credential anywhere in the file."""
import base64
import json
import os
import re
import stat
import subprocess

import natterlib
from natterlib import wait_for


def outputs(b):
    return [e.get("text", "") for e in list(b.events) if e.get("event") == "command-output"]


def records(path):
    text = path.read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_record_login_and_ping_private_numbered_paired_redacted(home, make_prosody):
    prosody = make_prosody(plain_only=True)
    password = "s3cret-Rec-pw"
    b, alice = natterlib.login(home, prosody, user="alice", password=password, xml=True)
    path = home.root / "rec.jsonl"
    path.write_text("an older file, emptied\n")   # emptied and made private
    os.chmod(path, 0o644)
    b.send(f"/xmlconsole record start {path}")
    wait_for(lambda: any("Recording the XML console to" in t for t in outputs(b)), 10, "started")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    b.send("/xml <iq type='get' id='recping1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']recping1["']"""))
    b.send("/xmlconsole record")
    wait_for(lambda: any(re.search(r"\(\d+ records so far\)", t) for t in outputs(b)), 10, "state")
    b.send("/xmlconsole record stop")
    wait_for(lambda: any("Stopped recording" in t for t in outputs(b)), 10, "stopped")
    # Traffic after stop is not written.
    b.send("/xml <iq type='get' id='afterstop' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']afterstop["']"""))
    b.close()

    recs = records(path)
    for r in recs:
        # a received element also has its exact bytes (natter's libstrophe)
        raw = {"raw"} if r["dir"] == "in" and "natter-hardened" in \
            natterlib.libstrophe_build() else set()
        assert set(r) == {"time", "account", "dir", "n", "pair", "xml"} | raw, r
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", r["time"]), r
        assert r["dir"] in ("in", "out") and r["account"] == "a"  # the account name
    ns = [r["n"] for r in recs]
    assert ns == list(range(ns[0], ns[0] + len(ns))), ns
    # The login, captured before the recording began, is there.
    assert any("<auth" in r["xml"] for r in recs)
    assert any("<success" in r["xml"] for r in recs)
    req = next(r for r in recs if r["dir"] == "out" and "recping1" in r["xml"])
    rep = next(r for r in recs if r["dir"] == "in" and "recping1" in r["xml"])
    assert req["pair"] is None and rep["pair"] == req["n"]
    assert not any("afterstop" in r["xml"] for r in recs)
    # batch --xml --json raw events carry the same dir, n and pair.
    out = next(e for e in b.events if e.get("event") == "raw-out" and "recping1" in e["xml"])
    inn = next(e for e in b.events if e.get("event") == "raw-in" and "recping1" in e["xml"])
    assert (out["dir"], out["n"], out["pair"], out["xml"]) == ("out", req["n"], None, req["xml"])
    assert (inn["dir"], inn["n"], inn["pair"], inn["xml"]) == ("in", rep["n"], req["n"], rep["xml"])
    text = path.read_text()
    for s in [password, base64.b64encode(password.encode()).decode(),
              base64.b64encode(b"\0alice\0" + password.encode()).decode()]:
        assert s not in text
    auth = next(r["xml"] for r in recs if "<auth" in r["xml"])
    assert "[redacted]" in auth, auth


def test_record_refuses_a_symlink_and_reports_errors(home, prosody, tmp_path):
    b, alice = natterlib.login(home, prosody, xml=True)
    target = tmp_path / "target"
    target.write_text("keep")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    b.send(f"/xmlconsole record start {link}")
    wait_for(lambda: "cannot record the XML console" in b.stderr, 10, "refused link")
    assert target.read_text() == "keep"
    b.send("/xmlconsole record stop")
    wait_for(lambda: "not recording the XML console" in b.stderr, 10, "stop refused")
    b.send("/xmlconsole record start /proc/nope/rec.jsonl")
    wait_for(lambda: b.stderr.count("cannot record the XML console") >= 2, 10, "bad dir")
    b.close()


def test_record_refuses_a_device_or_fifo(home, prosody, tmp_path):
    b, alice = natterlib.login(home, prosody, xml=True)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    b.send(f"/xmlconsole record start {fifo}")     # no reader: must not hang
    wait_for(lambda: "cannot record the XML console" in b.stderr, 10, "fifo refused")
    # /dev/full is a character device: refused as not a regular file.
    b.send("/xmlconsole record start /dev/full")
    wait_for(lambda: "not a regular file of yours" in b.stderr, 10, "device refused")
    b.close()


def _record_ping(home, prosody, path, pid="rp1"):
    """Record a login and a ping; the live console's search lines for it."""
    b, alice = natterlib.login(home, prosody, xml=True)
    b.send(f"/xmlconsole record start {path}")
    wait_for(lambda: any("Recording the XML console" in t for t in outputs(b)), 10, "started")
    b.send(f"/xml <iq type='get' id='{pid}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(rf"""id=["']{pid}["']"""))
    b.send(f"/xmlconsole search {pid}")
    live = wait_for(lambda: [t for t in outputs(b) if t.startswith("#") and pid in t]
                    if len([t for t in outputs(b) if t.startswith("#") and pid in t]) >= 2
                    else None, 10, "live search")
    b.close()
    return live


def test_replay_in_tui_same_numbers_filter_and_pairing(home, prosody, tui_factory):
    path = home.root / "bug.jsonl"
    live = _record_ping(home, prosody, path)
    t = tui_factory("--replay", str(path))
    t.wait_screen(r"XML console")
    t.command("/xmlconsole filter id:rp1")
    # The unfiltered screen already holds "reply to" headers: wait for the
    # title to name the filter and for the paired reply under it.
    screen = t.wait_screen(r"(?s)filter: id:rp1.*reply to #\d+ after \d+\.\d ms").string
    heads = [l.strip() for l in screen.splitlines() if re.match(r"#\d+ ", l)]
    assert len(heads) == 2, screen
    # The same numbers, times and pairing as the live console showed.
    for h in heads:
        assert any(l.startswith(h.split("  ")[0]) for l in live), (h, live)
    req_no = re.match(r"#(\d+)", next(l for l in live if "\u2192" in l)).group(1)
    assert f"reply to #{req_no} after" in screen
    assert "<auth" not in screen    # the filter applies to the replayed traffic
    t.command("/xmlconsole filter text:xmpp-sasl")
    t.wait_screen(r"<auth mechanism=.*\[redacted\]</auth>")


def test_replay_malformed_line_reported_with_number_rest_kept(home, prosody, tmp_path):
    path = home.root / "bug.jsonl"
    _record_ping(home, prosody, path, pid="rp2")
    lines = path.read_text().splitlines()
    lines.insert(1, '{"time":"2026-01-01T00:00:00Z","dir":"in","n":')
    lines.insert(3, "\u00e9t\u00e9 not json")
    path.write_text("\n".join(lines) + "\n")
    b = natterlib.Batch(home, "--replay", str(path))
    def errors():
        return [e.get("text", "") for e in list(b.events) if e.get("event") == "error"]
    wait_for(lambda: any(re.search(r"bug\.jsonl line 2: .* at column \d+; skipped", t)
                         for t in errors()), 10, "line 2 reported")
    wait_for(lambda: any(re.search(r"bug\.jsonl line 4: expected '\{' at column 1; skipped", t)
                         for t in errors()), 10, "line 4 reported")
    wait_for(lambda: any(re.search(rf"Replaying .*: {len(lines) - 2} records", e.get("text", ""))
                         for e in list(b.events)), 10, "replay summary")
    b.send("/xmlconsole search rp2")
    wait_for(lambda: len([t for t in outputs(b) if t.startswith("#") and "rp2" in t]) >= 2,
             10, "replayed stanzas searchable")
    assert b.proc.poll() is None
    assert len(errors()) == 2, errors()
    b.close()


def test_replay_in_batch_prints_every_record_as_raw_events(home, prosody):
    path = home.root / "bug.jsonl"
    _record_ping(home, prosody, path, pid="rp3")
    recs = records(path)
    b = natterlib.Batch(home, "--replay", str(path))
    # The records, in order, as batch --xml --json printed them live.
    wait_for(lambda: len([e for e in list(b.events) if e.get("event") in ("raw-in", "raw-out")])
             >= len(recs), 10, "every record printed")
    raws = [e for e in list(b.events) if e.get("event") in ("raw-in", "raw-out")]
    assert [(e["n"], e["dir"], e["pair"], e["xml"]) for e in raws] == \
        [(r["n"], r["dir"], r["pair"], r["xml"]) for r in recs]
    assert all(e["account"] == "a" for e in raws)
    b.close()
    # Text mode: one line per record, the XML as a field.
    out = subprocess.run([natterlib.NATTER, "--batch", "--replay", str(path)],
                         input="", capture_output=True, text=True, env=home.env,
                         timeout=20).stdout
    lines = [l for l in out.splitlines() if re.match(r"\d\d:\d\d:\d\d raw-(in|out) ", l)]
    assert len(lines) == len(recs), out
    assert any("rp3" in l and " raw-out account=a " in l for l in lines), lines


def test_error_stanzas_explained_in_batch_xml_output(home, prosody):
    b, alice = natterlib.login(home, prosody, xml=True)
    b.send("/msg nobody@localhost hi")
    ev = b.wait_event("raw-in", xml=re.compile(r"service-unavailable"))
    assert ev["explanation"].startswith(
        "service-unavailable: the recipient does not offer this service"), ev
    assert "likely cause" in ev["explanation"], ev
    ok = b.wait_event("raw-in", xml=re.compile(r"<iq "))
    assert "explanation" not in ok, ok     # only errors are explained
    b.close()
    # and in text mode, as a field of the raw-in line
    p = subprocess.run([natterlib.NATTER, "--batch", "--xml", "-c", "/connect a",
                        "-c", "/msg nobody@localhost hi", "--wait", "10"],
                       input="", capture_output=True, text=True, env=home.env,
                       timeout=40)
    line = next((l for l in p.stdout.splitlines()
                 if " raw-in " in l and "service-unavailable" in l), None)
    assert line is not None, p.stdout
    assert 'explanation="service-unavailable: the recipient does not offer' in line, line
