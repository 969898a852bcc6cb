# SPDX-License-Identifier: MIT
"""Connection behaviour in batch mode against a real Prosody (PRODUCT §5)."""
import base64
import re
import subprocess
import time

from natterlib import NATTER, Batch, Tui, wait_for


def online(home, prosody, name="a", user="alice", password="secret1", **kw):
    jid = prosody.register(user, password)
    home.add_account(name, jid, password, port=prosody.port, **kw)
    return jid


def test_batch_connect_fetches_roster_and_disconnects(home, prosody):
    jid = online(home, prosody)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    ev = b.wait_event("connection-state", state="online")
    assert ev["account"] == "a"
    assert ev["jid"].startswith(jid + "/")
    b.wait_event("info", text=re.compile(r"roster received: 0 contacts"))
    b.wait_event("command-result", command="connect", status="ok")
    b.send("/disconnect a")
    b.wait_event("connection-state", state="disconnected")
    assert b.close() == 0
    # The server saw the same story: alice authenticated, then her session
    # was closed by the client, not dropped.
    log = prosody.log(tail=None)
    assert re.search(r"Authenticated as alice@localhost", log), log[-2000:]
    assert re.search(r"c2s stream for alice@localhost/\S+ closed: "
                     r"session closed", log), log[-2000:]


def test_two_accounts_online_at_once(home, prosody):
    home.trust(prosody.fingerprint())
    online(home, prosody, "one", "alice", "pw-one")
    online(home, prosody, "two", "bob", "pw-two")
    b = Batch(home, "-c", "/connect one", "-c", "/connect two")
    b.wait_event("connection-state", account="one", state="online")
    b.wait_event("connection-state", account="two", state="online")
    b.send("/account list")
    b.wait_event("command-output", text=re.compile(r"^one .*online"))
    b.wait_event("command-output", text=re.compile(r"^two .*online"))
    assert b.close() == 0


def test_wrong_password_is_auth_error_and_nonzero_exit(home, prosody):
    jid = prosody.register("alice", "right")
    home.add_account("a", jid, "wrong", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    ev = b.wait_event("connection-state", state="failed")
    assert ev["error"] == "auth"
    assert "authentication failed" in ev["reason"]
    assert b.close() == 3      # never online: the login code
    b.wait_stderr("connect")


def test_no_server_is_refused(home, prosody):
    home.add_account("a", "alice@localhost", "x", port=prosody.port)
    prosody.stop()
    b = Batch(home, "-c", "/connect a")
    ev = b.wait_event("connection-state", state="failed")
    assert ev["error"] == "refused"
    assert "connection refused" in ev["reason"]
    assert b.close() == 3      # never online: the login code


def test_unknown_host(home):
    home.add_account("a", "alice@localhost", "x", server="no-such-host.invalid")
    b = Batch(home, "-c", "/connect a")
    ev = b.wait_event("connection-state", state="failed")
    assert ev["error"] == "unknown-host"
    assert "no-such-host.invalid" in ev["reason"]
    assert b.close() == 3      # never online: the login code


def test_server_without_starttls_is_refused_not_plaintext(home, make_prosody):
    p = make_prosody(tls=False)
    online(home, p)
    b = Batch(home, "--xml", "-c", "/connect a")
    ev = b.wait_event("connection-state", state="failed")
    assert ev["error"] == "starttls"
    assert "does not offer TLS" in ev["reason"]
    assert b.close() == 3      # never online: the login code
    assert not any(e["event"] == "raw-out" and "<auth" in e["xml"] for e in b.events)


def test_untrusted_certificate_prompt_then_trust_is_remembered(home, prosody):
    online(home, prosody)
    b = Batch(home, "-c", "/connect a")
    prompt = b.wait_event("certificate-prompt")
    fp = prosody.fingerprint()
    norm = lambda s: re.sub(r"[^0-9a-f]", "", s.lower())
    assert norm(prompt["fingerprint"]) == norm(fp)
    assert "localhost" in prompt["subject"]
    assert prompt["reason"]
    ev = b.wait_event("connection-state", state="failed")
    assert ev["error"] == "certificate"
    b.send("/tls trust a")
    b.wait_event("connection-state", state="online")
    b.send("/tls list")
    b.wait_event("command-output", text=re.compile(re.escape(prompt["fingerprint"])))
    assert b.close() == 3      # the first /connect failed: never online
    # Next run: no prompt, straight online.
    b2 = Batch(home, "-c", "/connect a")
    b2.wait_event("connection-state", state="online")
    assert b2.find("certificate-prompt") is None
    assert b2.close() == 0


def test_deny_certificate_does_not_connect(home, prosody):
    online(home, prosody)
    b = Batch(home, "-c", "/connect a")
    b.wait_event("certificate-prompt")
    b.wait_event("connection-state", state="failed")
    b.send("/tls deny a")
    b.wait_event("command-output", text=re.compile("refused"))
    b.send("/tls trust a")
    wait_for(lambda: "no certificate is waiting" in b.stderr, 5, "deny to forget")
    b.close()
    assert b.find("connection-state", state="online") is None


def _secrets(password, user="alice"):
    plain = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    return [password, plain, plain[:-2]]


def _check_no_password(home, b, password):
    log = home.log()
    assert "SENT" in log and "RECV" in log, "debug log should hold traffic"
    raw = "\n".join(e.get("xml", "") for e in b.events)
    assert "<auth" in raw and "[redacted]" in raw
    for s in _secrets(password):
        assert s not in log
        assert s not in raw
        assert s not in b.stderr
        assert s not in "".join(str(e) for e in b.events)


def test_password_never_logged_or_shown_with_plain(home, make_prosody):
    p = make_prosody(plain_only=True)
    pw = "Sup3r-Secret-Plain"
    online(home, p, password=pw)
    home.trust(p.fingerprint())
    b = Batch(home, "--xml", "-l", "debug", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    b.wait_event("raw-out", xml=re.compile(r'mechanism="PLAIN"'))
    assert b.close() == 0
    _check_no_password(home, b, pw)


def test_password_never_logged_or_shown_with_scram(home, prosody):
    pw = "Sup3r-Secret-Scram"
    online(home, prosody, password=pw)
    home.trust(prosody.fingerprint())
    b = Batch(home, "--xml", "-l", "debug", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    b.wait_event("raw-out", xml=re.compile(r'mechanism="SCRAM'))
    assert b.close() == 0
    _check_no_password(home, b, pw)


def test_eval_password(home, prosody):
    jid = prosody.register("alice", "from-command")
    home.add_account("a", jid, None, port=prosody.port,
                     eval_password="printf 'from-command\\n'")
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    assert b.close() == 0


def test_no_password_is_a_clear_error_in_batch(home, prosody):
    home.add_account("a", "alice@localhost", None, port=prosody.port)
    b = Batch(home, "-c", "/connect a")
    assert b.close() == 1
    b.wait_stderr("has no password")
    b.wait_stderr("/account set a password")


def test_one_shot_with_dash_a(home, prosody):
    online(home, prosody)
    home.trust(prosody.fingerprint())
    r = subprocess.run([NATTER, "-a", "a", "--batch", "-c", "/account show a"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       env=home.env, timeout=30)
    assert r.returncode == 0, r.stderr
    assert "connection-state account=a state=online" in r.stdout
    assert "********" in r.stdout and "secret1" not in r.stdout


def test_stream_error_conflict_is_reported(home, prosody):
    online(home, prosody, resource="fixed")
    home.trust(prosody.fingerprint())
    first = Batch(home, "-c", "/connect a")
    first.wait_event("connection-state", state="online")
    second = Batch(home, "-c", "/connect a")
    second.wait_event("connection-state", state="online")
    ev = first.wait_event("connection-state", state="disconnected")
    assert ev["error"] == "stream"
    assert "conflict" in ev["reason"]
    second.close()
    first.close()


def test_connection_lost_when_server_dies(home, prosody):
    online(home, prosody)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    prosody.proc.kill()
    ev = b.wait_event("connection-state", state="disconnected")
    assert ev["error"] == "lost", ev
    assert ev["reason"] == "connection lost: the server closed the connection"
    b.wait_event("connection-state", state="reconnecting")
    b.send("/account list")
    b.wait_event("command-output", text=re.compile(r"^a .*reconnecting"))
    b.send("/disconnect a")         # stops reconnecting
    b.wait_event("command-output", text=re.compile(r"^a .*reconnecting"))
    b.send("/account list")
    b.wait_event("command-output", text=re.compile(r"^a .*disconnected"))
    b.close()


def test_idle_connected_natter_sleeps(home, prosody):
    """Idle and connected, the loop sleeps in poll(): no ticking timers.
    libstrophe's non-blocking select() inside a turn is not a wake-up, so
    only poll/ppoll are counted."""
    online(home, prosody)
    home.trust(prosody.fingerprint())
    b = Batch(home, "--xml", "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    b.wait_event("info", text=re.compile("roster received"))

    def quiet():   # no traffic for a second (stream-management acks settle)
        with b._lock:
            n = len(b.events)
        time.sleep(1)
        with b._lock:
            return len(b.events) == n
    wait_for(quiet, 10, "traffic to settle")
    st = subprocess.Popen(["strace", "-f", "-c", "-e", "trace=poll,ppoll",
                           "-p", str(b.proc.pid)], stderr=subprocess.PIPE, text=True)
    first = st.stderr.readline()        # strace says it attached
    assert "attached" in first, first
    time.sleep(3)   # the measurement window, not a wait for a condition
    st.send_signal(2)
    out = st.communicate(timeout=10)[1]
    total = re.search(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?total\s*$", out, re.M)
    calls = int(total.group(1)) if total else 0
    assert calls <= 1, out
    b.close()


def test_keepalive_cycle_wakes_twice(home, prosody):
    """Idle with keepalive pings every 2 s: each ping costs two wake-ups
    (the timer, the answer) and one poll that finds the socket writable,
    with no follow-up pass after the lone answer; the next ping is due a
    full conn.ping_idle after the answer, not after the ping timeout."""
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "--xml", "-c", "/set conn.ping_idle 2", "-c", "/set conn.ping_timeout 20",
              "-c", "/connect a")
    b.wait_event("connection-state", state="online")
    wait_for(lambda: _ping_answers(b) >= 1, 10, lambda: b.events[-5:])
    st = subprocess.Popen(["strace", "-f", "-c", "-e", "trace=poll,ppoll",
                           "-p", str(b.proc.pid)], stderr=subprocess.PIPE, text=True)
    assert "attached" in st.stderr.readline()
    # The window runs from one answered ping to three answers later, so it
    # holds three whole cycles whatever the lag of the event reader (a
    # window of fixed length cut a cycle whose event was not yet read).
    start = _ping_answers(b)
    wait_for(lambda: _ping_answers(b) >= start + 3, 15, lambda: b.events[-5:])
    st.send_signal(2)
    out = st.communicate(timeout=10)[1]
    total = re.search(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?total\s*$", out, re.M)
    calls = int(total.group(1)) if total else 0
    assert 0 < calls <= 3 * 3 + 1, out
    b.close()


def _ping_answers(b):
    """How many keepalive pings have had their result read so far."""
    with b._lock:
        evs = list(b.events)
    ident = re.compile(r"""\bid=["']([^"']+)["']""")
    pings = {m.group(1) for e in evs if e.get("event") == "raw-out"
             and "urn:xmpp:ping" in e.get("xml", "")
             for m in [ident.search(e["xml"])] if m}
    return sum(1 for e in evs if e.get("event") == "raw-in"
               and re.search(r"""type=["']result""", e.get("xml", ""))
               and (m := ident.search(e["xml"])) and m.group(1) in pings)


def test_eval_password_runs_without_blocking(home, prosody):
    # The command takes a while: the TUI keeps answering meanwhile.
    jid = prosody.register("alice", "slow-pw")
    marker = home.root / "started"
    home.add_account("a", jid, port=prosody.port,
                     eval_password=f"touch {marker}; sleep 3; printf 'slow-pw\\n'")
    home.trust(prosody.fingerprint())
    t = Tui(home)
    try:
        t.wait_screen(r"/help lists the commands")
        t.command("/connect a")
        wait_for(marker.exists, 10, "eval_password to start")
        t.command("/about")
        t.wait_screen(r"natter \d+\.\d+\.\d+, a terminal XMPP client", timeout=2)
        assert "online as" not in t.screen()
        t.wait_screen(r"a: online as alice@localhost/", timeout=15)
    finally:
        t.close()


def test_eval_password_failure_message(home, prosody):
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, port=prosody.port, eval_password="exit 3")
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    wait_for(lambda: "eval_password of 'a' failed or printed nothing" in b.stderr, 10,
             lambda: b.stderr)
    assert b.close() == 1


def test_refused_names_host_and_port(home, prosody):
    port = prosody.port
    home.add_account("a", "alice@localhost", "x", port=port)
    prosody.stop()
    b = Batch(home, "-c", "/connect a")
    ev = b.wait_event("connection-state", state="failed")
    assert ev["reason"] == f"connection refused by 127.0.0.1 port {port}"
    assert b.close() == 3      # never online: the login code


def _tui_unknown_host(home, line):
    t = Tui(home)
    try:
        t.wait_screen(r"/help lists the commands")
        t.command(line)
        t.wait_screen(r"unknown host no-such-host\.invalid")
        t.command("/about")     # everything the attempt printed is shown
        t.wait_screen(r"a terminal XMPP client")
        return t.screen()
    finally:
        t.close()


def test_unknown_host_is_reported_once(home):
    home.add_account("a", "alice@localhost", "x", server="no-such-host.invalid")
    screen = _tui_unknown_host(home, "/connect a")
    assert screen.count("unknown host no-such-host.invalid") == 1, screen


def test_unknown_host_fails_without_asking_a_password(home):
    screen = _tui_unknown_host(
        home, "/connect carol@localhost server no-such-host.invalid")
    assert "Password for" not in screen, screen
    assert screen.count("unknown host no-such-host.invalid") == 1, screen
