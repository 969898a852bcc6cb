# SPDX-License-Identifier: MIT
"""Accounts: what the accounts file keeps, and removing accounts safely."""
import re
import shutil
import subprocess

import pytest

from natterlib import NATTER, Batch, free_port, wait_for

VALGRIND = shutil.which("valgrind")


def accounts_text(home):
    p = home.config / "natter" / "accounts"
    return p.read_text() if p.exists() else ""


def _asan_build():
    with open(NATTER, "rb") as f:
        return b"__asan_init" in f.read()


def test_remove_account_after_failed_connect_is_memory_safe(home):
    """An account whose login failed is removed, then natter quits: the
    connection state of the removed account must not be touched after
    the account is freed. valgrind reports any invalid access; a
    sanitizer build (which valgrind cannot run) reports it itself."""
    home.add_account("a", "alice@localhost", "x", port=free_port())
    if _asan_build():
        wrapper = []
    elif VALGRIND is not None:
        wrapper = [VALGRIND, "-q", "--error-exitcode=99"]
    else:
        pytest.skip("valgrind is not installed")
    r = subprocess.run(
        wrapper + [NATTER, "--batch", "-c", "/connect a",
                   "-c", "/account remove a"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env=home.env, timeout=120)
    assert "state=failed" in r.stdout, r.stdout + r.stderr
    assert "account 'a' removed" in r.stdout, r.stdout + r.stderr
    assert "Invalid" not in r.stderr, r.stderr
    assert "AddressSanitizer" not in r.stderr, r.stderr
    assert r.returncode == 3, r.stderr       # the /connect failed (never online), nothing else
    assert "[a]" not in accounts_text(home)



def test_connect_jid_that_fails_is_not_saved_in_batch(home):
    """/connect JID with nothing listening on the port: no accounts entry."""
    port = free_port()
    b = Batch(home, "-c", f"/connect carol@localhost server 127.0.0.1 port {port}")
    assert b.close() == 1      # refused before trying: no password
    assert "carol@localhost" not in accounts_text(home)


def _connect_typed(t, jid, host, port, password):
    t.wait_screen(r"/help lists the commands")
    t.command(f"/connect {jid} server {host} port {port}")
    t.wait_screen(r"Password for " + re.escape(jid) + ":")
    t.type(password)
    t.keys("Enter")


def test_wrong_password_leaves_no_account_entry(home, prosody, tui_factory):
    prosody.register("carol", "right-pw")
    home.trust(prosody.fingerprint())
    t = tui_factory()
    _connect_typed(t, "carol@localhost", "127.0.0.1", prosody.port, "wrong-pw")
    t.wait_screen(r"authentication failed")
    t.command("/quit")
    wait_for(lambda: "NATTER-EXIT" in t.screen(), 10, "natter to quit")
    assert "carol@localhost" not in accounts_text(home)


def test_refused_port_leaves_no_account_entry(home, tui_factory):
    t = tui_factory()
    _connect_typed(t, "carol@localhost", "127.0.0.1", free_port(), "pw")
    t.wait_screen(r"connection refused")
    t.command("/quit")
    wait_for(lambda: "NATTER-EXIT" in t.screen(), 10, "natter to quit")
    assert "carol@localhost" not in accounts_text(home)


def test_successful_connect_saves_jid_server_and_port(home, prosody, tui_factory):
    prosody.register("carol", "right-pw")
    home.trust(prosody.fingerprint())
    t = tui_factory()
    _connect_typed(t, "carol@localhost", "127.0.0.1", prosody.port, "right-pw")
    t.wait_screen(r"\[carol@localhost online\]")
    text = wait_for(lambda: "[carol@localhost]" in accounts_text(home)
                    and accounts_text(home), 5, "the account to be saved")
    assert "jid=carol@localhost" in text
    assert "server=127.0.0.1" in text
    assert f"port={prosody.port}" in text
    assert "right-pw" not in text


def test_msg_uses_the_only_account_online(home, prosody, make_peer):
    """Two accounts, one online: /msg without an account uses that one
    instead of asking which."""
    bob = make_peer("bob")
    jid = prosody.register("alice", "pw")
    home.add_account("a", jid, "pw", port=prosody.port)
    home.add_account("other", "zoe@localhost", "pw", port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, "-c", "/connect a")
    b.wait_event("connection-state", account="a", state="online")
    b.send(f"/msg {bob.jid} hello from the only one online")
    b.wait_event("message-sent", account="a", body="hello from the only one online")
    bob.wait("message", body="hello from the only one online")
    assert b.close() == 0
    assert "which account" not in b.stderr
