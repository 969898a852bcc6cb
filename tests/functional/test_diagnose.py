# SPDX-License-Identifier: MIT
"""/diagnose against Prosody (PRODUCT §4, issue 5): the report is honest,
a feature is supported only when this server advertises it."""
import os
import re
import stat

from natterlib import Batch, libstrophe_build, wait_for


def diagnose(home, prosody, args=""):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    b.send(f"/diagnose {args}".strip())
    b.wait_event("command-result", command="diagnose", timeout=30)
    text = "\n".join(e["text"] for e in b.events if e.get("event") == "command-output")
    b.close()
    return text


def row(text, feature):
    m = re.search(rf"^  {re.escape(feature)}\s+(RFC \d+|XEP-\d+)\s+(Core|IM|Advanced IM|Mobile|Adv\. Mobile|not required)\s+(supported|MISSING)[ ]*(.*)$",
                  text, re.M)
    assert m, f"no row for {feature} in:\n{text}"
    return m.group(3), m.group(4)


def test_mam_supported_when_enabled(home, make_prosody):
    text = diagnose(home, make_prosody(modules=["mam"]))
    assert row(text, "Message archive (MAM)") == ("supported", "your account")
    assert row(text, "Message carbons") == ("supported", "localhost")
    assert row(text, "Stream management") == ("supported", "stream features")
    assert row(text, "Multi-user chat service") == ("supported", "conference.localhost")
    assert row(text, "HTTP file upload")[0] == "MISSING"
    assert re.search(r"^  level reached: Core$", text, re.M)     # upload missing: not IM
    assert re.search(r"^  Prosody \d+\.\d+", text, re.M)
    assert re.search(r"^  uptime: (\d+ (d|h|min) )*\d+ s$", text, re.M)
    assert re.search(r"^  SASL mechanism: SCRAM-SHA-1 \(offered: [A-Z0-9 -]*PLAIN", text, re.M)
    assert re.search(r"^  TLS: STARTTLS", text, re.M)
    assert re.search(r"^  stream management: enabled$", text, re.M)
    m = re.search(r"^Ping \(10 of 10 answered\)\n  min (\S+) ms, median (\S+) ms, max (\S+) ms$", text, re.M)
    assert m and float(m.group(1)) <= float(m.group(2)) <= float(m.group(3)), text


def test_mam_and_carbons_missing_when_not_enabled(home, make_prosody):
    text = diagnose(home, make_prosody(disabled=["carbons"]))
    assert row(text, "Message archive (MAM)") == ("MISSING", "")
    assert row(text, "Message carbons") == ("MISSING", "")
    assert row(text, "Blocking") == ("supported", "localhost")


def test_report_written_to_file_0600(home, prosody):
    path = home.root / "report.txt"
    text = diagnose(home, prosody, f"localhost -o {path}")  # options after
    assert f"written to {path}" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    report = path.read_text()
    assert report.startswith("Diagnosis of localhost")
    assert "Compliance (XEP-0479" in report and "Ping (" in report


def test_json_report_written_to_file_0600(home, prosody):
    import json
    path = home.root / "report.json"
    text = diagnose(home, prosody, f"--json -o {path}")
    assert text == f"diagnosis of localhost written to {path}"   # not shown
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    rep = json.loads(path.read_text())
    assert rep["domain"] == "localhost" and rep["ping_ms"]["answered"] == 10


def test_bad_domain_refused(home, prosody):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    b.send("/diagnose bob@localhost")
    wait_for(lambda: "'bob@localhost' is not a server name" in b.stderr, 10, lambda: b.stderr)
    b.close()


def test_json_report_is_one_object(home, make_prosody):
    import json
    text = diagnose(home, make_prosody(modules=["mam"]), "--json")
    lines = text.splitlines()
    assert len(lines) == 1, lines
    rep = json.loads(lines[0])
    assert rep["domain"] == "localhost"
    # which libstrophe: natter's hardened build or the stock one, as
    # --version says, here and in the log
    build = libstrophe_build()[len("libstrophe "):]
    assert re.fullmatch(r"0\.14\.\d+ \((natter-hardened: \d+ patches|"
                        r"stock: hardening patches missing)\)", build), build
    assert rep["libstrophe"] == build
    assert f"libstrophe {build}" in home.log()
    assert rep["connection"]["sasl"].startswith("SCRAM-SHA-")
    assert rep["software"]["name"] == "Prosody"
    mam = next(r for r in rep["compliance"] if r["spec"] == "XEP-0313")
    assert mam["status"] == "supported" and mam["where"] == "your account"
    assert "urn:xmpp:mam:2" in rep["account_features"]
    assert rep["level"] == "Core"
    assert rep["ping_ms"]["answered"] == 10
    assert rep["ping_ms"]["min"] <= rep["ping_ms"]["median"] <= rep["ping_ms"]["max"]
    assert any(s["jid"] == "conference.localhost" for s in rep["services"])
