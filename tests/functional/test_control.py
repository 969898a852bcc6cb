# SPDX-License-Identifier: MIT
"""The control socket (PRODUCT §9, issue 17 item 5): --control PATH, a UNIX
socket (0600) taking command lines with ids; each request answered by one
JSON object with its id, its output and ok/error; /subscribe streams events."""
import json
import os
import re
import socket
import stat
import subprocess

import natterlib
from natterlib import NATTER, Batch, Tui, wait_for


class Client:
    """A control-socket client: JSON lines in, parsed as they come."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(path))
        self.sock.settimeout(0.2)
        self.buf = b""
        self.items = []

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def _pump(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        if not data:
            raise EOFError("control socket closed")
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.items.append(json.loads(line))

    def find(self, **fields):
        for it in self.items:
            if all(it.get(k) == v for k, v in fields.items()):
                return it
        return None

    def wait(self, timeout=15, **fields):
        def got():
            found = self.find(**fields)
            if found is None:
                self._pump()
            return found
        return wait_for(got, timeout, lambda: f"{fields} in {self.items[-5:]}")

    def close(self):
        self.sock.close()


def login(home, prosody, sock, extra=()):
    b, jid = natterlib.login(home, prosody,
                             extra=("--control", str(sock), *extra))
    wait_for(lambda: sock.exists(), 5, "control socket")
    return b, jid


def test_socket_is_private_and_removed_at_exit(home, prosody, make_peer):
    sock = home.root / "ctl.sock"
    b, alice = login(home, prosody, sock)
    st = os.lstat(sock)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert b.close() == 0
    assert not sock.exists()


def test_refused_on_foreign_or_non_socket_path(home, tmp_path):
    foreign = home.root / "foreign.sock"
    foreign.write_text("")
    os.chown(foreign, 65534, 65534)   # nobody
    p = subprocess.run([NATTER, "--batch", "--control", str(foreign)],
                       input="", capture_output=True, text=True,
                       env=home.env, timeout=20)
    assert p.returncode != 0
    assert "another user" in p.stderr
    assert foreign.exists()
    plain = home.root / "plain"
    plain.write_text("keep me")
    p = subprocess.run([NATTER, "--batch", "--control", str(plain)],
                       input="", capture_output=True, text=True,
                       env=home.env, timeout=20)
    assert p.returncode != 0
    assert "not a socket" in p.stderr
    assert plain.read_text() == "keep me"


def test_stale_socket_replaced(home):
    sock = home.root / "ctl.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(sock))
    s.close()                       # bound, nobody listening: stale
    b = Batch(home, "--control", str(sock))
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send("1 /set batch.flush_timeout")
    assert c.wait(id=1)["result"] == "ok"
    assert b.close() == 0
    assert not sock.exists()


def _try_connect(path):
    try:
        return Client(path)
    except OSError:
        return None


def test_msg_result_and_subscribed_reply(home, prosody, make_peer):
    bob = make_peer("bob")
    sock = home.root / "ctl.sock"
    b, alice = login(home, prosody, sock)
    c = Client(sock)
    c.send(f"42 /msg {bob.jid} hi from control")
    res = c.wait(id=42)
    assert res["result"] == "ok", res
    bob.wait("message", body="hi from control")
    c.send("43 /subscribe message-received")
    assert c.wait(id=43)["result"] == "ok"
    bob.send(alice, "reply to control")
    ev = c.wait(event="message-received", body="reply to control")
    assert ev["from"].startswith(bob.jid)
    # an error has the id too, with the command's own message
    c.send("44 /nosuchcommand")
    res = c.wait(id=44)
    assert res["result"] == "error"
    assert any("unknown command" in line for line in res["output"])
    # a command that is not script-safe is refused here
    c.send("45 /win console")
    res = c.wait(id=45)
    assert res["result"] == "error" and "not allowed here" in res["error"]
    # after /unsubscribe no more events
    c.send("46 /unsubscribe")
    assert c.wait(id=46)["result"] == "ok"
    bob.send(alice, "after unsubscribe")
    b.wait_event("message-received", body="after unsubscribe")
    c.send("47 /subscribe no-such-kind")
    res = c.wait(id=47)
    assert res["result"] == "error" and "no-such-kind" in res["error"]
    assert c.find(event="message-received", body="after unsubscribe") is None
    c.close()
    assert b.close() == 0


def test_two_clients_get_their_own_results(home):
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    c1 = wait_for(lambda: _try_connect(sock), 10, "connect")
    c2 = Client(sock)
    c1.send("1 /help set")
    c2.send("7 /alias list")
    c2.send("8 /help quit")
    r1 = c1.wait(id=1)
    r8 = c2.wait(id=8)
    r7 = c2.find(id=7)
    assert r1["result"] == "ok" and r7["result"] == "ok"
    assert any("quit" in line for line in r8["output"])
    assert c2.items.index(r7) < c2.items.index(r8)   # answered in order
    c1._pump()      # anything misrouted to c1 was written before r8
    assert c1.find(id=7) is None and c1.find(id=8) is None
    assert c2.find(id=1) is None
    c1.close()
    c2.close()
    assert b.close() == 0


def test_overlong_line_refused(home):
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send("5 /help " + "x" * 70000)
    res = c.wait(id=None, result="error")
    assert "longer than 65536 bytes" in res["error"]
    c.send("6 /help quit")
    assert c.wait(id=6)["result"] == "ok"
    assert c.find(id=5) is None
    c.close()
    assert b.close() == 0


def test_slow_client_dropped(home):
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    slow = wait_for(lambda: _try_connect(sock), 10, "connect")
    slow.sock.settimeout(None)
    # asks for far more than 1 MiB of answers and reads none of it
    req = b"".join(b"%d /help\n" % i for i in range(3000))
    try:
        slow.sock.sendall(req)
    except OSError:
        pass        # dropped while still sending: also fine
    b.wait_event("error", text=_re(r"control client.*dropped"))
    assert b.proc.poll() is None
    fast = Client(sock)
    fast.send("1 /help quit")
    assert fast.wait(id=1)["result"] == "ok"
    fast.close()
    slow.close()
    assert b.close() == 0


def test_disconnect_mid_command(home):
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send("1 /exec -t 5 sleep 1; echo late")
    c.close()
    b.wait_event("exec-exit")
    c2 = Client(sock)
    c2.send("2 /help quit")
    assert c2.wait(id=2)["result"] == "ok"
    c2.close()
    assert b.close() == 0


def _re(s):
    import re
    return re.compile(s)


def test_pending_command_answered_in_order_as_text_frames(home):
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send("/format text")
    c.send("1 /exec -t 5 sleep 0.3; echo slow")
    c.send("2 /help quit")
    c.send("3 /nosuchcommand")
    text = b""

    def got_all():
        nonlocal text
        try:
            text += c.sock.recv(65536)
        except socket.timeout:
            pass
        return b"%error 3\n" in text
    wait_for(got_all, 15, lambda: f"frames; got {text!r}")
    lines = text.decode().split("\n")
    assert lines[0] == "%begin -" and lines[1] == "%end -"
    assert lines.index("%begin 1") < lines.index("%end 1") < \
        lines.index("%begin 2") < lines.index("%end 2") < lines.index("%begin 3")
    frame3 = lines[lines.index("%begin 3") + 1:lines.index("%error 3")]
    assert any("unknown command" in line for line in frame3)
    c.close()
    assert b.close() == 0


def test_preference_opens_and_closes_socket(home):
    sock = home.root / "pref.sock"
    b = Batch(home)
    b.send(f"/set control.socket {sock}")
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send("1 /unread")
    res = c.wait(id=1)
    assert res["result"] == "ok" and res["output"] == ["total 0"]
    c.close()
    b.send("/set control.socket \"\"")
    wait_for(lambda: not sock.exists(), 10, "socket removed")
    b.send(f"/set control.socket {sock}")
    wait_for(lambda: sock.exists(), 10, "socket again")
    assert b.close() == 0
    assert not sock.exists()
    # saved in natterrc, so the next start opens it at once
    b = Batch(home)
    c = wait_for(lambda: _try_connect(sock), 10, "connect at start")
    c.send("2 /unread")
    assert c.wait(id=2)["result"] == "ok"
    c.close()
    assert b.close() == 0


def test_tui_with_control_and_unread(home, prosody, make_peer):
    bob = make_peer("bob")
    sock = home.root / "ctl.sock"
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a", "--control", str(sock))
    try:
        t.wait_screen(r"online\]")
        c = wait_for(lambda: _try_connect(sock), 10, "connect")
        bob.send(jid, "one")
        bob.send(jid, "two")
        t.wait_screen(r"\[2:bob@localhost")

        def unread():
            c.items.clear()
            c.send("1 /unread")
            res = c.wait(id=1)
            # both messages: the first may be counted before the second
            return res if res["output"][0] == "total 2" else None
        res = wait_for(unread, 10, "two unread lines")
        assert res["result"] == "ok"
        assert res["output"][0] == "total 2"
        assert res["output"][1].startswith("2 bob@localhost 2")
        c.send(f"2 /msg {bob.jid} sent from a script")
        assert c.wait(id=2)["result"] == "ok"
        bob.wait("message", body="sent from a script")
        c.close()
        t.command("/quit")
        t.wait_screen(r"NATTER-EXIT=0")
        assert not sock.exists()
    finally:
        t.close()


def test_source_result_is_an_error_when_a_line_fails(home):
    good = home.root / "good.natter"
    good.write_text("-/nosuchcommand\n/exec echo fine\n")
    bad = home.root / "bad.natter"
    bad.write_text("/exec echo first\n/nosuchcommand\n/exec echo never\n")
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send(f"1 /source {good}")
    c.send(f"2 /source {bad}")
    assert c.wait(id=1)["result"] == "ok"
    res = c.wait(id=2)
    assert res["result"] == "error"
    assert f"{bad}:2: unknown command /nosuchcommand" in res["error"]
    c.close()
    b.close()
    lines = [e["line"] for e in b.events if e.get("event") == "exec-output"]
    assert lines == ["fine", "first"]


def test_window_requests_are_events_in_batch_and_control(home, prosody,
                                                          make_peer):
    """Commands ask for windows with events (issue 17 item 0): /msg, /join
    and /search -j emit window-open / window-jump, which batch prints and
    control clients may subscribe to, as the TUI acts on them."""
    bob = make_peer("bob")
    sock = home.root / "ctl.sock"
    b, alice = login(home, prosody, sock)
    b.send(f"/msg {bob.jid}")
    ev = b.wait_event("window-open", window="chat", peer=bob.jid)
    assert ev["focus"] == "yes" and ev["account"]
    b.send("/join lounge@conference.localhost")
    b.wait_event("window-open", window="room",
                 peer="lounge@conference.localhost")
    b.wait_event("command-result", command="join", status="ok")
    bob.send(alice, "a needle here")
    got = b.wait_event("message-received", body="a needle here")
    b.send("/search needle")
    b.wait_event("command-output", text=re.compile(r"^\[1\] "))
    b.send("/search -j 1")
    jump = b.wait_event("window-jump", peer=bob.jid)
    assert jump["window"] == "chat" and jump["result"] == "1"
    assert jump["id"] == got["id"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$",
                              jump["message_time"])
    c = Client(sock)
    c.send("1 /subscribe window-open")
    assert c.wait(id=1)["result"] == "ok"
    c.send("2 /msg carol@localhost")
    assert c.wait(id=2)["result"] == "ok"
    ev = c.wait(event="window-open", peer="carol@localhost")
    assert ev["window"] == "chat"
    # with no window to show it in, /history prints instead
    b.send(f"/win {bob.jid}")
    b.send("/history 5")
    b.wait_event("command-output", text=re.compile("a needle here"))
    assert b.find("window-history") is None
    c.close()
    assert b.close() == 0


def test_window_commands_are_events_and_wins_reads_the_window_list(
        home, prosody, make_peer):
    """/win, /close and /clear are events (issue 17 item 0), checked by
    the command layer against the window list. Batch mode has no
    windows: /win JID makes JID window 2, the target of later lines,
    which /wins lists; /close and /clear need the full-screen interface."""
    bob = make_peer("bob")
    sock = home.root / "ctl.sock"
    b, alice = login(home, prosody, sock)
    b.send(f"/win {bob.jid}")
    b.wait_event("window-select", window="2", name=bob.jid)
    b.send("/wins")
    b.wait_event("command-output", text="1: console")
    b.wait_event("command-output", text=f"2: {bob.jid} (current)")
    b.send("follows the target")
    bob.wait("message", body="follows the target")
    b.send("/win console")
    b.wait_event("window-select", window="1", name="console")
    b.send("/wins")
    b.wait_event("command-output", text="1: console (current)")
    b.send("/close")
    b.wait_event("command-result", command="close", status="error")
    wait_for(lambda: "/close works only in the full-screen interface"
             in b.stderr, 10, "the error on stderr")
    assert b.find("window-close") is None
    assert b.close() == 1


def test_tui_window_commands_reach_control_clients(home, prosody, make_peer):
    """What the TUI does with /win, /clear, /close a control client sees
    as window-select, window-clear and window-close events; /wins in the
    TUI reads the window list the TUI keeps in the core."""
    bob = make_peer("bob")
    sock = home.root / "ctl.sock"
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    t = Tui(home, "-a", "a", "--control", str(sock))
    try:
        t.wait_screen(r"online\]")
        c = wait_for(lambda: _try_connect(sock), 10, "connect")
        c.send("1 /subscribe window-select window-close window-clear")
        assert c.wait(id=1)["result"] == "ok"
        bob.send(jid, "hello there")
        t.wait_screen(r"\[2:bob@localhost")
        t.command("/wins")
        t.wait_screen(r"2: bob@localhost \(account a, 1 unread line\b")
        t.command("/win 7")
        t.wait_screen(r"no window 7 \(/wins lists them\)")
        t.command("/win bob")
        ev = c.wait(event="window-select")
        assert ev["window"] == "2" and ev["name"] == "bob@localhost"
        t.wait_screen(r"hello there")
        t.command("/clear")
        ev = c.wait(event="window-clear")
        assert ev["window"] == "2" and ev["name"] == "bob@localhost"
        t.command("/close")
        ev = c.wait(event="window-close")
        assert ev["window"] == "2" and ev["name"] == "bob@localhost"
        t.command("/wins")
        t.wait_screen(r"1: console \(current\)")
        assert "bob@localhost" not in t.screen().split("1: console")[-1]
        c.close()
        t.command("/quit")
        t.wait_screen(r"NATTER-EXIT=0")
    finally:
        t.close()


def test_control_commands_run_through_the_command_table(home):
    """/subscribe, /unsubscribe and /format are dispatched like every
    other command (one path): an alias can stand for them, their words
    are parsed (quotes), and their errors are the command's own."""
    sock = home.root / "ctl.sock"
    b = Batch(home, "--control", str(sock))
    b.send("/alias ex /subscribe exec-output")
    b.wait_event("command-result", command="alias", status="ok")
    c = wait_for(lambda: _try_connect(sock), 10, "connect")
    c.send("1 /ex")
    assert c.wait(id=1)["result"] == "ok"
    c.send("2 /exec echo seen")
    assert c.wait(id=2)["result"] == "ok"
    assert c.wait(event="exec-output")["line"] == "seen"
    c.send("3 /subscribe no-such-kind")
    res = c.wait(id=3)
    assert res["result"] == "error"
    assert res["error"] == "unknown event kind 'no-such-kind'"
    c.send("4 /format yaml")
    assert c.wait(id=4)["error"] == "usage: /format json|text"
    c.send('5 /format "text"')
    text = b""

    def framed():
        nonlocal text
        try:
            text += c.sock.recv(65536)
        except socket.timeout:
            pass
        return b"%end 5\n" in text
    wait_for(framed, 10, lambda: f"a text frame; got {text!r}")
    c.close()
    b.send("/subscribe")
    b.wait_event("command-result", command="subscribe", status="error")
    wait_for(lambda: "applies only to a control connection" in b.stderr,
             10, "the error on stderr")
    assert b.close() == 1
