# SPDX-License-Identifier: MIT
import pytest

from natterlib import Home, Prosody


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
