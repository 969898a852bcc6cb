# SPDX-License-Identifier: MIT
"""The scenarios of PRODUCT §12 (bench/README.md). Each one runs one
client, the floor (client.binary None) or a natter build, against the
bench's server and returns {metric: value} (seconds, bytes, counts); it
raises BenchError when it cannot complete or natter lost messages.
"""
import re
import statistics
import time

from benchlib import (DOMAIN, MUC, PASSWORD, USERS, BenchError, Floor, Home,
                      Launcher, Natter, count_syscalls, cpu, fill_history, peak_rss,
                      prepare_home, rss, settle, sleeps, stored)

BOB = f"bob@{DOMAIN}"
ROOM_FILLERS = 18           # with the receiver and the sender: 20 occupants
WARM = 200                  # silent occupants of the room natter joins first
ROSTER = len(USERS) - 1     # alice's contacts (the shared group)
DRAW_GAP = 0.008            # natter's DRAW_MIN_MS (5 ms) and some


def rooms(args):
    """Rooms mod_bench_fill prepares: name -> silent occupants."""
    r = {"bench": ROOM_FILLERS, "warm": WARM}
    for n in args.occupants:
        r[f"join{n}"] = n
    return r


class Ctx:
    def __init__(self, args, prosody, log):
        self.args = args
        self.prosody = prosody
        self.port = prosody.port
        self.floor = args.floor
        self.log = log

    def settle(self, pids, limit=None):
        """Wait for pids' deferred work (see benchlib.settle)."""
        return settle(pids, quiet=self.args.quiet,
                      limit=self.args.settle if limit is None else limit)

    def floor_proc(self, mode, user, *a, **kw):
        return Floor(self.floor, mode, user, self.port, *a, **kw)


def _home(ctx):
    home = Home()
    home.add_account("a", f"alice@{DOMAIN}", PASSWORD, port=ctx.port)
    home.trust(ctx.prosody.fingerprint())
    return home


def _online(n, win=None, side=ROSTER):
    """natter logged in: a frame with the roster (in window win)."""
    return n.wait_frame(30, side=side, win=win, what="roster shown")


# ---------------------------------------------------------------- login

def login(ctx, client):
    """Start to roster shown; resident memory once login work settled."""
    launcher = Launcher()
    if client.binary is None:
        f = ctx.floor_proc("login", "alice", launcher=launcher)
        try:
            t0 = launcher.go()
            words = f.line(30, "roster")
            if int(words[1]) != ROSTER:
                raise BenchError(f"floor: roster of {words[1]}, not {ROSTER}")
            ctx.settle([f.pid])
            return {"login.time": float(words[2]) - t0, "login.rss": rss(f.pid)}
        finally:
            f.close()
            launcher.cleanup()
    launcher.cleanup()
    home = _home(ctx)
    prepare_home(client.binary, home)
    n = Natter(client.binary, home, "-a", "a")
    try:
        t0 = n.start()
        i = _online(n)
        t = n.trace.lines[i][0] - t0
        ctx.settle([n.pid])
        return {"login.time": t, "login.rss": rss(n.pid)}
    finally:
        n.close()
        home.cleanup()


# ---------------------------------------------------------------- idle

def idle(ctx, clients):
    """Wake-ups and system calls of connected, idle clients, all at once
    (idle processes do not disturb each other), after their login work
    has settled; scaled to 20 s."""
    procs, homes, natters = [], [], []
    try:
        for c in clients:
            if c.binary is None:
                f = ctx.floor_proc("idle", "dave").ready()
                procs.append(f)
                continue
            home = _home(ctx)
            homes.append(home)
            prepare_home(c.binary, home)
            n = Natter(c.binary, home, "-a", "a")
            natters.append(n)
            procs.append(n)
            n.start()
            _online(n)
        pids = [p.pid for p in procs]
        settled = ctx.settle(pids)
        secs = ctx.args.idle_seconds
        before = [sleeps(p) for p in pids]
        time.sleep(secs)
        woke = [sleeps(p) - b for p, b in zip(pids, before)]
        calls = count_syscalls(pids, secs)
        scale = 20.0 / secs
        out = {}
        for c, w, (k, by) in zip(clients, woke, calls):
            out[c.label] = {"idle.wakeups": w * scale, "idle.syscalls": k * scale,
                            "idle.settle_s": settled, "idle.syscall_names": by}
        return out
    finally:
        for p in procs:
            p.close()
        for h in homes:
            h.cleanup()


# ---------------------------------------------------------------- bursts

def _floor_burst(ctx, n, room):
    recv = ctx.floor_proc("recv", "alice", n, room=f"{room}/alice" if room else None)
    send = None
    try:
        recv.ready()
        send = ctx.floor_proc("send", "bob", f"alice@{DOMAIN}", n,
                              room=f"{room}/bob" if room else None).ready()
        c0 = cpu(recv.pid)
        t0 = time.monotonic()
        send.say()
        words = recv.line(120 + n / 50, "'done' (all messages)")
        c1 = cpu(recv.pid)
        return {"wall": float(words[2]) - t0, "cpu": c1 - c0, "rss": rss(recv.pid)}
    finally:
        for p in (send, recv):
            if p is not None:
                p.close()


STALL = 5.0     # seconds without a message, after the server took them all


def _last_frame(ctx, nat, n, peer, start, sender):
    """The frame that shows message n-1: the first after its "recv".
    Fails early when natter stops receiving after the sender is done."""
    last = f"m{n - 1}"
    progress = [0, time.monotonic()]

    def check():
        nat.check()
        if len(nat.trace.lines) != progress[0]:
            progress[:] = [len(nat.trace.lines), time.monotonic()]
        elif time.monotonic() - progress[1] > (STALL if sender.said("sent") else 60):
            got = sum(1 for l in nat.trace.lines[start:] if l[1] == "recv")
            raise BenchError(f"natter stopped receiving: {got} of {n} messages, "
                             f"nothing for {time.monotonic() - progress[1]:.0f} s" +
                             (" after the server took them all"
                              if sender.said("sent") else ""))
    i = nat.trace.wait(lambda l: l[1] == "recv" and l[2] == last, 120 + n / 50,
                       f"message {last}", start, nap=0.005, check=check)
    return nat.trace.frame_after(i, 30, "frame after the last message", win=peer,
                                 check=nat.check)


def _check_all(ctx, nat, home, n, peer, start, screen=True):
    """natter received, showed and stored every message of the burst."""
    ids = {l[2] for l in nat.trace.lines[start:] if l[1] == "recv"}
    missing = [i for i in range(n) if f"m{i}" not in ids]
    if missing:
        raise BenchError(f"natter did not receive {len(missing)} of {n} messages "
                         f"(first: m{missing[0]})")
    if screen and not _shows(nat, n - 1):
        raise BenchError(f"natter does not show 'message {n - 1}'")
    nat.close()
    got = stored(home, peer)
    if got != n:
        raise BenchError(f"natter stored {got} of {n} messages")


def _natter_burst(ctx, client, n, room):
    home = _home(ctx)
    peer = room or BOB
    if room:
        cmd, side = f"/join {room}", ROOM_FILLERS + 1
    else:
        cmd, side = f"/msg {BOB}", ROSTER
    nat = Natter(client.binary, home, "-a", "a", "-c", cmd)
    send = None
    try:
        nat.start()
        nat.wait_frame(30, win=peer, side=side, what=f"window {peer}")
        send = ctx.floor_proc("send", "bob", f"alice@{DOMAIN}", n,
                              room=f"{room}/bob" if room else None).ready()
        ctx.settle([nat.pid])
        nat.trace.poll()
        start = len(nat.trace.lines)
        c0 = cpu(nat.pid)
        t0 = time.monotonic()
        send.say()
        j = _last_frame(ctx, nat, n, peer, start, send)
        wall = nat.trace.lines[j][0] - t0
        c_end = cpu(nat.pid)
        settled = ctx.settle([nat.pid])
        out = {"wall": wall, "cpu": cpu(nat.pid) - c0, "cpu_at_end": c_end - c0,
               "rss": rss(nat.pid), "settle_s": settled}
        _check_all(ctx, nat, home, n, peer, start)
        return out
    finally:
        _close(send, nat, home)


def _close(send, nat, home):
    """End a measurement: the sender floor (if started), natter, its home."""
    if send is not None:
        send.close()
    nat.close()
    home.cleanup()


def _burst(ctx, client, room, prefix):
    n = ctx.args.messages
    r = _floor_burst(ctx, n, room) if client.binary is None else \
        _natter_burst(ctx, client, n, room)
    return {f"{prefix}.{k}": v for k, v in r.items()}


def chat(ctx, client):
    """N one-to-one messages in a burst: wall and CPU until the last is on
    screen (natter) or counted (floor), resident memory after."""
    return _burst(ctx, client, None, "chat")


def room(ctx, client):
    """N messages in a room of 20 occupants."""
    return _burst(ctx, client, f"bench@{MUC}", "room")


# ---------------------------------------------------------------- joins

def join(ctx, client):
    """Join rooms of each size: time to occupants pane drawn, growth of
    resident memory per occupant (after a first, small room: the cost
    of a room window itself is not counted per occupant)."""
    out = {}
    for size in ctx.args.occupants:
        room = f"join{size}@{MUC}"
        if client.binary is None:
            t, grow = _floor_join(ctx, room, size)
        else:
            t, grow = _natter_join(ctx, client, room, size)
        out[f"join{size}.time"] = t
        out[f"join{size}.per_occupant"] = grow / size
    return out


def _floor_join(ctx, room, size):
    f = ctx.floor_proc("join", "alice", f"{room}/alice").ready()
    try:
        ctx.settle([f.pid])
        r0 = rss(f.pid)
        f.say()
        words = f.line(60, "'joined'")
        if int(words[3]) != size + 1:
            raise BenchError(f"floor: {words[3]} presences from {room}, not {size + 1}")
        ctx.settle([f.pid])
        return float(words[2]) - float(words[1]), rss(f.pid) - r0
    finally:
        f.close()


def _natter_join(ctx, client, room, size):
    home = _home(ctx)
    nat = Natter(client.binary, home, "-a", "a", "-c", f"/join warm@{MUC}")
    try:
        nat.start()
        nat.wait_frame(30, win=f"warm@{MUC}", side=WARM + 1, what="the first room")
        ctx.settle([nat.pid])
        r0 = rss(nat.pid)
        nat.trace.poll()
        start = len(nat.trace.lines)
        nat.command(f"/join {room}")
        i = nat.trace.wait(lambda l: l[1] == "input", 30, "the /join typed", start,
                           check=nat.check)
        j = nat.trace.frame_after(i, 60, f"occupants of {room}", win=room,
                                  side=size + 1, check=nat.check)
        t = nat.trace.lines[j][0] - nat.trace.lines[i][0]
        ctx.settle([nat.pid])
        return t, rss(nat.pid) - r0
    finally:
        nat.close()
        home.cleanup()


# ---------------------------------------------------------------- scrollback

def _key_draw(nat, key, timeout=10):
    """Press key; the time from natter reading it to the frame after.
    The key goes DRAW_GAP after the last frame: natter draws at most one
    frame per 5 ms, and keys faster than that would time the wait."""
    nat.trace.poll()
    start = len(nat.trace.lines)
    frames = [l[0] for l in nat.trace.lines[-20:] if l[1] == "frame"]
    if frames:
        time.sleep(max(0.0, frames[-1] + DRAW_GAP - time.monotonic()))
    nat.key(key)
    k = nat.trace.wait(lambda l: l[1] == "key", timeout, f"key {key}", start,
                       nap=0.0005, check=nat.check)
    f = nat.trace.frame_after(k, timeout, f"frame after {key}", nap=0.0005,
                              check=nat.check)
    return nat.trace.lines[f][0] - nat.trace.lines[k][0]


def _pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def scroll(ctx, client):
    """A window holding N messages: PgUp one page at a time to its first
    message, then PgDn; the draw time of each key; peak resident memory.
    The messages come from the server in a burst (--scrollback-fill
    live), or (history, the default: a burst of 100,000 takes minutes
    on a busy machine) one does and natter's history database gets the
    others as copies of its row, before natter starts again."""
    if client.binary is None:
        return {}
    n = ctx.args.scrollback
    home = _home(ctx)
    try:
        if ctx.args.scrollback_fill == "history":
            _receive(ctx, client, home, 1, close=True)
            fill_history(home, BOB, n)
            nat, start = Natter(client.binary, home, "-a", "a", "-c", f"/msg {BOB}"), 0
            nat.start()
            nat.wait_frame(30, win=BOB, side=ROSTER, what=f"window {BOB}")
        else:
            nat, start = _receive(ctx, client, home, n)
        try:
            return _scroll_window(ctx, nat, home, n, start)
        finally:
            nat.close()
    finally:
        home.cleanup()


def _receive(ctx, client, home, n, close=False):
    """natter in the window of bob, who sends n messages: (natter, the
    trace line where they began); natter quits first if close."""
    nat = Natter(client.binary, home, "-a", "a", "-c", f"/msg {BOB}")
    send = None
    try:
        nat.start()
        nat.wait_frame(30, win=BOB, side=ROSTER, what=f"window {BOB}")
        send = ctx.floor_proc("send", "bob", f"alice@{DOMAIN}", n).ready()
        nat.trace.poll()
        start = len(nat.trace.lines)
        send.say()
        _last_frame(ctx, nat, n, BOB, start, send)
        if close:
            _check_all(ctx, nat, home, n, BOB, start)
        return nat, start
    except BaseException:
        nat.close()
        raise
    finally:
        if send is not None:
            send.close()
        if close:
            nat.close()


def _scroll_window(ctx, nat, home, n, start):
    if not _shows(nat, n - 1):
        raise BenchError(f"natter does not show 'message {n - 1}'")
    ctx.settle([nat.pid], limit=max(ctx.args.settle, 30))
    ups, downs, oldest = _scroll_through(ctx, nat, n)
    out = {"scroll.peak_rss": peak_rss(nat.pid), "scroll.rss": rss(nat.pid),
           "scroll.pgup": statistics.median(ups), "scroll.pgup_p95": _pct(ups, 95),
           "scroll.pgup_max": max(ups), "scroll.pgdn": statistics.median(downs),
           "scroll.pgdn_p95": _pct(downs, 95), "scroll.pgdn_max": max(downs),
           "scroll.keys": len(ups), "scroll.oldest": oldest}
    if oldest > 0:      # the figures stand, for what was reached
        out["failure"] = (f"PgUp stops at message {oldest} of 0..{n - 1} "
                          f"({n - oldest:,} messages reachable, {len(ups)} PgUp)")
    if ctx.args.scrollback_fill == "live":
        _check_all(ctx, nat, home, n, BOB, start, screen=False)
    else:
        nat.close()
        if stored(home, BOB) != n:
            raise BenchError(f"natter's history holds {stored(home, BOB)} of {n}")
    return out


def _scroll_through(ctx, nat, n):
    """PgUp until message 0 is on screen, then PgDn ctx.args.pgdn_keys
    times: (PgUp draw times, PgDn draw times, the oldest message reached).
    The screen is read every 50 keys (then at every key near the end):
    when PgUp has not gone further in the last 100 keys it stops there."""
    ups, marks = [], []
    page = 38 - 2
    oldest = n - 1
    while oldest > 0:
        ups.append(_key_draw(nat, "PageUp"))
        k = len(ups)
        if k >= n // page - 2 or k % 50 == 0:
            oldest = min([oldest] + _numbers(nat.screen()))
        if k % 50 == 0:
            marks.append(oldest)
            if len(marks) > 2 and marks[-1] == marks[-3]:
                break
    downs = [_key_draw(nat, "PageDown") for _ in range(min(ctx.args.pgdn_keys,
                                                            len(ups)))]
    return ups, downs, oldest


def _numbers(screen):
    return [int(k) for k in re.findall(r"\bmessage (\d+)", screen)]


def _shows(nat, i):
    """Whether "message I" is on natter's screen."""
    return re.search(rf"\bmessage {i}(?!\d)", nat.screen()) is not None


# ---------------------------------------------------------------- startup

def startup(ctx, client):
    """Start to input prompt, no account connected: the first frame."""
    if client.binary is None:
        return {}
    home = Home()
    prepare_home(client.binary, home)
    nat = Natter(client.binary, home)
    try:
        t0 = nat.start()
        i = nat.wait_frame(10, what="first frame")
        m = nat.trace.index("main")
        return {"startup.time": nat.trace.lines[i][0] - t0,
                "startup.exec": nat.trace.lines[m][0] - t0 if m is not None else None}
    finally:
        nat.close()
        home.cleanup()


# ---------------------------------------------------------------- latency

def latency(ctx, client):
    """Messages sent one at a time (every 50 ms): time from the socket
    being readable (poll() returned) to the frame that shows each."""
    if client.binary is None:
        return {}
    n = ctx.args.probes
    home = _home(ctx)
    nat = Natter(client.binary, home, "-a", "a", "-c", f"/msg {BOB}")
    send = None
    try:
        nat.start()
        nat.wait_frame(30, win=BOB, side=ROSTER, what=f"window {BOB}")
        send = ctx.floor_proc("send", "bob", f"alice@{DOMAIN}", n, pace=50).ready()
        ctx.settle([nat.pid])
        nat.trace.poll()
        start = len(nat.trace.lines)
        send.say()
        _last_frame(ctx, nat, n, BOB, start, send)
        lat = _latencies(nat.trace.lines, start, n)
        out = {"latency": statistics.median(lat), "latency_p95": _pct(lat, 95),
               "latency_max": max(lat)}
        _check_all(ctx, nat, home, n, BOB, start)
        return out
    finally:
        _close(send, nat, home)


def _latencies(lines, start, n):
    out = []
    readable = None
    want = {f"m{i}" for i in range(n)}
    pending = []
    for t, ev, rest in lines[start:]:
        if ev == "readable":
            readable = t
        elif ev == "recv" and rest in want and readable is not None:
            pending.append(readable)
        elif ev == "frame" and pending and rest.endswith(f"win={BOB}"):
            out += [t - r for r in pending]
            pending = []
    if len(out) != n:
        raise BenchError(f"latency: {len(out)} of {n} messages timed")
    return out


SCENARIOS = {"login": login, "idle": idle, "chat": chat, "room": room, "join": join,
             "scroll": scroll, "startup": startup, "latency": latency}
ORDER = ["startup", "login", "idle", "latency", "chat", "room", "join", "scroll"]
