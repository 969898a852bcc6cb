# SPDX-License-Identifier: MIT
"""The XML console window in the real TUI (PRODUCT §7, issue 5): traffic
from before it was opened, exact attributes, colours, raw input typed in
it (multi-line, refused when malformed), IQ pairing and recall."""
import re


from natterlib import wait_for



def entries(screen):
    """(header, body) of each stanza on screen; headers start with #N."""
    out = []
    for line in screen.splitlines():
        if re.match(r"#\d+ ", line):
            out.append([line, ""])
        elif out and line.startswith(" "):
            out[-1][1] += line + "\n"
    return out


def test_console_opened_after_login_shows_login_redacted(tui):
    t, alice = tui(password="Very-Secret-pw1")
    t.command("/xmlconsole")
    t.wait_screen(r"natter \S+ - XML console")
    t.command("/xmlconsole filter text:xmpp-sasl")
    t.wait_screen(r"<auth mechanism=\"SCRAM-SHA-1\" xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">\[redacted\]</auth>")
    # received: the server's bytes (raw view, default), redacted
    screen = t.wait_screen(r"<success xmlns=[\"']urn:ietf:params:xml:ns:xmpp-sasl[\"']>\[redacted\]</success>").string
    assert "Very-Secret-pw1" not in screen
    assert re.search(r"^#\d+ \d\d:\d\d:\d\d\.\d{3} \u2192 a", screen, re.M)
    assert re.search(r"^#\d+ \d\d:\d\d:\d\d\.\d{3} \u2190 a", screen, re.M)


def test_console_shows_peer_stanza_with_exact_attributes(tui, make_peer):
    bob = make_peer("bob")
    t, alice = tui()
    t.command("/xmlconsole")
    t.wait_screen(r"XML console")
    t.command("/xmlconsole view parsed")    # pretty-printed, as parsed
    t.wait_screen(r"XML console  view: parsed")
    bob.do("raw", xml=f"<message to='{alice}' type='chat' id='exact-1'><body>attr test</body>"
                      "<x xmlns='urn:example:test' a='1' b='two words'/></message>")
    t.wait_screen(r"<body>attr test</body>")
    screen = t.screen()
    msg = next(l for l in screen.splitlines() if "<message" in l and "exact-1" in l)
    for attr in ['id="exact-1"', 'type="chat"', f'to="{alice}"', f'from="{bob.jid}/']:
        assert attr in msg, (attr, msg)
    x = next(l for l in screen.splitlines() if "<x " in l)
    for attr in ['xmlns="urn:example:test"', 'a="1"', 'b="two words"']:
        assert attr in x, (attr, x)
    assert re.search(r"^  <message .*>$", screen, re.M)           # indented under its header
    assert re.search(r"^    <body>attr test</body>$", screen, re.M)
    # Syntax colours: the element name is drawn in another colour than '<'.
    esc = t.screen(escapes=True)
    assert re.search(r"<(\x1b\[[0-9;]*m)+body", esc), "element name not coloured"
    assert re.search(r"b(\x1b\[[0-9;]*m)+=(\x1b\[[0-9;]*m)+\"two words\"", esc), \
        "attribute value not coloured"


def test_raw_xml_typed_in_console_multiline_paired_reply(tui):
    t, alice = tui()
    t.command("/xmlconsole")
    t.wait_screen(r"XML console")
    # pretty-printed: the reply's elements on rows of their own (the
    # server's bytes are one long line that wraps anywhere)
    t.command("/xmlconsole view parsed")
    t.command("<iq type='get' id='tui-v1' to='localhost'>")
    t.wait_screen(r"element not closed yet")
    t.wait_screen(r"\[collecting raw XML\]")
    t.command("<query xmlns='jabber:iq:version'/></iq>")
    t.wait_screen(r"<name>Prosody</name>")
    t.wait_screen(r"reply to #\d+ after \d+\.\d ms")
    es = entries(t.screen())
    req_h = next(h for h, b in es if "tui-v1" in b and "\u2192" in h)
    rep_h = next(h for h, b in es if "tui-v1" in b and "\u2190" in h)
    req = re.match(r"#(\d+) \S+ \u2192 a  answered by #(\d+)$", req_h)
    rep = re.match(r"#(\d+) \S+ \u2190 a  reply to #(\d+) after \d+\.\d ms$", rep_h)
    assert req and rep, (req_h, rep_h)
    assert req.group(2) == rep.group(1) and rep.group(2) == req.group(1)
    # Recall puts the request back in the input line.
    t.command(f"/xmlconsole recall {req.group(1)}")
    wait_for(lambda: "<iq type='get' id='tui-v1' to='localhost'>" in t.screen().splitlines()[-1],
             10, "recalled stanza in the input line")


def test_malformed_typed_in_console_refused(tui):
    t, alice = tui()
    t.command("/xmlconsole")
    t.wait_screen(r"XML console")
    t.command("<iq type='get' id='tui-bad'><query></iq>")
    t.wait_screen(r"not sent, the XML is not well-formed: Error on line 1 char \d+")
    t.command("/xmlconsole filter text:tui-bad")
    t.wait_screen(r"filter: text:tui-bad")
    t.wait_screen(r"no recorded stanza matches the filter")
    assert "\u2192 a" not in t.screen()


def test_error_reply_highlighted(tui):
    t, alice = tui()
    t.command("/xmlconsole")
    t.wait_screen(r"XML console")
    t.command("<iq type='get' id='tui-e1' to='nobody@localhost/x'><ping xmlns='urn:xmpp:ping'/></iq>")
    t.wait_screen(r"ERROR reply to #\d+")
    esc = t.screen(escapes=True)
    line = next(l for l in esc.splitlines() if "ERROR reply" in l)
    assert "\x1b[1m" in line or re.search(r"\x1b\[[0-9;]*31", line), line
    # the explanation sits right under that header
    screen = t.wait_screen(r"→ service-unavailable: the recipient does not").string
    rows = screen.splitlines()
    at = next(i for i, l in enumerate(rows) if "ERROR reply" in l)
    assert "→ service-unavailable: the recipient does not" in rows[at + 1], rows
    assert "likely cause: the recipien" in rows[at + 1], rows


def test_pause_resume_and_scroll_to_the_first_stanza(tui):
    t, alice = tui()
    t.command("/xmlconsole")
    t.wait_screen(r"XML console")
    t.command("/xmlconsole pause")
    t.wait_screen(r"PAUSED at #\d+")
    t.command("<presence><status>while-paused</status></presence>")
    t.wait_screen(r"sent \d+ bytes of raw XML")
    assert "while-paused" not in t.screen()
    t.command("/xmlconsole resume")
    t.wait_screen(r"<status>while-paused</status>")
    assert "PAUSED" not in t.screen()
    # The ring reaches back to the first thing sent at connect time.
    for _ in range(40):
        if re.search(r"^#1 \S+ \u2192 a$", t.screen(), re.M):
            break
        t.keys("PPage")
    t.wait_screen(r"^#1 \S+ \u2192 a$")
    t.wait_screen(r"<stream:stream ")
    t.wait_screen(r"scrolled back")
    # Scrolling further keeps the oldest stanza at the top, not a blank page.
    t.keys("PPage", "PPage", "PPage")
    stable = []

    def top_is_first():
        ok = t.screen().splitlines()[1].startswith("#1 ")
        stable.append(ok)
        return len(stable) >= 15 and all(stable[-15:])
    wait_for(top_is_first, 10, lambda: "#1 to stay at the top; screen:\n" + t.screen())
    t.keys("NPage")


def test_clear_in_console_window_clears_the_traffic(tui):
    t, alice = tui()
    t.command("/xmlconsole")
    t.wait_screen(r"^#\d+ ")
    t.command("/clear")
    wait_for(lambda: not re.search(r"^#\d+ ", t.screen(), re.M), 10, "console cleared")
