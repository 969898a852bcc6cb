# SPDX-License-Identifier: MIT
"""Accounts: what the accounts file keeps, and removing accounts safely."""
import shutil
import subprocess

import pytest

from natterlib import NATTER, free_port

VALGRIND = shutil.which("valgrind")


def accounts_text(home):
    p = home.config / "natter" / "accounts"
    return p.read_text() if p.exists() else ""


@pytest.mark.skipif(VALGRIND is None, reason="valgrind is not installed")
def test_remove_account_after_failed_connect_is_memory_safe(home):
    """An account whose login failed is removed, then natter quits: the
    connection state of the removed account must not be touched after
    the account is freed (valgrind reports any invalid access)."""
    home.add_account("a", "alice@localhost", "x", port=free_port())
    r = subprocess.run(
        [VALGRIND, "-q", "--error-exitcode=99", NATTER, "--batch",
         "-c", "/connect a", "-c", "/account remove a"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env=home.env, timeout=120)
    assert "state=failed" in r.stdout, r.stdout + r.stderr
    assert "account 'a' removed" in r.stdout, r.stdout + r.stderr
    assert "Invalid" not in r.stderr, r.stderr
    assert r.returncode == 1, r.stderr       # the /connect failed, nothing else
    assert "[a]" not in accounts_text(home)
