# SPDX-License-Identifier: MIT
"""Harness for natter's functional tests: a private Prosody on 127.0.0.1,
fresh XDG directories, natter in batch mode, natter's TUI in tmux.

Every wait polls a condition until a deadline; there are no fixed sleeps.
"""
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
NATTER = os.environ.get("NATTER_BIN", str(SRC / "natter"))


def _sanitized():
    """True for a build with AddressSanitizer: its shadow memory and
    quarantine make resident-memory figures meaningless."""
    try:
        out = subprocess.run(["ldd", NATTER], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out


SANITIZED = _sanitized()
SCRATCH = Path(os.environ.get("NATTER_TEST_SCRATCH", "/tmp/natter-tests"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def libstrophe_build():
    """The libstrophe line of `natter --version`: natter's hardened build
    ("natter-hardened: N patches") or the stock package."""
    out = subprocess.run([NATTER, "--version"], capture_output=True,
                         text=True, check=True).stdout
    return re.search(r"^libstrophe .*$", out, re.M).group(0)


def wait_for(cond, timeout=10.0, what="condition"):
    """Poll cond() until it returns something true; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            if callable(what):
                what = what()
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def scratch_dir(prefix):
    SCRATCH.mkdir(parents=True, exist_ok=True)
    os.chmod(SCRATCH, 0o755)
    d = Path(tempfile.mkdtemp(prefix=prefix, dir=SCRATCH))
    os.chmod(d, 0o755)
    return d


def _as_prosody():
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=prosody", "--regid=prosody", "--init-groups", "--"]


class Prosody:
    """A private Prosody: own config, data dir, random loopback port."""

    def __init__(self, tls=True, plain_only=False, modules=(), disabled=(),
                 domain="localhost", groups=None, muc=True, registration=False,
                 muc_locking=False, muc_modules=(), pubsub=False,
                 pubsub_admins=()):
        self.root = scratch_dir("prosody-")
        self.domain = domain
        self.port = free_port()
        self.tls = tls
        self.plain_only = plain_only
        self.modules = list(modules)
        self.disabled = list(disabled)
        self.groups = groups or {}
        self.muc = muc
        self.muc_locking = muc_locking     # Prosody's default: new rooms locked
        self.muc_modules = list(muc_modules)   # e.g. "muc_mam"
        self.registration = registration
        self.pubsub = pubsub    # Component "pubsub.DOMAIN" (mod_pubsub)
        self.pubsub_admins = list(pubsub_admins)  # users: may create nodes
        self.proc = None
        self.cert = self.root / "cert.pem"
        self.key = self.root / "key.pem"
        self.config = self.root / "prosody.cfg.lua"

    def _make_cert(self):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "3650", "-subj", f"/CN={self.domain}",
             "-addext", f"subjectAltName=DNS:{self.domain},DNS:conference.{self.domain}",
             "-keyout", str(self.key), "-out", str(self.cert)],
            check=True, capture_output=True)

    def fingerprint(self):
        out = subprocess.run(
            ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
             str(self.cert)], check=True, capture_output=True, text=True).stdout
        return out.strip().split("=", 1)[1]

    def _write_config(self):
        mods = ["roster", "saslauth", "disco", "ping", "presence", "carbons",
                "smacks", "blocklist", "private", "pep", "bookmarks", "version",
                "time", "uptime"]
        if self.tls:
            mods.append("tls")
        mods += self.modules
        if self.groups:
            mods.append("groups")
        if self.registration:
            mods.append("register")
        disabled = ["s2s", "limits", "posix"] + self.disabled
        if not self.tls:
            disabled.append("tls")
        lua = lambda xs: "{ " + "; ".join(f'"{x}"' for x in xs) + " }"
        cfg = f'''
pidfile = "{self.root}/prosody.pid"
data_path = "{self.root}/data"
admin_socket = "{self.root}/admin.sock"
log = {{ {{ levels = {{ min = "debug" }}, to = "file", filename = "{self.root}/prosody.log" }} }}
interfaces = {{ "127.0.0.1" }}
c2s_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.port} }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
modules_enabled = {lua(mods)}
modules_disabled = {lua(disabled)}
'''
        if self.groups:
            gf = self.root / "groups.txt"
            gf.write_text("".join(
                f"[{g}]\n" + "".join(f"{u}@{self.domain}={u.capitalize()}\n" for u in users)
                for g, users in self.groups.items()))
            cfg += f'groups_file = "{gf}"\n'
        if self.registration:
            cfg += "allow_registration = true\n"
        if self.plain_only:
            cfg += 'disable_sasl_mechanisms = { "SCRAM-SHA-1"; "SCRAM-SHA-1-PLUS"; "DIGEST-MD5" }\n'
        if self.tls:
            cfg += f'ssl = {{ certificate = "{self.cert}"; key = "{self.key}" }}\n'
        cfg += f'VirtualHost "{self.domain}"\n'
        if self.tls:
            cfg += f'  ssl = {{ certificate = "{self.cert}"; key = "{self.key}" }}\n'
        if self.muc:
            cfg += f'Component "conference.{self.domain}" "muc"\n'
            if not self.muc_locking:
                cfg += '  muc_room_locking = false\n'
            cfg += '  muc_room_default_history_length = 50\n'
            cfg += '  muc_room_default_public = true\n'
            if self.muc_modules:
                cfg += f'  modules_enabled = {lua(self.muc_modules)}\n'
        if self.pubsub:
            cfg += f'Component "pubsub.{self.domain}" "pubsub"\n'
            admins = [f"{u}@{self.domain}" for u in self.pubsub_admins]
            cfg += f'  admins = {lua(admins)}\n'
        self.config.write_text(cfg)

    def _chown(self):
        if os.geteuid() != 0:
            return
        pw = pwd.getpwnam("prosody")
        for p in [self.root, *self.root.rglob("*")]:
            os.chown(p, pw.pw_uid, pw.pw_gid)

    def start(self):
        (self.root / "data").mkdir()
        if self.tls:
            self._make_cert()
        self._write_config()
        self._chown()
        self._spawn()
        return self

    def _spawn(self):
        self.proc = subprocess.Popen(
            _as_prosody() + ["prosody", "--config", str(self.config), "-F"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._accepting, 15, "prosody to listen")

    # Faults, for tests of staying connected. The server keeps its config,
    # data (accounts, archives) and port across them.
    def crash(self):
        """SIGKILL the server: every connection is cut at once."""
        self.proc.kill()
        self.proc.wait()

    def restart(self):
        """Start the server again after crash() on the same port and data."""
        if self.proc.poll() is None:
            self.crash()
        self._spawn()

    def freeze(self):
        """SIGSTOP: sockets stay open but nothing is answered."""
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.proc.send_signal(signal.SIGCONT)

    def _accepting(self):
        if self.proc.poll() is not None:
            raise AssertionError("prosody exited: " + self.log())
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.2).close()
            return True
        except OSError:
            return False

    def register(self, user, password):
        subprocess.run(
            _as_prosody() + ["prosodyctl", "--config", str(self.config),
                             "register", user, self.domain, password],
            check=True, capture_output=True, timeout=30)
        return f"{user}@{self.domain}"

    def log(self, tail=4000):
        """The server's log, its last `tail` characters (None: all of it)."""
        try:
            text = (self.root / "prosody.log").read_text(errors="replace")
        except OSError:
            return ""
        return text if tail is None else text[-tail:]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.thaw()
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class Home:
    """Fresh XDG directories and helpers to write natter's files."""

    def __init__(self):
        self.root = scratch_dir("home-")
        self.config = self.root / "config"
        self.data = self.root / "data"
        self.state = self.root / "state"
        for d in (self.config, self.data, self.state):
            d.mkdir()

    @property
    def env(self):
        env = dict(os.environ)
        env.update(XDG_CONFIG_HOME=str(self.config), XDG_DATA_HOME=str(self.data),
                   XDG_STATE_HOME=str(self.state), HOME=str(self.root),
                   LANG="C.UTF-8", LC_ALL="C.UTF-8", G_DEBUG="fatal-criticals")
        env.setdefault("NATTER_THEME_DIR", str(SRC / "themes"))
        return env

    def add_account(self, name, jid, password=None, server="127.0.0.1",
                    port=None, **keys):
        path = self.config / "natter" / "accounts"
        path.parent.mkdir(exist_ok=True)
        lines = [f"[{name}]", f"jid={jid}"]
        if server is not None:      # None: the server is found through DNS
            lines.append(f"server={server}")
        if port:
            lines.append(f"port={port}")
        if password is not None:
            lines.append(f"password={password}")
        lines += [f"{k}={v}" for k, v in keys.items()]
        with open(path, "a") as f:
            f.write("\n".join(lines) + "\n\n")
        os.chmod(path, 0o600)

    def trust(self, fingerprint, host="localhost"):
        path = self.data / "natter" / "trusted-certs"
        path.parent.mkdir(exist_ok=True)
        with open(path, "a") as f:
            f.write(f"{fingerprint}\t{host}\ttest\n")

    def log(self):
        p = self.state / "natter" / "natter.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class Batch:
    """natter --batch --json as a subprocess; events parsed from stdout."""

    def __init__(self, home, *args, xml=False):
        cmd = [NATTER, "--batch", "--json"] + (["--xml"] if xml else []) + list(args)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=home.env, text=True, bufsize=1)
        self.events = []
        self.stderr = ""
        self._lock = threading.Lock()
        self._readers = [threading.Thread(target=f, daemon=True)
                         for f in (self._read_out, self._read_err)]
        for t in self._readers:
            t.start()

    def _read_out(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"event": "unparsable", "line": line}
            with self._lock:
                self.events.append(ev)

    def _read_err(self):
        for line in self.proc.stderr:
            with self._lock:
                self.stderr += line

    def wait_stderr(self, text, timeout=10):
        """Wait for text on stderr: natter writes it before the event
        that follows, but stderr has a reader thread of its own."""
        return wait_for(lambda: text in self.stderr, timeout,
                        lambda: f"stderr to hold {text!r}; stderr: {self.stderr}")

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def find(self, kind, **fields):
        with self._lock:
            for ev in self.events:
                if ev.get("event") != kind:
                    continue
                if all(_match(ev.get(k), v) for k, v in fields.items()):
                    return ev
        return None

    def wait_event(self, kind, timeout=15, **fields):
        return wait_for(lambda: self.find(kind, **fields), timeout,
                        lambda: f"event {kind} {fields}; got {self.events[-5:]} "
                                f"stderr={self.stderr}")

    def close(self, timeout=20):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        return self.wait_exit(timeout)

    def wait_exit(self, timeout=20):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        # natter has exited, so its pipes reach EOF: wait for this batch's
        # own readers to take in the last lines (never other threads, such
        # as peers' readers, which live as long as their peer).
        for t in self._readers:
            t.join(5)
            assert not t.is_alive(), "batch output still open after exit"
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _match(value, expected):
    if isinstance(expected, re.Pattern):
        return value is not None and expected.search(str(value)) is not None
    return value == expected


def login(home, prosody, extra=(), user="alice", password="pw", xml=False,
          connect=True):
    """Register user on prosody as account "a" of home (certificate
    trusted) and start natter --batch --json with extra arguments, by
    default connected: returns (Batch, bare JID)."""
    jid = prosody.register(user, password)
    home.add_account("a", jid, password, port=prosody.port)
    home.trust(prosody.fingerprint())
    b = Batch(home, *extra, *(["-c", "/connect a"] if connect else []), xml=xml)
    if connect:
        b.wait_event("connection-state", state="online")
    return b, jid


class Tui:
    """natter's TUI inside tmux on a private socket."""

    def __init__(self, home, *args, width=120, height=40):
        self.sock = f"natter-test-{os.getpid()}-{free_port()}"
        self.home = home
        cmdline = " ".join([NATTER] + [_shq(a) for a in args])
        subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session",
                        "-d", "-x", str(width), "-y", str(height), "-s", "S",
                        cmdline + "; echo NATTER-EXIT=$?; sleep 30"],
                       check=True, env=home.env)

    def tmux(self, *args, **kw):
        return subprocess.run(["tmux", "-L", self.sock] + list(args),
                              capture_output=True, text=True, **kw)

    def keys(self, *keys, literal=False):
        self.tmux("send-keys", "-t", "S", *(["-l"] if literal else []), *keys)

    def type(self, text):
        self.keys(text, literal=True)

    def command(self, line):
        self.type(line)
        self.keys("Enter")

    def screen(self, escapes=False):
        return self.tmux("capture-pane", "-p", "-t", "S", *(["-e"] if escapes else [])).stdout

    def wait_screen(self, regex, timeout=10):
        pat = re.compile(regex, re.M)
        return wait_for(lambda: pat.search(self.screen()), timeout,
                        lambda: f"screen to match {regex!r}; screen:\n{self.screen()}")

    def pid(self):
        return int(self.tmux("list-panes", "-t", "S", "-F", "#{pane_pid}").stdout.split()[0])

    def resize(self, w, h):
        self.tmux("resize-window", "-t", "S", "-x", str(w), "-y", str(h))

    def close(self):
        # natter is a child of the pane's shell; after the server goes, make
        # sure it has exited (an exit hung in the sanitizers' leak check
        # would otherwise spin on a CPU for the rest of the run).
        try:
            shell = self.pid()
            kids = [int(x) for x in subprocess.run(["pgrep", "-P", str(shell)],
                                                   capture_output=True, text=True).stdout.split()]
        except (ValueError, IndexError):
            kids = []
        self.tmux("kill-server")
        deadline = time.monotonic() + 5
        for pid in kids:
            while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                            break
                except OSError:
                    break
                time.sleep(0.05)
            try:
                os.kill(pid, 9)
            except OSError:
                pass


def _shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


class Peer:
    """A slixmpp peer in its own process (peer.py), driven by JSON lines."""

    script = "peer.py"          # run by /usr/bin/python3, next to this file
    online_timeout = 20

    def __init__(self, prosody, user, password="peer-pw", register=True):
        """register=False: the account exists (a new process for it)."""
        self.jid = (prosody.register(user, password) if register
                    else f"{user}@{prosody.domain}")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", str(Path(__file__).parent / self.script),
             self.jid, password, str(prosody.port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.events = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait("online", timeout=self.online_timeout)

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                self.events.append(ev)

    def do(self, op, **kw):
        kw["op"] = op
        self.proc.stdin.write(json.dumps(kw) + "\n")
        self.proc.stdin.flush()

    def send(self, to, body, **kw):
        self.do("send", to=to, body=body, **kw)

    def find(self, kind, **fields):
        with self._lock:
            for ev in self.events:
                if ev.get("event") == kind and all(
                        _match(ev.get(k), v) for k, v in fields.items()):
                    return ev
        return None

    def wait(self, kind, timeout=15, **fields):
        return wait_for(lambda: self.find(kind, **fields), timeout,
                        lambda: f"peer event {kind} {fields}; got {self.events[-5:]}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
