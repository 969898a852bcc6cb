# SPDX-License-Identifier: MIT
import pytest

from natterlib import Home, Peer, Prosody


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
