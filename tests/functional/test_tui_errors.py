# SPDX-License-Identifier: MIT
"""Errors from the server in the real TUI: shown once, in the window of
what they answer (issue 15)."""
import re


def test_failed_send_marks_the_line_in_its_chat_window(tui):
    t, alice = tui()
    t.command("/msg nobody@localhost hi")
    t.wait_screen(r"natter \S+ - nobody@localhost")
    t.wait_screen(r"<me> hi  ✗ failed: service-unavailable \(cancel\)")
    t.wait_screen(r"→ the\s+recipient\s+does\s+not\s+offer\s+this\s+service\s+"
                  r"\(or\s+hides\s+that\s+it\s+exists\);\s+likely\s+cause:\s+the\s+"
                  r"account\s+does\s+not\s+exist")
    t.keys("M-1")
    t.wait_screen(r"natter \S+ - console")
    assert "nobody@localhost failed" not in t.screen()


def test_join_error_is_shown_once_with_the_servers_words(tui):
    t, alice = tui()
    t.command("/join room@conference.nonexistent.invalid")
    t.wait_screen(r"cannot join: not-allowed \(cancel\): Communication with\s+"
                  r"remote domains is not enabled")
    t.keys("M-1")
    t.wait_screen(r"natter \S+ - console")
    t.command("/ping")                  # a barrier: later output has arrived
    t.wait_screen(r"pong from your server")
    screens = t.screen()
    t.keys("M-2")
    t.wait_screen(r"natter \S+ - room@conference")
    screens += t.screen()
    assert len(re.findall(r"remote\s+domains", screens)) == 1, screens


def test_room_error_is_shown_in_the_room_window(tui, make_peer):
    bob = make_peer("bob")
    room = "lounge@conference.localhost"
    bob.do("raw", xml=f"<presence to='{room}/bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    bob.wait("presence", **{"from": f"{room}/bob"})
    t, alice = tui()
    t.command(f"/join {room} nick ally")
    t.wait_screen(r"you joined")
    t.command("/nick bob")
    t.wait_screen(r"cannot change your nickname to bob: conflict \(cancel\)")
    assert "(not joined)" not in t.screen()
    t.keys("M-1")
    t.wait_screen(r"natter \S+ - console")
    assert "cannot change your nickname" not in t.screen()


def test_failed_mark_shows_the_senders_words_and_nothing_else(tui, make_peer):
    """The mark quotes the error's own text, escaped, and stops there: no
    bytes from past its end (it once read 512 bytes whatever the length)."""
    t, alice = tui()
    # Prosody's own bounce carries no text: the mark ends with the type.
    t.command("/msg nobody@localhost hi")
    t.wait_screen(r"<me> hi  ✗ failed: service-unavailable \(cancel\)\s*$")
    # A peer's bounce with text (and a bidi override in it).
    bob = make_peer("bob")
    t.command(f"/msg {bob.jid} are you there")
    msg = bob.wait("message", body="are you there")
    bob.do("raw", xml=(
        f"<message type='error' to='{msg['from']}' id='{msg['id']}'>"
        "<error type='wait'><resource-constraint "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
        "inbox full \u202e!</text></error></message>"))
    t.wait_screen(r"<me> are you there  ✗ failed: resource-constraint "
                  r"\(wait\): inbox full <U\+202E>!\s*$")
