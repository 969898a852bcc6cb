# SPDX-License-Identifier: MIT
import pytest

from natterlib import Home, Peer, Prosody, Tui


@pytest.fixture
def home():
    h = Home()
    yield h
    h.cleanup()


@pytest.fixture
def prosody():
    p = Prosody().start()
    yield p
    p.stop()


@pytest.fixture
def make_prosody():
    started = []

    def make(**kw):
        p = Prosody(**kw).start()
        started.append(p)
        return p
    yield make
    for p in started:
        p.stop()


@pytest.fixture
def make_peer(prosody):
    peers = []

    def make(user, password="peer-pw"):
        p = Peer(prosody, user, password)
        peers.append(p)
        return p
    yield make
    for p in peers:
        p.close()


@pytest.fixture
def tui_factory(home):
    """Start natter's TUI in tmux, closed at the end of the test:
    tui_factory(*natter_args, width=, height=, env_home=) -> Tui."""
    started = []

    def make(*args, env_home=None, **kw):
        t = Tui(env_home or home, *args, **kw)
        started.append(t)
        return t
    yield make
    for t in started:
        t.close()


@pytest.fixture
def tui(home, prosody, tui_factory):
    """The TUI with alice's account "a" online at start:
    tui(*natter_args, password=, width=, height=, **account_keys)
    -> (Tui, alice's JID)."""
    def make(*args, password="pw", width=120, height=40, **keys):
        jid = prosody.register("alice", password)
        home.add_account("a", jid, password, port=prosody.port, **keys)
        home.trust(prosody.fingerprint())
        t = tui_factory("-a", "a", *args, width=width, height=height)
        t.wait_screen(r"\[alice@localhost online\]")
        return t, jid
    return make
