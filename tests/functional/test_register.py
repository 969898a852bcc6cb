# SPDX-License-Identifier: MIT
"""In-band registration (XEP-0077) with /register against Prosody."""
import re

from natterlib import Batch, Peer, wait_for


def reg(home, prosody, line):
    home.trust(prosody.fingerprint())
    b = Batch(home, xml=True)
    b.send(line)
    return b


def test_register_creates_an_account_a_client_can_use(home, make_prosody):
    prosody = make_prosody(registration=True)
    b = reg(home, prosody, f"/register newbie@localhost server 127.0.0.1 port {prosody.port} "
                           "password Fresh-Pw-42")
    b.wait_event("command-output", text="registered newbie@localhost")
    b.wait_event("command-output", text=re.compile(r"account 'newbie@localhost' added"))
    b.wait_event("command-result", command="register", status="ok")
    # The password was never shown in the raw traffic.
    assert not [e for e in b.events if "Fresh-Pw-42" in str(e)]
    assert any("<password>[redacted]</password>" in e.get("xml", "") for e in b.events
               if e.get("event") == "raw-out")
    assert b.close() == 0
    # The new account works: a client logs in with it.
    peer = Peer.__new__(Peer)
    import subprocess, threading, json, pathlib
    peer.jid = "newbie@localhost"
    peer.proc = subprocess.Popen(
        ["/usr/bin/python3", str(pathlib.Path(__file__).parent / "peer.py"),
         "newbie@localhost", "Fresh-Pw-42", str(prosody.port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, bufsize=1)
    peer.events = []
    peer._lock = threading.Lock()
    threading.Thread(target=peer._read, daemon=True).start()
    try:
        peer.wait("online", timeout=20)
    finally:
        peer.close()
    accounts = (home.config / "natter" / "accounts").read_text()
    assert "jid=newbie@localhost" in accounts and "Fresh-Pw-42" not in accounts


def test_register_taken_name_refused(home, make_prosody):
    prosody = make_prosody(registration=True)
    prosody.register("taken", "pw")
    b = reg(home, prosody, f"/register taken@localhost server 127.0.0.1 port {prosody.port} "
                           "password whatever")
    b.wait_event("command-result", command="register", status="error")
    wait_for(lambda: "registration refused: taken@localhost is taken" in b.stderr, 10,
             lambda: b.stderr)
    assert b.close() == 1


def test_register_not_offered(home, prosody):
    b = reg(home, prosody, f"/register x@localhost server 127.0.0.1 port {prosody.port} "
                           "password whatever")
    b.wait_event("command-result", command="register", status="error")
    b.wait_stderr("does not offer in-band registration (XEP-0077)")
    assert b.close() == 1


def test_register_needs_a_password_in_batch(home, prosody):
    b = Batch(home)
    b.send("/register x@localhost")
    b.wait_event("command-result", command="register", status="error")
    b.wait_stderr("no password: /register x@localhost password PASSWORD")
    assert b.close() == 1


def test_register_in_the_tui_asks_twice_masked(home, make_prosody):
    from natterlib import Tui
    prosody = make_prosody(registration=True)
    home.trust(prosody.fingerprint())
    t = Tui(home)
    try:
        t.wait_screen(r"/help lists the commands")
        t.command(f"/register tuinew@localhost server 127.0.0.1 port {prosody.port}")
        t.wait_screen(r"Password for the new account tuinew@localhost:")
        t.type("Masked-Pw-7")
        t.wait_screen(r"\*{11}")
        assert "Masked-Pw-7" not in t.screen()
        t.keys("Enter")
        t.wait_screen(r"Same password again:")
        t.type("Masked-Pw-7")
        t.keys("Enter")
        t.wait_screen(r"registered tuinew@localhost")
        t.wait_screen(r"account 'tuinew@localhost' added")
        # A line with a password option stays out of the input history.
        t.command("/account set tuinew@localhost password Secret-in-line")
        t.keys("Up")
        wait_for(lambda: "Secret-in-line" not in t.screen().splitlines()[-1], 5,
                 lambda: t.screen())
        assert "Masked-Pw-7" not in t.screen()
    finally:
        t.close()


def test_quitting_during_a_registration_is_clean(home):
    # A server that accepts the connection and never answers.
    import socket
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    try:
        b = Batch(home, "-c", f"/register x@localhost server 127.0.0.1 port {port} "
                              "password pw")
        conn, _ = srv.accept()
        rc = b.close(timeout=30)          # end of input: natter quits
        assert rc == 1                    # failed, no crash, no leak (ASan build)
        b.wait_stderr("natter is quitting")
        conn.close()
    finally:
        srv.close()
