#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""natter's benchmarks (PRODUCT §12), side by side with the floor.

Each run starts a private Prosody on 127.0.0.1 and sends a burst from a
libstrophe flooder (bench/floor send) to:
  - the floor: a libstrophe client that logs in and only counts stanzas;
  - natter: the full-screen interface in tmux, history on, the window
    open, until the last message is on screen.
Scenarios: "chat" (one-to-one; budgets wall <= 1.2x, CPU <= 10x),
"room" (a room of 20 occupants; wall <= 1.1x, CPU <= 5x) and "idle"
(poll() calls of a connected natter in 20 s; budget 1). It reports
medians of the runs and natter's ratios to the floor. Figures from
different machines or runs are not comparable; only the ratio in one run.

usage: bench/run.py [--runs 3] [--messages 10000] [--scenario chat|room|idle|all]
                    [--floor PATH]
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


ROOM = "bench@conference.localhost"
FILLERS = 18        # with the receiver and the sender: 20 occupants


def spawn_floor(floor, *args, room=None):
    env = dict(os.environ)
    if room is not None:
        env["ROOM"] = room
    p = subprocess.Popen([floor, *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, bufsize=1, env=env)
    line = p.stdout.readline().strip()
    if line != "ready":
        raise RuntimeError(f"floor {args[0]} did not log in: {line!r}")
    return p


def fill_room(floor, prosody):
    return [spawn_floor(floor, "idle", f"o{i}@localhost", "pw", str(prosody.port),
                        room=f"{ROOM}/o{i}") for i in range(FILLERS)]


def run_floor(floor, prosody, n, room):
    recv = spawn_floor(floor, "recv", "alice@localhost", "pw", str(prosody.port), str(n),
                       room=f"{ROOM}/alice" if room else None)
    send = spawn_floor(floor, "send", "bob@localhost", "pw", str(prosody.port),
                       "alice@localhost", str(n), room=f"{ROOM}/bob" if room else None)
    t0 = time.monotonic()
    send.stdin.write("go\n")
    send.stdin.flush()
    done = recv.stdout.readline().split()
    wall = time.monotonic() - t0
    send.wait(30)
    recv.wait(30)
    return wall, float(done[2])


def run_natter(floor, prosody, n, room):
    home = Home()
    try:
        home.add_account("a", "alice@localhost", "pw", port=prosody.port)
        home.trust(prosody.fingerprint())
        t = Tui(home, "-a", "a", "-c", f"/join {ROOM}" if room else "/msg bob@localhost")
        try:
            t.wait_screen(r"online\]", timeout=20)
            t.wait_screen(rf"natter \S+ - {ROOM if room else 'bob@localhost'}", timeout=20)
            if room:
                t.wait_screen(r"you joined", timeout=20)
            pid = int(subprocess.run(["pgrep", "-n", "-x", "natter"],
                                     capture_output=True, text=True).stdout.split()[0])
            send = spawn_floor(floor, "send", "bob@localhost", "pw", str(prosody.port),
                               "alice@localhost", str(n), room=f"{ROOM}/bob" if room else None)
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


def with_server(floor, room, fn):
    prosody = Prosody().start()
    fillers = []
    try:
        for user in ["alice", "bob"] + ([f"o{i}" for i in range(FILLERS)] if room else []):
            prosody.register(user, "pw")
        if room:
            fillers = fill_room(floor, prosody)
        return fn(prosody)
    finally:
        for f in fillers:
            f.kill()
            f.wait()
        prosody.stop()


def one_run(floor, n, room):
    fw, fc = with_server(floor, room, lambda p: run_floor(floor, p, n, room))
    nw, nc = with_server(floor, room, lambda p: run_natter(floor, p, n, room))
    return fw, fc, nw, nc


BUDGETS = {"chat": (1.2, 10), "room": (1.1, 5)}
IDLE_SECONDS = 20


def idle(args):
    """Wake-ups of a connected, idle natter (budget: at most one in 20 s)."""
    prosody = Prosody().start()
    home = Home()
    try:
        prosody.register("alice", "pw")
        home.add_account("a", "alice@localhost", "pw", port=prosody.port)
        home.trust(prosody.fingerprint())
        t = Tui(home, "-a", "a")
        try:
            t.wait_screen(r"online\]", timeout=20)
            time.sleep(3)           # let the login's work settle
            pid = subprocess.run(["pgrep", "-n", "-x", "natter"], capture_output=True,
                                 text=True).stdout.split()[0]
            out = subprocess.run(["timeout", "-s", "INT", str(IDLE_SECONDS), "strace", "-f",
                                  "-e", "trace=poll,ppoll", "-p", pid],
                                 capture_output=True, text=True).stderr
            if os.environ.get("BENCH_DEBUG"):
                print(out)
            # Calls of the main loop's poll (it always holds the signal
            # pipe, fd 3), less the one strace's attaching interrupts.
            main_polls = sum(1 for line in out.splitlines()
                             if "poll([{fd=3," in line and "resumed" not in line)
            wakeups = max(main_polls - 1, 0)
        finally:
            t.close()
    finally:
        home.cleanup()
        prosody.stop()
    print(f"idle and connected for {IDLE_SECONDS} s: {wakeups} main-loop wake-ups "
          f"(budget: 1 on average): {'within' if wakeups <= 1 else 'OVER'}\n",
          flush=True)


def scenario(name, args):
    room = name == "room"
    rows = []
    for i in range(args.runs):
        r = one_run(args.floor, args.messages, room)
        rows.append(r)
        print(f"{name} run {i + 1}: floor wall {r[0]:.2f} s cpu {r[1]:.2f} s | "
              f"natter wall {r[2]:.2f} s cpu {r[3]:.2f} s", flush=True)
    fw, fc, nw, nc = (statistics.median(c) for c in zip(*rows))
    wall_ratio, cpu_ratio = nw / fw, nc / max(fc, 0.01)
    wb, cb = BUDGETS[name]
    what = "one-to-one messages" if not room else f"messages in a room of {FILLERS + 2}"
    print(f"\n{args.messages} {what}, medians of {args.runs} runs")
    print(f"  floor : wall {fw:.2f} s, cpu {fc:.2f} s")
    print(f"  natter: wall {nw:.2f} s, cpu {nc:.2f} s "
          f"({1e6 * nc / args.messages:.0f} us per message)")
    print(f"  wall ratio {wall_ratio:.2f} (budget {wb}): "
          f"{'within' if wall_ratio <= wb else 'OVER'}")
    print(f"  cpu ratio  {cpu_ratio:.2f} (budget {cb}): "
          f"{'within' if cpu_ratio <= cb else 'OVER'}\n", flush=True)


def main():
    if os.environ.get("BENCH_DEBUG"):
        import faulthandler
        faulthandler.dump_traceback_later(int(os.environ["BENCH_DEBUG"]))
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--scenario", default="all", choices=["chat", "room", "idle", "all"])
    ap.add_argument("--floor", default=str(HERE.parent / "build" / "bench" / "floor"))
    args = ap.parse_args()
    for name in (["chat", "room", "idle"] if args.scenario == "all" else [args.scenario]):
        if name == "idle":
            idle(args)
        else:
            scenario(name, args)


if __name__ == "__main__":
    main()
