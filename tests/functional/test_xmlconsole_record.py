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
        assert set(r) == {"time", "account", "dir", "n", "pair", "xml"}, r
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


def test_record_refuses_a_device(home, prosody):
    b, alice = natterlib.login(home, prosody, xml=True)
    # /dev/full is a character device: refused as not a regular file.
    b.send("/xmlconsole record start /dev/full")
    wait_for(lambda: "not a regular file of yours" in b.stderr, 10, "device refused")
    b.close()
