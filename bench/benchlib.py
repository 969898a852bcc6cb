# SPDX-License-Identifier: MIT
"""The parts of natter's benchmarks (bench/README.md): the private server,
the floor and natter processes, natter's trace, and what /proc says about a
process. Scenarios are in scenarios.py, the command line in run.py.
"""
import os
import queue
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from natterlib import Home, Prosody, free_port, wait_for  # noqa: E402,F401

DOMAIN = "localhost"
MUC = "conference." + DOMAIN
SINK = "bots." + DOMAIN
CONTACTS = [f"c{i}" for i in range(1, 21)]
USERS = ["alice", "bob", "dave"] + CONTACTS
PASSWORD = "pw"


class BenchError(Exception):
    """A scenario could not complete, or a client lost messages."""


# ---------------------------------------------------------------- server

class BenchProsody(Prosody):
    """natterlib's Prosody with what the benchmarks need: accounts written
    as files (prosodyctl takes a second each), a shared roster, rooms
    filled at start by mod_bench_fill with occupants that the component
    of mod_bench_sink silences, and no debug log."""

    def __init__(self, rooms):
        super().__init__(groups={"bench": USERS}, muc_modules=("bench_fill",))
        self.rooms = dict(rooms)        # name -> number of silent occupants

    def _write_config(self):
        super()._write_config()
        plugins = self.root / "plugins"
        plugins.mkdir(exist_ok=True)
        for f in (HERE / "prosody").glob("mod_*.lua"):
            shutil.copy(f, plugins / f.name)
        cfg = self.config.read_text()
        cfg = cfg.replace('min = "debug"', 'min = "warn"')
        cfg = cfg.replace('"internal_hashed"', '"internal_plain"')
        # A client killed mid-session would otherwise hibernate for 10
        # minutes (XEP-0198) and, being still "available", get a copy of
        # every later message to its bare JID: later runs got slower.
        cfg = (f'plugin_paths = {{ "{plugins}" }}\n'
               "smacks_hibernation_time = 1\n") + cfg
        fill = "; ".join(f'["{name}"] = {n}' for name, n in self.rooms.items())
        cfg += f"  bench_fill = {{ {fill} }}\n  bench_sink_host = \"{SINK}\"\n"
        cfg += f'Component "{SINK}" "bench_sink"\n'
        self.config.write_text(cfg)
        accounts = self.root / "data" / DOMAIN / "accounts"
        accounts.mkdir(parents=True, exist_ok=True)
        for user in USERS:
            (accounts / f"{user}.dat").write_text(
                f'return {{ ["password"] = "{PASSWORD}"; }};\n')


# ---------------------------------------------------------------- /proc

def _status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {key} for {pid}")


def rss(pid):
    """Resident memory, bytes."""
    return _status(pid, "VmRSS") * 1024


def peak_rss(pid):
    """The highest resident memory so far, bytes."""
    return _status(pid, "VmHWM") * 1024


def _tasks(pid):
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        raise BenchError(f"process {pid} has exited") from None


def cpu(pid):
    """CPU seconds of all the process's threads (schedstat: nanoseconds,
    not the 10 ms ticks of /proc/PID/stat)."""
    total = 0
    for t in _tasks(pid):
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


def sleeps(pid):
    """Voluntary context switches of all threads: each time one blocked
    (in poll(), select(), ...) and was woken again."""
    total = 0
    for t in _tasks(pid):
        try:
            with open(f"/proc/{pid}/task/{t}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def settle(pids, quiet=1.0, limit=15.0):
    """Wait until none of pids used more than 2 ms of CPU in the last
    `quiet` seconds (the login's or a burst's deferred work is done), at
    most `limit` seconds. Returns the seconds waited (limit: never quiet)."""
    t0 = time.monotonic()
    last = [cpu(p) for p in pids]
    while time.monotonic() - t0 < limit:
        time.sleep(quiet)
        now = [cpu(p) for p in pids]
        if all(b - a < 0.002 for a, b in zip(last, now)):
            break
        last = now
    return time.monotonic() - t0


BLOCKING = ("poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
            "nanosleep", "clock_nanosleep", "restart_syscall")


def count_syscalls(pids, seconds):
    """System calls each of pids makes in `seconds` (strace -f, all at
    once). The blocking call strace's attaching restarts is not counted.
    Returns [(calls, {name: calls})]."""
    outs, procs = [], []
    for pid in pids:
        out = Path(f"/tmp/natter-bench-strace-{pid}-{free_port()}")
        outs.append(out)
        procs.append(subprocess.Popen(
            ["strace", "-f", "-qq", "-o", str(out), "-p", str(pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(seconds)
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        p.wait(10)
    result = []
    for out in outs:
        names = []
        for line in out.read_text(errors="replace").splitlines():
            line = re.sub(r"^\d+\s+", "", line)    # -f: the thread id
            m = re.match(r"([a-z0-9_]+)\(", line)
            if m and "resumed>" not in line:
                names.append(m.group(1))
        out.unlink()
        if names and names[0] in BLOCKING:
            names = names[1:]
        by = {}
        for n in names:
            by[n] = by.get(n, 0) + 1
        result.append((len(names), by))
    return result


# ---------------------------------------------------------------- launching

class Launcher:
    """A shell that waits on a FIFO, then execs the program: the time of
    the write to the FIFO is the program's start, without the cost of
    starting tmux or the shell."""

    def __init__(self):
        self.dir = Path(f"/tmp/natter-bench-fifo-{os.getpid()}-{free_port()}")
        self.dir.mkdir()
        self.fifo = self.dir / "go"
        os.mkfifo(self.fifo)

    def shell(self, argv):
        return f"read _ < {shlex.quote(str(self.fifo))} && exec " + \
            " ".join(shlex.quote(a) for a in argv)

    def go(self):
        with open(self.fifo, "w") as f:
            t0 = time.monotonic()
            f.write("go\n")
        return t0

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Floor:
    """One bench/floor process; its output lines are read as they come."""

    def __init__(self, path, mode, user, port, *args, room=None, pace=None,
                 launcher=None):
        env = dict(os.environ)
        if room is not None:
            env["ROOM"] = room
        if pace is not None:
            env["PACE_MS"] = str(pace)
        argv = [path, mode, f"{user}@{DOMAIN}", PASSWORD, str(port), *map(str, args)]
        if launcher is not None:
            argv = ["sh", "-c", launcher.shell(argv)]
        self.mode = mode
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1,
                                     env=env)
        self.pid = self.proc.pid
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.seen.append(line.split())
            self.lines.put(line.split())
        self.lines.put(None)

    def line(self, timeout=60, what="a line"):
        """The next line of output, as words (deadline: timeout seconds)."""
        try:
            words = self.lines.get(timeout=timeout)
        except queue.Empty:
            words = None
        if words is None:
            raise BenchError(f"floor: no {what} within {timeout} s")
        return words

    def said(self, word):
        """Whether a line of output began with word."""
        return any(w and w[0] == word for w in self.seen)

    def ready(self, timeout=30):
        words = self.line(timeout, "'ready'")
        if words != ["ready"]:
            raise BenchError(f"floor did not log in: {words}")
        return self

    def say(self, text="go"):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close(self):
        """End the floor: at the end of its stdin it closes its stream and
        exits. Killed, its session would hibernate on the server (XEP-0198)
        and, still available, take a copy of every message to its bare JID
        during the next client's burst (which took 1.4 s instead of 0.9).
        idle (another user, libstrophe's own loop) is killed."""
        if self.proc.poll() is None and self.mode != "idle":
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


# ---------------------------------------------------------------- natter

FRAME = re.compile(r"frame draw_us=(\d+) side=(\d+) win=(.*)$")


class Trace:
    """natter's benchmark trace (NATTER_BENCH_TRACE), read as it grows:
    lines (time, event, rest)."""

    def __init__(self, path):
        self.path = path
        self.lines = []
        self._buf = ""
        self._f = None

    def poll(self):
        if self._f is None:
            try:
                self._f = open(self.path)
            except OSError:
                return
        data = self._f.read()
        if not data:
            return
        data = self._buf + data
        *whole, self._buf = data.split("\n")
        for line in whole:
            t, _, rest = line.partition(" ")
            event, _, rest = rest.partition(" ")
            self.lines.append((float(t), event, rest))

    def wait(self, pred, timeout, what, start=0, nap=0.002, check=None):
        """Index of the first line from `start` on with pred(line)."""
        deadline = time.monotonic() + timeout
        i = start
        while True:
            self.poll()
            while i < len(self.lines):
                if pred(self.lines[i]):
                    return i
                i += 1
            if check is not None:
                check()
            if time.monotonic() > deadline:
                raise BenchError(f"natter: no {what} within {timeout} s")
            time.sleep(nap)

    def frame_after(self, i, timeout, what="frame", win=None, side=0, nap=0.002,
                    check=None):
        """Index of the first frame after line i (of window win, with at
        least `side` entries in its side pane)."""
        def ok(line):
            if line[1] != "frame":
                return False
            m = FRAME.match("frame " + line[2])
            return m and int(m.group(2)) >= side and (
                win is None or m.group(3) == win)
        return self.wait(ok, timeout, what, i + 1, nap, check)

    def index(self, event, rest=None, start=0):
        for i in range(start, len(self.lines)):
            if self.lines[i][1] == event and (rest is None or self.lines[i][2] == rest):
                return i
        return None


class Keys:
    """Keys for a tmux session through one control-mode client (a key
    costs no process start, so thousands can be sent one by one)."""

    def __init__(self, sock):
        self.proc = subprocess.Popen(["tmux", "-L", sock, "-C", "attach", "-t", "S"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
        threading.Thread(target=self._drain, daemon=True).start()
        self.send("refresh-client -f no-output")

    def _drain(self):
        for _ in self.proc.stdout:
            pass

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def key(self, name):
        self.send(f"send-keys -t S {name}")

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_serial = 0


class Natter:
    """natter's full-screen interface in tmux (120x40), history on, with
    the benchmark trace on, started through a Launcher."""

    def __init__(self, binary, home, *args, width=120, height=40):
        global _serial
        _serial += 1
        self.home = home
        self.trace_path = home.root / f"trace-{_serial}"
        self.trace = Trace(self.trace_path)
        self.sock = f"natter-bench-{os.getpid()}-{_serial}"
        self.launcher = Launcher()
        env = home.env
        env["NATTER_BENCH_TRACE"] = str(self.trace_path)
        env.pop("TMUX", None)
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d",
                        "-x", str(width), "-y", str(height), "-s", "S",
                        self.launcher.shell([binary, *args])], check=True, env=env)
        self.pid = int(self.tmux("list-panes", "-t", "S", "-F",
                                 "#{pane_pid}").stdout.split()[0])
        self.keys = None
        self.t0 = None

    def start(self):
        """Let natter run; returns the time it was let go."""
        self.t0 = self.launcher.go()
        return self.t0

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, *args],
                              capture_output=True, text=True)

    def check(self):
        if not alive(self.pid):
            raise BenchError("natter exited")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "S").stdout

    def command(self, line):
        self.tmux("send-keys", "-t", "S", "-l", line)
        self.tmux("send-keys", "-t", "S", "Enter")

    def key(self, name):
        if self.keys is None:
            self.keys = Keys(self.sock)
        self.keys.key(name)

    def wait_frame(self, timeout=30, win=None, side=0, start=-1, what=None):
        return self.trace.frame_after(start, timeout, what or f"frame of {win}",
                                      win=win, side=side, check=self.check)

    def wait_screen(self, regex, timeout=30):
        pat = re.compile(regex, re.M)
        return wait_for(lambda: (self.check() or True) and pat.search(self.screen()),
                        timeout, f"screen to match {regex!r}")

    def close(self):
        """Quit natter (SIGHUP, as when its terminal goes) and wait for
        it to finish: its history is then complete on disk."""
        if self.keys is not None:
            self.keys.close()
        self.tmux("kill-server")
        deadline = time.monotonic() + 10
        while alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        self.launcher.cleanup()


def stored(home, peer):
    """Messages "message I" natter's history holds for peer."""
    db = home.data / "natter" / "history.db"
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("SELECT COUNT(DISTINCT body) FROM messages WHERE peer = ?"
                               " AND body LIKE 'message %'", (peer,)).fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as e:
        raise BenchError(f"natter's history cannot be read: {e}") from None


def prepare_home(binary, home):
    """natter's files as after a first start (history database made)."""
    subprocess.run([binary, "--batch"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=home.env, timeout=30)


def fill_history(home, peer, n):
    """Give natter's history messages 1 .. n-1 from peer after the
    "message 0" natter itself stored: copies of that row (every column
    natter wrote) with their own body and id; other ids left empty.
    Indexed for search as natter would have (when its tables exist)."""
    db = home.data / "natter" / "history.db"
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(messages)")]
        keep = [c for c in cols if c not in ("row", "body", "id") and not c.endswith("_id")]
        row = con.execute("SELECT row FROM messages WHERE peer = ? AND body = 'message 0'",
                          (peer,)).fetchone()
        if row is None:
            raise BenchError("natter did not store message 0")
        names = ", ".join(keep)
        con.executemany(f"INSERT INTO messages ({names}, body, id) SELECT {names}, ?, ? "
                        "FROM messages WHERE row = ?",
                        ((f"message {i}", f"m{i}", row[0]) for i in range(1, n)))
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        if {"messages_fts", "fts_state"} <= tables:
            con.execute("INSERT INTO messages_fts(rowid, body) SELECT row, body "
                        "FROM messages WHERE row > (SELECT indexed FROM fts_state)")
            con.execute("UPDATE fts_state SET indexed = (SELECT MAX(row) FROM messages)")
        con.commit()
    except sqlite3.Error as e:
        raise BenchError(f"natter's history cannot be filled: {e}") from None
    finally:
        con.close()
