# SPDX-License-Identifier: MIT
"""OTR in the TUI (issue 18): the interface stays responsive while a key
is generated, and the title and status bars show a chat's OTR state."""
import re
import time

import pytest

from natterlib import Home, login, wait_for


@pytest.fixture
def home2():
    h = Home()
    yield h
    h.cleanup()


def status_line(t):
    return t.screen().splitlines()[-2]


def title_line(t):
    return t.screen().splitlines()[0]


def test_typing_while_key_is_generated(tui, home, prosody):
    # Spare accounts (never connected: a key needs only the JID): a try in
    # which one screen sample already shows both the typed text and the
    # finished key (a loaded machine samples slowly) says nothing either
    # way, so the next account's key is generated; a loop blocked by the
    # calculation can only ever give such samples, and fails.
    spares = [f"k{i}" for i in range(4)]
    for k in spares:
        home.add_account(k, f"{k}@localhost", "pw", port=prosody.port)
    t, alice = tui()
    tries = []
    for acct, jid in [("a", "alice@localhost")] + [(k, f"{k}@localhost") for k in spares]:
        t.command(f"/otr gen {acct}")
        t.type(f"typed while generating {acct}")
        seen = {}

        def watch():
            s = t.screen()
            now = time.monotonic()
            if f"typed while generating {acct}" in s.splitlines()[-1]:
                seen.setdefault("typed", now)
            if re.search(rf"OTR key for {re.escape(jid)} generated", s):
                seen.setdefault("done", now)
            return len(seen) == 2
        wait_for(watch, 60, lambda: f"both; screen:\n{t.screen()}")
        tries.append(seen)
        t.keys("C-u")                           # clear the input line
        # The line editor echoed the keys before the key was ready: the
        # loop kept running while the calculation went on in its thread.
        if seen["typed"] < seen["done"]:
            return
    raise AssertionError(f"typed text never shown before the key was ready: {tries}")


def test_bars_show_otr_state(tui, home2, prosody):
    t, alice = tui()
    b, bob = login(home2, prosody, user="bob")
    try:
        t.command("/otr gen")
        t.wait_screen(r"OTR key for alice@localhost generated", 60)
        b.send("/otr gen")
        b.wait_event("info", text=re.compile("generated"), timeout=60)
        t.command(f"/msg {bob}")
        wait_for(lambda: "bob@localhost [plain]" in title_line(t), 10,
                 lambda: f"plain; title: {title_line(t)}")
        t.command("/otr start")
        wait_for(lambda: "[OTR untrusted]" in title_line(t), 30,
                 lambda: f"untrusted; title: {title_line(t)}")
        wait_for(lambda: "[OTR untrusted]" in status_line(t), 10,
                 lambda: f"untrusted; status: {status_line(t)}")
        t.wait_screen(r"OTR: private \(OTR\) conversation with bob@localhost")
        t.command("/otr trust")
        wait_for(lambda: "[OTR trusted]" in title_line(t), 10,
                 lambda: f"trusted; title: {title_line(t)}")
        b.send(f"/otr end {alice}")
        wait_for(lambda: "[OTR finished]" in title_line(t), 10,
                 lambda: f"finished; title: {title_line(t)}")
        t.command("still there?")
        t.wait_screen(r"ended the private conversation")
        t.command("/otr end")
        wait_for(lambda: "[plain]" in title_line(t), 10,
                 lambda: f"plain again; title: {title_line(t)}")
        wait_for(lambda: "OTR" not in status_line(t), 10,
                 lambda: f"plain again; status: {status_line(t)}")
    finally:
        b.kill()
