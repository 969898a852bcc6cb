# SPDX-License-Identifier: MIT
"""The benchmark harness (bench/, PRODUCT §12) at smoke sizes: it gets
through its scenarios with natter's trace, and it fails, rather than
printing figures, when natter loses messages or cannot get through a
scenario. (`make bench-smoke` runs every scenario; scripts/test.sh.)"""
import os
import subprocess
from pathlib import Path

import pytest

from natterlib import NATTER, SRC

RUN = SRC / "bench" / "run.py"
FLOOR = os.environ.get("BENCH_FLOOR", str(Path(NATTER).parent / "bench" / "floor"))

pytestmark = pytest.mark.skipif(not os.access(FLOOR, os.X_OK),
                                reason="bench/floor not built (make bench/floor)")


def bench(*args, natter=NATTER, timeout=240):
    env = dict(os.environ, NATTER_BIN=str(natter))
    return subprocess.run(["/usr/bin/python3", str(RUN), "--smoke", "--floor", FLOOR,
                           *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def wrapper(tmp_path, body):
    """A natter "build" that is a script around the real one."""
    p = tmp_path / "natter-wrapped"
    p.write_text(f"#!/bin/sh\n{body}\n")
    p.chmod(0o755)
    return p


def test_smoke_times_natter_side_by_side_with_the_floor():
    r = bench("--scenario", "startup,latency,login")
    assert r.returncode == 0, r.stdout + r.stderr
    rows = {line.split("|")[1].strip(): line for line in r.stdout.splitlines()
            if line.startswith("| ")}
    assert "ms" in rows["start → input prompt, no network"]
    assert "ms" in rows["message on socket → on screen (median)"]
    login = rows["start → roster shown"].split("|")
    assert "ms" in login[2] and "ms" in login[3]     # floor, natter
    assert "no message lost" in r.stdout


def test_smoke_fails_when_natter_loses_messages(tmp_path):
    # natter blocks the sender: the server drops what it sends.
    lossy = wrapper(tmp_path, f'exec {NATTER} "$@" -c "/block bob@localhost"')
    r = bench("--scenario", "chat", natter=lossy)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "natter stopped receiving: 0 of 200 messages, nothing for" in r.stdout


def test_smoke_fails_when_natter_cannot_get_through_a_scenario(tmp_path):
    r = bench("--scenario", "startup", natter=wrapper(tmp_path, "exit 1"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "startup (run 1): natter exited" in r.stdout
