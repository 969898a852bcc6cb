# SPDX-License-Identifier: MIT
"""What natter does before the user sees anything (PRODUCT §12: start to
input prompt, start to roster): no waiting on the disk."""
import re
import select
import shutil
import subprocess
import time

import pytest

from natterlib import NATTER, Batch, wait_for


def read_until(proc, needle, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.5)
        if r and needle in proc.stdout.readline():
            return
    raise AssertionError(f"no {needle!r} from natter in {timeout} s")


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_first_start_does_not_sync_the_new_history(home):
    """Creating the history database on the first start costs no
    fdatasync(): the schema of an empty database is not worth waiting for
    the disk (messages stored later are synced at checkpoints as before).
    natter opens it at its first lull (5 ms with nothing to do), here
    while it waits for more input."""
    trace = home.root / "trace"
    st = subprocess.Popen(["strace", "-f", "-o", str(trace), "-e",
                           "trace=fsync,fdatasync,openat", NATTER, "--batch",
                           "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, env=home.env, text=True)
    try:
        st.stdin.write("/help quit\n")
        st.stdin.flush()
        read_until(st, "command-output")
        wait_for(lambda: "history.db-wal" in trace.read_text(), 10,
                 "history opened")
        before_exit = trace.read_text()
    finally:
        st.stdin.close()
        st.wait(15)
    assert "history.db" in before_exit, before_exit
    assert not re.search(r"\bf(data)?sync\(", before_exit), before_exit
    assert (home.data / "natter" / "history.db").exists()


def maps(pid):
    with open(f"/proc/{pid}/maps") as f:
        return f.read()


def test_libotr_is_opened_on_first_use(home):
    """libotr and libgcrypt are not linked: a session that uses no OTR
    never maps them (memory after login, start time); the first OTR
    command opens them."""
    home.add_account("a", "alice@localhost", "pw")
    b = Batch(home, "--json")
    b.send("/help quit")
    b.wait_event("command-output", text=re.compile("/quit"))
    assert "libotr" not in maps(b.proc.pid)
    assert "libgcrypt" not in maps(b.proc.pid)
    b.send("/otr myfp a")
    b.wait_event("command-result", command="otr")
    assert "libotr" in maps(b.proc.pid)
    assert b.close() == 1       # no key yet: the command failed
