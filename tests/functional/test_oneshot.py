# SPDX-License-Identifier: MIT
"""One-shot sends (issue 17, item 7): `natter -a ACCOUNT --batch -c
'/msg ...' < /dev/null` leaves as soon as the server confirmed the
message, and its exit status says what happened (man page, EXIT STATUS):
0 delivered, 2 usage error, 3 connection or login failure, 4 bounced or
room join refused, 5 still unconfirmed at the --wait deadline."""
import subprocess
import time

from natterlib import NATTER, Batch, free_port, login

ROOM = "lounge@conference.localhost"


def account(home, prosody, password="pw", **keys):
    jid = prosody.register("alice", "pw")
    keys.setdefault("port", prosody.port)
    home.add_account("a", jid, password, **keys)
    home.trust(prosody.fingerprint())
    return jid


def oneshot(home, *args, stdin="", timeout=30):
    """Run natter --batch with args and stdin; (exit status, seconds,
    stdout, stderr)."""
    t0 = time.monotonic()
    p = subprocess.run([NATTER, "--batch", *args], input=stdin, text=True,
                       capture_output=True, env=home.env, timeout=timeout)
    return p.returncode, time.monotonic() - t0, p.stdout, p.stderr


def test_delivered_message_exits_0_at_once(home, prosody, make_peer):
    bob = make_peer("bob")
    account(home, prosody)
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", f'/msg {bob.jid} "build done"')
    assert rc == 0, err
    assert secs < 3, secs
    bob.wait("message", body="build done")
    assert "message-confirmed" in out


def test_room_message_exits_0(home, prosody, make_peer):
    bob = make_peer("bob")
    account(home, prosody)
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", f"/join {ROOM} nick ally",
                                 "-c", f"/msg {ROOM} hello room")
    assert rc == 0, err
    assert secs < 3, secs
    assert "room-joined" in out and "message-confirmed" in out, out


def test_body_lines_from_stdin(home, prosody, make_peer):
    bob = make_peer("bob")
    account(home, prosody)
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", f"/win {bob.jid}",
                                 stdin="first line\nsecond line\n")
    assert rc == 0, err
    bob.wait("message", body="first line")
    bob.wait("message", body="second line")
    assert out.count("message-confirmed") == 2, out


def test_unknown_local_user_bounces_4(home, prosody):
    account(home, prosody)
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", "/msg nobody@localhost hi")
    assert rc == 4, (out, err)
    assert "message-failed" in out
    assert secs < 5, secs


def test_unknown_domain_bounces_4(home, prosody):
    account(home, prosody)
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", "/msg x@nonexistent.invalid hi")
    assert rc == 4, (out, err)
    assert "message-failed" in out
    assert secs < 5, secs


def test_room_join_refused_4(home, prosody):
    account(home, prosody)
    rc, secs, out, err = oneshot(home, "-a", "a", "-c",
                                 "/join room@conference.nonexistent.invalid")
    assert rc == 4, (out, err)
    assert secs < 5, secs


def test_wrong_password_3(home, prosody):
    account(home, prosody, password="wrong")
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", "/msg bob@localhost hi")
    assert rc == 3, (out, err)
    assert secs < 5, secs


def test_unknown_host_3(home, prosody):
    account(home, prosody, server="host.nonexistent.invalid")
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", "/msg bob@localhost hi")
    assert rc == 3, (out, err)
    assert secs < 5, secs


def test_connection_refused_3(home, prosody):
    account(home, prosody, port=free_port())
    rc, secs, out, err = oneshot(home, "-a", "a", "-c", "/msg bob@localhost hi")
    assert rc == 3, (out, err)
    assert secs < 5, secs


def test_frozen_server_with_wait_2_exits_5(home, prosody, make_peer):
    bob = make_peer("bob")
    account(home, prosody)
    b = Batch(home, "-a", "a", "--wait", "2")
    b.wait_event("connection-state", state="online")
    prosody.freeze()
    try:
        b.send(f"/msg {bob.jid} into the void")
        b.wait_event("message-pending")
        t0 = time.monotonic()
        rc = b.close(timeout=20)
        secs = time.monotonic() - t0
    finally:
        prosody.thaw()
    assert rc == 5, b.stderr
    # --wait 2 bounds the whole exit: the stream close the frozen server
    # never answers is not waited for past it (proto_shutdown)
    assert 1.9 < secs < 3.5, secs
    b.wait_stderr("not confirmed")


def test_quit_leaves_as_soon_as_the_server_closes(home, prosody):
    b, jid = login(home, prosody)
    t0 = time.monotonic()
    b.send("/quit")
    rc = b.wait_exit()
    secs = time.monotonic() - t0
    assert rc == 0, b.stderr
    # the server answered our </stream:stream> at once: no waiting out
    # the 1 s cap of proto_shutdown
    assert secs < 0.6, secs


def test_bad_option_2(home):
    rc, secs, out, err = oneshot(home, "--no-such-option")
    assert rc == 2
    assert "natter --help" in err
    rc, secs, out, err = oneshot(home, "--wait", "soon")
    assert rc == 2, err


def test_exit_statuses_in_help(home):
    p = subprocess.run([NATTER, "--help"], capture_output=True, text=True,
                       env=home.env)
    assert p.returncode == 0
    for code in range(6):
        assert f"  {code} " in p.stdout, p.stdout
