# SPDX-License-Identifier: MIT
"""Memory of the real TUI under load (PRODUCT §12, issue 21): resident
memory growth per room occupant, read from /proc."""
import subprocess

import pytest

from fakeserver import FakeServer
from natterlib import SANITIZED, Tui, wait_for

pytestmark = pytest.mark.skipif(SANITIZED, reason="memory budgets are not "
                                "measurable under AddressSanitizer")

ROOM = "big@conference.localhost"
OCCUPANTS = 2000
BUDGET_PER_OCCUPANT = 300       # bytes, PRODUCT §12


def natter_pid(t):
    shell = t.pid()
    out = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout
    return int(out.split()[0])


def history_opened(home):
    """natter opens history at its first lull after start (5 ms with
    nothing to do): wait for it, so its pages are not counted as growth."""
    wait_for(lambda: (home.data / "natter" / "history.db-wal").exists(), 10,
             "history to be opened")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def occupant_presence(i):
    """One occupant as Prosody sends it in a semi-anonymous room."""
    role = "moderator" if i % 100 == 0 else "participant"
    aff = "owner" if i == 0 else "member" if i % 10 == 0 else "none"
    show = "<show>away</show>" if i % 7 == 0 else ""
    return (f"<presence from='{ROOM}/user{i:05d}' to='alice@localhost/fake' "
            f"id='p{i}'>{show}<x xmlns='http://jabber.org/protocol/muc#user'>"
            f"<item affiliation='{aff}' role='{role}'/></x></presence>")


def big_room(n):
    def on_stanza(srv, text):
        if "http://jabber.org/protocol/muc" in text and text.startswith("<presence"):
            srv.send("".join(occupant_presence(i) for i in range(n)))
            srv.send(f"<presence from='{ROOM}/ally'><x xmlns='http://jabber.org/"
                     "protocol/muc#user'><item affiliation='none' role='participant'/>"
                     "<status code='110'/></x></presence>")
    return FakeServer(on_stanza=on_stanza)


def test_room_join_grows_memory_by_at_most_300_bytes_per_occupant(home):
    srv = big_room(OCCUPANTS)
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable", nick="ally")
    t = Tui(home, "-a", "a")
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        pid = natter_pid(t)
        history_opened(home)
        before = rss_kb(pid)
        t.command(f"/join {ROOM}")
        t.wait_screen(rf"{ROOM} as ally \({OCCUPANTS + 1}\)", timeout=30)
        t.wait_screen(r"Participants")               # the pane is drawn
        per = (rss_kb(pid) - before) * 1024 / OCCUPANTS
        print(f"resident memory per occupant: {per:.0f} B")
        assert per <= BUDGET_PER_OCCUPANT, f"{per:.0f} B per occupant"
    finally:
        t.close()
        srv.close()


BURST = 10000
BURST_GROWTH_KB = 2048      # PRODUCT §12: <= 16 MB after the burst, <= 12 MB after login;
                            # a chat window keeps 1,000 lines, history the rest


def chat_message(i):
    return (f"<message from='bob@localhost/floor' to='alice@localhost/fake' type='chat' "
            f"id='m{i}'><body>message {i}</body></message>")


def test_burst_of_10000_messages_grows_memory_by_at_most_4_mb(home):
    srv = FakeServer()
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable")
    t = Tui(home, "-a", "a", "-c", "/msg bob@localhost")
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        t.wait_screen(r"natter \S+ - bob@localhost")
        pid = natter_pid(t)
        history_opened(home)
        before = rss_kb(pid)
        for start in range(0, BURST, 1000):
            srv.send("".join(chat_message(i) for i in range(start, start + 1000)))
        t.wait_screen(rf"message {BURST - 1}$", timeout=60)
        grown = rss_kb(pid) - before
        print(f"resident memory after {BURST} messages: +{grown} kB")
        assert grown <= BURST_GROWTH_KB, f"+{grown} kB"
    finally:
        t.close()
        srv.close()
