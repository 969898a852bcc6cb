#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""natter's benchmarks (PRODUCT §12), side by side with the floor.

Each run starts a private Prosody on 127.0.0.1 and sends a burst of
one-to-one messages from a libstrophe flooder (bench/floor send) to:
  - the floor: a libstrophe client that logs in and only counts stanzas;
  - natter: the full-screen interface in tmux, history on, the chat window
    open, until the last message is on screen.
It reports medians of the runs and natter's ratio to the floor, against
the budgets (wall <= 1.2x, CPU <= 10x). Figures from different machines
or runs are not comparable; only the ratio in one run is.

usage: bench/run.py [--runs 3] [--messages 10000] [--natter PATH] [--floor PATH]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "functional"))
os.environ.setdefault("NATTER_BIN", str(HERE.parent / "build" / "natter"))

from natterlib import Home, Prosody, Tui, wait_for  # noqa: E402


def proc_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def spawn_floor(floor, *args):
    p = subprocess.Popen([floor, *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, bufsize=1)
    line = p.stdout.readline().strip()
    if line != "ready":
        raise RuntimeError(f"floor {args[0]} did not log in: {line!r}")
    return p


def run_floor(floor, prosody, n):
    recv = spawn_floor(floor, "recv", "alice@localhost", "pw", str(prosody.port), str(n))
    send = spawn_floor(floor, "send", "bob@localhost", "pw", str(prosody.port),
                       "alice@localhost", str(n))
    t0 = time.monotonic()
    send.stdin.write("go\n")
    send.stdin.flush()
    done = recv.stdout.readline().split()
    wall = time.monotonic() - t0
    send.wait(30)
    recv.wait(30)
    return wall, float(done[2])


def run_natter(floor, prosody, n):
    home = Home()
    try:
        home.add_account("a", "alice@localhost", "pw", port=prosody.port)
        home.trust(prosody.fingerprint())
        t = Tui(home, "-a", "a", "-c", "/msg bob@localhost")
        try:
            t.wait_screen(r"online\]", timeout=20)
            t.wait_screen(r"natter \S+ - bob@localhost", timeout=20)
            pid = int(subprocess.run(["pgrep", "-n", "-x", "natter"],
                                     capture_output=True, text=True).stdout.split()[0])
            send = spawn_floor(floor, "send", "bob@localhost", "pw", str(prosody.port),
                               "alice@localhost", str(n))
            c0 = proc_cpu(pid)
            t0 = time.monotonic()
            send.stdin.write("go\n")
            send.stdin.flush()
            last = f"message {n - 1}"
            wait_for(lambda: last in t.screen(), 300, "the last message on screen")
            wall = time.monotonic() - t0
            cpu = proc_cpu(pid) - c0
            send.wait(30)
            return wall, cpu
        finally:
            t.close()
    finally:
        home.cleanup()


def one_run(floor, n):
    prosody = Prosody().start()
    try:
        prosody.register("alice", "pw")
        prosody.register("bob", "pw")
        fw, fc = run_floor(floor, prosody, n)
    finally:
        prosody.stop()
    prosody = Prosody().start()
    try:
        prosody.register("alice", "pw")
        prosody.register("bob", "pw")
        nw, nc = run_natter(floor, prosody, n)
    finally:
        prosody.stop()
    return fw, fc, nw, nc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--floor", default=str(HERE.parent / "build" / "bench" / "floor"))
    args = ap.parse_args()
    rows = []
    for i in range(args.runs):
        r = one_run(args.floor, args.messages)
        rows.append(r)
        print(f"run {i + 1}: floor wall {r[0]:.2f} s cpu {r[1]:.2f} s | "
              f"natter wall {r[2]:.2f} s cpu {r[3]:.2f} s", flush=True)
    fw, fc, nw, nc = (statistics.median(c) for c in zip(*rows))
    wall_ratio, cpu_ratio = nw / fw, nc / max(fc, 0.01)
    print(f"\n{args.messages} one-to-one messages, medians of {args.runs} runs")
    print(f"  floor : wall {fw:.2f} s, cpu {fc:.2f} s")
    print(f"  natter: wall {nw:.2f} s, cpu {nc:.2f} s "
          f"({1e6 * nc / args.messages:.0f} us per message)")
    print(f"  wall ratio {wall_ratio:.2f} (budget 1.2): "
          f"{'within' if wall_ratio <= 1.2 else 'OVER'}")
    print(f"  cpu ratio  {cpu_ratio:.2f} (budget 10): "
          f"{'within' if cpu_ratio <= 10 else 'OVER'}")


if __name__ == "__main__":
    main()
