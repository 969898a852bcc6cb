#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""natter's benchmarks (PRODUCT §12), side by side with the floor, in one
run against one private Prosody: bench/README.md says what each scenario
measures and how. Prints one table: per row the floor's and natter's
median (min-max) over --runs, the ratio to the floor, the budget and a
verdict.

usage: bench/run.py [--runs 3] [--scenario NAME[,NAME]] [--messages 10000]
                    [--occupants 500,2000] [--scrollback 100000]
                    [--natter [LABEL=]PATH]... [--json FILE] [--smoke] [--strict]
"""
import argparse
import json
import os
import platform
import signal
import statistics
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "functional"))
sys.path.insert(0, str(HERE))

from benchlib import BenchError, BenchProsody  # noqa: E402
import scenarios  # noqa: E402

MB = 1e6


def metrics(args):
    """The table's rows: (key, title, unit, budget); a budget is
    ("ratio", x): natter <= x * floor, or ("max", v): natter <= v."""
    m, n = [], f"{args.messages:,}"
    m += [("startup.time", "start → input prompt, no network", "ms", ("max", 0.050)),
          ("login.time", "start → roster shown", "ms", ("ratio", 1.1)),
          ("login.rss", "RSS after login", "MB", ("max", 12 * MB)),
          ("idle.wakeups", "idle, connected: wake-ups per 20 s", "", ("max", 1)),
          ("idle.syscalls", "idle, connected: system calls per 20 s", "", None),
          ("latency", "message on socket → on screen (median)", "ms", ("max", 0.005)),
          ("chat.wall", f"{n} one-to-one messages: wall", "s", ("ratio", 1.2)),
          ("chat.cpu", f"{n} one-to-one messages: CPU", "s", ("ratio", 10)),
          ("chat.rss", f"RSS after {n} one-to-one messages", "MB", ("max", 16 * MB)),
          ("room.wall", f"{n} room messages (20 occupants): wall", "s", ("ratio", 1.1)),
          ("room.cpu", f"{n} room messages (20 occupants): CPU", "s", ("ratio", 5))]
    for k in args.occupants:
        m += [(f"join{k}.time", f"join {k:,} occupants → pane drawn", "ms", ("ratio", 1.3)),
              (f"join{k}.per_occupant", f"RSS growth per occupant ({k:,})", "B",
               ("max", 300))]
    s = f"{args.scrollback:,}"
    m += [("scroll.peak_rss", f"{s}-message scrollback: peak RSS", "MB", ("max", 64 * MB)),
          ("scroll.pgup", f"{s}-message scrollback: PgUp draw (median)", "ms",
           ("max", 0.005)),
          ("scroll.pgdn", f"{s}-message scrollback: PgDn draw (median)", "ms",
           ("max", 0.005))]
    return m


def scenario_of(key):
    head = key.split(".")[0]
    return "join" if head.startswith("join") else head


class Client:
    def __init__(self, label, binary):
        self.label = label
        self.binary = binary


def fmt(v, unit):
    if v is None:
        return "—"
    if unit == "ms":
        return f"{v * 1e3:.1f}" if v < 0.1 else f"{v * 1e3:.0f}"
    if unit == "s":
        return f"{v:.2f}"
    if unit == "MB":
        return f"{v / MB:.1f}"
    if unit == "B":
        return f"{v:.0f}"
    return f"{v:.1f}" if v != int(v) else f"{v:.0f}"


def cell(vs, unit):
    vs = [v for v in vs if v is not None]
    if not vs:
        return "—", None
    med = statistics.median(vs)
    u = f" {unit}" if unit else ""
    if len(vs) == 1:
        return f"{fmt(med, unit)}{u}", med
    return f"{fmt(med, unit)}{u} ({fmt(min(vs), unit)}–{fmt(max(vs), unit)})", med


def budget_text(b, unit):
    if b is None:
        return "—"
    if b[0] == "ratio":
        return f"≤ {b[1]}× floor"
    return f"≤ {fmt(b[1], unit)}{' ' + unit if unit else ''}"


def verdict(b, med, fmed, smoke=False):
    if b is None or med is None or smoke:
        return "—"
    if b[0] == "ratio":
        if not fmed:
            return "—"
        return "ok" if med / fmed <= b[1] else "OVER"
    return "ok" if med <= b[1] else "OVER"


def build_rows(args, clients, results, failed):
    """failed: {(scenario, client label or None: all)} that did not complete."""
    rows = []
    floor, natters = clients[0], clients[1:]
    for key, title, unit, b in metrics(args):
        if scenario_of(key) not in args.scenario:
            continue
        fcell, fmed = cell(results[floor.label].get(key, []), unit)
        row = {"key": key, "scenario": title, "unit": unit, "budget": budget_text(b, unit),
               "floor": fcell, "floor_median": fmed, "natter": {}}
        for c in natters:
            ncell, nmed = cell(results[c.label].get(key, []), unit)
            ratio = f"{nmed / fmed:.2f}×" if nmed is not None and fmed else "—"
            bad = {(scenario_of(key), c.label), (scenario_of(key), None)} & failed
            row["natter"][c.label] = {"cell": ncell, "median": nmed, "ratio": ratio,
                                      "verdict": "FAILED" if bad else
                                      verdict(b, nmed, fmed, args.smoke),
                                      "values": results[c.label].get(key, [])}
        row["floor_values"] = results[floor.label].get(key, [])
        rows.append(row)
    return rows


def print_table(rows, clients, out):
    natters = [c.label for c in clients[1:]]
    head = ["scenario", "floor"]
    for n in natters:
        head += [n, f"{n}/floor"]
    head += ["budget"] + [f"verdict ({n})" if len(natters) > 1 else "verdict"
                          for n in natters]
    table = [head]
    for r in rows:
        line = [r["scenario"], r["floor"]]
        for n in natters:
            line += [r["natter"][n]["cell"], r["natter"][n]["ratio"]]
        line += [r["budget"]] + [r["natter"][n]["verdict"] for n in natters]
        table.append(line)
    print("| " + " | ".join(head) + " |", file=out)
    print("|" + "|".join("---" for _ in head) + "|", file=out)
    for line in table[1:]:
        print("| " + " | ".join(line) + " |", file=out)


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"host": platform.node(), "kernel": platform.release(), "cpu": model,
            "cpus": os.cpu_count(), "load": os.getloadavg()}


def run_all(args, clients, log):
    results = {c.label: {} for c in clients}
    failures, failed = [], set()
    prosody = BenchProsody(scenarios.rooms(args)).start()
    try:
        ctx = scenarios.Ctx(args, prosody, log)
        for run in range(args.runs):
            for name in scenarios.ORDER:
                if name not in args.scenario:
                    continue
                one_scenario(ctx, name, run, clients, results, failures, failed, log)
    finally:
        prosody.stop()
    return results, failures, failed


def one_scenario(ctx, name, run, clients, results, failures, failed, log):
    fn = scenarios.SCENARIOS[name]
    t0 = time.monotonic()
    try:
        if name == "idle":
            per = fn(ctx, clients)
        else:
            per = {c.label: fn(ctx, c) for c in clients}
    except BenchError as e:
        failed.add((name, None))
        failures.append(f"{name} (run {run + 1}): {e}")
        log(f"run {run + 1} {name}: FAILED: {e}")
        return
    except Exception as e:  # a harness bug: say where, keep going
        failed.add((name, None))
        failures.append(f"{name} (run {run + 1}): {e!r}")
        log(f"run {run + 1} {name}: ERROR\n{traceback.format_exc()}")
        return
    for label, r in per.items():
        if "failure" in r:      # cannot complete, but measured what it did
            failed.add((name, label))
            failures.append(f"{name} (run {run + 1}, {label}): {r.pop('failure')}")
            log(f"run {run + 1} {name}: FAILED: {failures[-1]}")
        for k, v in r.items():
            results[label].setdefault(k, []).append(v)
    brief = "; ".join(f"{label}: " + ", ".join(
        f"{k}={v:.4g}" for k, v in r.items() if isinstance(v, (int, float)))
        for label, r in per.items())
    log(f"run {run + 1} {name} ({time.monotonic() - t0:.0f} s): {brief}")


def parse_args(argv):
    ap = argparse.ArgumentParser(description="natter's benchmarks (bench/README.md)")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--scenario", default="all",
                    help="comma-separated: " + ",".join(scenarios.ORDER) + " or all")
    ap.add_argument("--messages", type=int, help="burst size (chat, room)")
    ap.add_argument("--occupants", help="room sizes to join, comma-separated")
    ap.add_argument("--scrollback", type=int, help="messages in the scrollback window")
    ap.add_argument("--scrollback-fill", choices=["history", "live"], default="history",
                    help="how the scrollback window gets its messages: written into "
                         "natter's history before it starts, or a burst (slow)")
    ap.add_argument("--idle-seconds", type=float, help="length of each idle window")
    ap.add_argument("--probes", type=int, help="messages timed for latency")
    ap.add_argument("--pgdn-keys", type=int, help="PgDn presses timed")
    ap.add_argument("--settle", type=float,
                    help="most seconds to wait for a client's deferred work")
    ap.add_argument("--quiet", type=float,
                    help="seconds without CPU use that count as settled")
    ap.add_argument("--floor", default=str(HERE.parent / "build" / "bench" / "floor"))
    ap.add_argument("--natter", action="append", default=[], metavar="[LABEL=]PATH",
                    help="another natter build to run side by side (repeatable)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny sizes, one run: the harness works and no message is "
                         "lost (budgets are not judged)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a row is OVER")
    args = ap.parse_args(argv)
    small = {"runs": 1, "messages": 200, "occupants": "20,50", "scrollback": 400,
             "idle_seconds": 1.0, "probes": 5, "pgdn_keys": 3, "settle": 3.0,
             "quiet": 0.3}
    full = {"runs": 3, "messages": 10000, "occupants": "500,2000", "scrollback": 100000,
            "idle_seconds": 20.0, "probes": 20, "pgdn_keys": 30, "settle": 15.0,
            "quiet": 1.0}
    for k, v in (small if args.smoke else full).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    args.occupants = [int(x) for x in str(args.occupants).split(",") if x]
    names = scenarios.ORDER if args.scenario == "all" else args.scenario.split(",")
    for n in names:
        if n not in scenarios.SCENARIOS:
            ap.error(f"no scenario {n!r} (" + ", ".join(scenarios.ORDER) + ")")
    args.scenario = names
    return args


def clients_of(args):
    main = os.environ.get("NATTER_BIN", str(HERE.parent / "build" / "natter"))
    clients = [Client("floor", None), Client("natter", main)]
    for i, spec in enumerate(args.natter):
        label, _, path = spec.rpartition("=")
        clients.append(Client(label or f"natter-{chr(ord('B') + i)}",
                              str(Path(path).resolve())))
    for c in clients[1:]:
        if not os.access(c.binary, os.X_OK):
            sys.exit(f"bench: no natter at {c.binary}")
    if not os.access(args.floor, os.X_OK):
        sys.exit(f"bench: no floor at {args.floor} (make bench/floor)")
    return clients


def main(argv=None):
    args = parse_args(argv)
    # Stopped from outside: end like Ctrl-C, through every cleanup (the
    # server, tmux, natter, the floor processes are children to stop).
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    clients = clients_of(args)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    m0 = machine()
    log(f"bench: {', '.join(args.scenario)}; {args.runs} run(s); " +
        ", ".join(f"{c.label}={c.binary or args.floor}" for c in clients))
    t0 = time.monotonic()
    results, failures, failed = run_all(args, clients, log)
    rows = build_rows(args, clients, results, failed)
    m1 = machine()
    print(f"\n{started}, {m0['host']}: {m0['cpus']} × {m0['cpu']}, Linux {m0['kernel']}; "
          f"load average {m0['load'][0]:.1f} at start, {m1['load'][0]:.1f} at end; "
          f"medians of {args.runs} run(s) (min–max); {time.monotonic() - t0:.0f} s\n")
    print_table(rows, clients, sys.stdout)
    over = [r["scenario"] for r in rows for n in r["natter"].values()
            if n["verdict"] == "OVER"]
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
    if args.json:
        doc = {"date": started, "machine": {"start": m0, "end": m1},
               "args": {k: v for k, v in vars(args).items()},
               "clients": {c.label: c.binary for c in clients},
               "results": results, "rows": rows, "failures": failures}
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1, default=str)
    if failures:
        return 1
    if args.smoke:
        print("\nsmoke: every scenario completed, no message lost "
              "(budgets not judged at these sizes)")
        return 0
    return 1 if args.strict and over else 0


if __name__ == "__main__":
    sys.exit(main())
