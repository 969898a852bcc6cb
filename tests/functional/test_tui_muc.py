# SPDX-License-Identifier: MIT
"""Room windows and the occupants pane in the real TUI (issue 4)."""
import re

import pytest

from natterlib import Tui, wait_for
from test_muc import ROOM, enter, say


@pytest.fixture
def tui(tui):
    """alice joins rooms as "ally"."""
    return lambda **kw: tui(nick="ally", **kw)


def status_line(t):
    return t.screen().splitlines()[-2]


def test_join_shows_subject_history_and_occupants_pane(tui, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    bob.do("raw", xml=f"<message to='{ROOM}' type='groupchat'><subject>Weekly sync</subject></message>")
    say(bob, "said before you came")
    bob.do("ping")
    bob.wait("pong")
    t, alice = tui()
    t.command(f"/join {ROOM}")
    t.wait_screen(r"you joined lounge@conference.localhost as ally")
    t.wait_screen(r"^ natter \S+ - lounge@conference.localhost as ally \(2\) - Weekly sync")
    t.wait_screen(r"<bob> said before you came")
    t.wait_screen(r"Moderators")
    t.wait_screen(r"\+~bob")          # presence symbol, then affiliation
    t.wait_screen(r"Participants")
    t.wait_screen(r" ally")
    carol = make_peer("carol")
    enter(carol, "carol")
    t.wait_screen(r"carol joined \(participant, none\)")
    t.wait_screen(r"\+ carol\s*$")
    carol.do("raw", xml=f"<presence to='{ROOM}/caroline'/>")
    t.wait_screen(r"carol is now known as caroline")
    t.wait_screen(r"^.* caroline\s*$")
    carol.do("raw", xml=f"<presence to='{ROOM}/caroline' type='unavailable'/>")
    t.wait_screen(r"caroline left")
    pane = lambda: "\n".join(l[96:] for l in t.screen().splitlines())
    wait_for(lambda: "carol" not in pane(), 5, "carol off the pane")
    assert "~bob" in pane() and "ally" in pane()


def test_mention_highlights_window_and_tab_completes_nick(tui, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    t, alice = tui()
    t.command(f"/join {ROOM}")
    t.wait_screen(r"you joined")
    t.keys("M-1")
    say(bob, "just chatting")
    wait_for(lambda: re.search(r"\[2:lounge@conference.localhost\*\]", status_line(t)), 10,
             f"message mark; {status_line(t)}")
    say(bob, "hey ally, look")
    wait_for(lambda: re.search(r"\[2:lounge@conference.localhost!\]", status_line(t)), 10,
             f"mention mark; {status_line(t)}")
    t.keys("M-2")
    t.type("bo")
    t.keys("Tab")
    t.wait_screen(r"> bob: $|> bob:$")
    t.type("hello")
    t.keys("Enter")
    bob.wait("message", body="bob: hello")
    t.wait_screen(r"<ally> bob: hello")


def test_wide_character_nick_in_pane_and_lines(tui, make_peer):
    # Prosody's resourceprep refuses control, bidi and format characters
    # in nicks, so those cannot be tested through a real server; the
    # sanitizer's unit tests cover them. Wide characters must still lay
    # out in the pane and in lines.
    bob = make_peer("bob")
    t, alice = tui()
    enter(bob, "日本語")
    t.command(f"/join {ROOM}")
    t.wait_screen(r"you joined")
    say(bob, "こんにちは")
    t.wait_screen(r"<日本語> こんにちは")
    t.wait_screen(r"~日本語")
    assert all(len(l) <= 120 for l in t.screen().splitlines())


def test_being_kicked_shows_in_window(tui, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    t, alice = tui()
    t.command(f"/join {ROOM}")
    t.wait_screen(r"you joined")
    bob.do("raw", xml=f"<iq type='set' to='{ROOM}' id='k1'>"
                      "<query xmlns='http://jabber.org/protocol/muc#admin'>"
                      "<item nick='ally' role='none'><reason>enough</reason></item></query></iq>")
    t.wait_screen(r"lounge@conference.localhost: you were kicked: enough")
    t.wait_screen(r"\(not joined\)")


def test_hostile_occupant_nick_is_escaped(home):
    """A hostile server can send nicks that Prosody would refuse: bidi
    overrides and invisible characters must be shown escaped in the pane
    and in lines, and cannot fake another line."""
    from fakeserver import FakeServer
    nick = "evil\u202egnp.exe\u200b"

    def on_stanza(srv, text):
        if "http://jabber.org/protocol/muc" in text and text.startswith("<presence"):
            room = "den@conference.localhost"
            srv.send(f"<presence from='{room}/{nick}'><x xmlns='http://jabber.org/protocol/muc#user'>"
                     "<item affiliation='owner' role='moderator'/></x></presence>")
            srv.send(f"<presence from='{room}/ally'><x xmlns='http://jabber.org/protocol/muc#user'>"
                     "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")
            srv.send(f"<message from='{room}/{nick}' type='groupchat'><body>hi&#10;12:00 &lt;ally&gt; fake</body></message>")

    srv = FakeServer(on_stanza=on_stanza)
    home.add_account("a", "alice@localhost", "pw", port=srv.port, tls="disable", nick="ally")
    t = Tui(home, "-a", "a")
    try:
        t.wait_screen(r"\[alice@localhost online\]")
        t.command("/join den@conference.localhost")
        wait_for(lambda: any("den@conference" in r for r in srv.received), 10,
                 f"join sent; got {srv.received}")
        t.wait_screen(r"~evil<U\+202E>gnp\.exe")     # the pane cuts the rest
        t.wait_screen(r"<evil<U\+202E>gnp\.exe<U\+200B>> hi")
        fake = [l for l in t.screen().splitlines() if "<ally> fake" in l][0]
        assert re.match(r"^\s+12:00 <ally> fake", fake), fake
        assert "\u202e" not in t.screen()
    finally:
        t.close()
        srv.close()


def test_mentions_window_collects_mentions_across_rooms(tui, make_peer):
    bob = make_peer("bob")
    enter(bob, "bob")
    t, alice = tui()
    t.command(f"/join {ROOM}")
    t.wait_screen(r"you joined")
    t.keys("M-1")
    say(bob, "nothing for you")
    say(bob, "ally: are you there?")
    wait_for(lambda: re.search(r"\[3:mentions\*\]", status_line(t)), 10,
             f"mentions window; {status_line(t)}")
    t.command("/mentions")
    t.wait_screen(r"<lounge@conference\.localhost/bob> ally: are you there\?")
    assert "nothing for you" not in t.screen()
    t.wait_screen(r"\[3:mentions<\]")


def test_room_line_typed_offline_is_pending_then_sent_after_rejoin(tui, prosody, make_peer):
    """Issue 16: a room line typed while offline is shown at once with ⋯,
    sent after the new session rejoins the room, and shown once: the
    room's echo clears the mark instead of adding a second line."""
    t, alice = tui()
    t.command(f"/join {ROOM}")
    t.wait_screen(r"ally joined|You joined|joined")
    prosody.crash()
    t.wait_screen(r"\[alice@localhost (disconnected|offline|failed|reconnecting)")
    t.type("said while offline")
    t.keys("Enter")
    t.wait_screen(r"<ally> said while offline \u22ef")
    prosody.restart()
    bob = make_peer("bob")
    enter(bob, "bob")
    t.command("/reconnect now")
    bob.wait("message", body="said while offline")
    t.wait_screen(r"<ally> said while offline$")
    assert t.screen().count("said while offline") == 1


def small_room_window(tui, make_peer):
    """alice in the room with bob, her windows keeping 100 lines: (bob, Tui)."""
    bob = make_peer("bob")
    enter(bob, "bob")
    t, alice = tui()
    t.command("/set ui.scrollback 100")
    t.command(f"/join {ROOM}")
    t.wait_screen(r"you joined lounge@conference.localhost as ally")
    return bob, t


def test_room_window_pages_back_into_history(tui, make_peer):
    """A room window keeps ui.scrollback lines (at most 1,000 with history
    on); paging back past them reads the room's older lines from history,
    down to the first one said since we joined."""
    bob, t = small_room_window(tui, make_peer)
    for i in range(150):
        say(bob, f"line {i}")
    t.wait_screen(r"<bob> line 149\s*$", timeout=20)
    first = re.compile(r"<bob> line 0(\s|$)", re.M)
    top = lambda: t.screen().splitlines()[1]
    for _ in range(60):
        if first.search(t.screen()):
            break
        before = top()
        t.keys("PPage")
        wait_for(lambda: top() != before, 5, lambda: f"PgUp to move: {t.screen()}")
    assert first.search(t.screen()), t.screen()


def test_search_jump_in_a_room_reads_back_beyond_the_lines_kept(tui, make_peer):
    bob, t = small_room_window(tui, make_peer)
    say(bob, "needle in the room")
    for i in range(120):
        say(bob, f"hay {i}")
    t.wait_screen(r"<bob> hay 119\s", timeout=20)
    t.keys("M-1")
    t.wait_screen(r"\[1:console<\]")
    t.command("/search needle")
    t.wait_screen(r"\[1\] .* needle in the room")
    t.command("/search -j 1")
    wait_for(lambda: "[2:lounge@conference.localhost<]" in status_line(t), 5,
             lambda: f"the room window: {t.screen()}")
    t.wait_screen(r"^\d\d:\d\d <bob> needle in the room")
    assert "is older than" not in t.screen()
