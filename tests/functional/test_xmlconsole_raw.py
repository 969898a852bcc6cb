# SPDX-License-Identifier: MIT
"""The XML console's exact received bytes (issue 20 item 1): a scripted
server sends a prefixed stream (<stream:stream>, <stream:features>),
xml:lang, single- and double-quoted attributes, line breaks, SCRAM
payloads and a stanza cut over several TCP writes (inside a tag, an
attribute value and a UTF-8 sequence). The console's raw view, batch
--xml events and a recording carry those bytes verbatim; the parsed view
differs; SASL payloads are redacted everywhere. Needs natter's libstrophe
(its patch 0012): with another build these tests are skipped with that
reason."""
import json
import re
import socket
import time

import pytest

from fakeserver import FakeServer
from natterlib import Batch, libstrophe_build, wait_for

hardened = pytest.mark.skipif(
    "natter-hardened" not in libstrophe_build(),
    reason=f"{libstrophe_build()}: exact received bytes need natter's "
           "libstrophe patch 0012")

HEADER = ("<?xml version='1.0' encoding='UTF-8'?>\n"
          "<stream:stream xmlns='jabber:client' xml:lang='en' "
          "xmlns:stream='http://etherx.jabber.org/streams' "
          "from=\"localhost\" id='s1' version='1.0'>")
MSG = ("<message from='bob@localhost/desk' to=\"alice@localhost/fake\" "
       "xml:lang='de' type='chat' id='split-1'>\n"
       "  <body>Gr\u00fc\u00df dich</body>\n"
       "</message>")


def cuts(data):
    """Where MSG is cut between TCP writes: inside the tag name, inside an
    attribute value, inside the UTF-8 sequence of the ü, before the end."""
    return [data.index(b"ssage"), data.index(b"desk") + 2,
            data.index("\u00fc".encode()) + 1, len(data) - 3]


class RawServer(FakeServer):
    """The fake server with the stream header above (xml:lang, mixed
    quotes, a line break after the declaration)."""

    def _stream(self, features):
        self.send(HEADER + f"<stream:features>{features}</stream:features>")


def send_split(srv):
    """After login: MSG in five writes, each pushed out on its own."""
    if srv.connections != 1:
        return
    data = MSG.encode()
    start = 0
    try:
        srv.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for cut in cuts(data) + [len(data)]:
            srv.conn.sendall(data[start:cut])
            start = cut
            time.sleep(0.05)    # the server trickles: separate reads
    except OSError:
        pass                    # the test is over and closed the server


def scram_payloads(srv):
    """The base64 SASL payloads that went over the wire, both ways."""
    sent = re.findall(r"<(?:challenge|success)[^>]*>([^<]+)<", srv.sent)
    got = re.findall(r"<(?:auth|response)[^>]*>([^<]+)<", srv.wire)
    assert sent and got, (srv.sent, srv.wire)
    return sent + got


def start_server():
    srv = RawServer(mechanisms=("SCRAM-SHA-1",), on_online=send_split)
    srv.sent = ""
    plain_send = srv.send

    def send(text):
        srv.sent += text
        plain_send(text)
    srv.send = send
    return srv


@hardened
def test_batch_xml_events_carry_the_exact_bytes(home):
    srv = start_server()
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable")
    b = Batch(home, "-c", "/connect a", xml=True)
    try:
        ev = b.wait_event("raw-in", raw=re.compile("split-1"))
        assert ev["raw"] == MSG
        assert 'lang="de"' in ev["xml"] and "xml:lang" not in ev["xml"]
        hdr = b.find("raw-in", raw=re.compile(r"^<\?xml"))
        assert hdr["raw"] == HEADER, hdr
        assert hdr["xml"] != HEADER
        feats = b.find("raw-in", raw=re.compile("^<stream:features>"))
        assert feats["raw"].endswith("</stream:features>")
        assert feats["xml"].startswith("<features"), feats
        ch = b.find("raw-in", raw=re.compile("^<challenge"))
        assert ch["raw"] == ("<challenge xmlns='urn:ietf:params:xml:ns:"
                             "xmpp-sasl'>[redacted]</challenge>")
        ok = b.find("raw-in", raw=re.compile("^<success"))
        assert "[redacted]</success>" in ok["raw"]
        assert "[redacted]" in ok["xml"]
        text = json.dumps(b.events)
        for p in scram_payloads(srv):
            assert p not in text, f"SASL payload {p} leaked"
        # sent traffic is exact already and has no second copy
        assert all("raw" not in e for e in b.events
                   if e.get("event") == "raw-out")
    finally:
        b.kill()
        srv.close()


@hardened
def test_recording_holds_exact_bytes_redacted(home, tmp_path):
    srv = start_server()
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable")
    path = tmp_path / "rec.jsonl"
    b = Batch(home, "-c", "/connect a", xml=True)
    try:
        b.wait_event("raw-in", raw=re.compile("split-1"))
        b.send(f"/xmlconsole record start {path}")
        b.wait_event("command-result", command="xmlconsole")
        b.send("/xmlconsole record stop")
        wait_for(lambda: b.find("command-output",
                                text=re.compile("Stopped recording")), 10,
                 "recording stopped")
        text = path.read_text()
        recs = [json.loads(line) for line in text.splitlines()]
        msg = next(r for r in recs if "split-1" in r["xml"])
        assert msg["raw"] == MSG and msg["dir"] == "in"
        assert next(r for r in recs if r.get("raw", "").startswith(
            "<?xml"))["raw"] == HEADER
        ch = next(r for r in recs if r["xml"].startswith("<challenge"))
        assert "[redacted]</challenge>" in ch["raw"]
        assert all("raw" not in r for r in recs if r["dir"] == "out")
        for p in scram_payloads(srv):
            assert p not in text, f"SASL payload {p} in the recording"
        # replayed offline, the bytes are there again: saved as they came
        saved = tmp_path / "saved.xml"
        r = Batch(home, "--replay", str(path))
        try:
            r.send(f"/xmlconsole save {saved}")
            wait_for(lambda: r.find("command-output",
                                    text=re.compile("saved to")), 10,
                     lambda: f"saved; {r.events[-3:]} {r.stderr}")
            assert MSG in saved.read_text()
        finally:
            r.kill()
    finally:
        b.kill()
        srv.close()


def console_tui(home, tui_factory):
    """The TUI logged in to the scripted server, its XML console open:
    (server, Tui)."""
    srv = start_server()
    home.add_account("a", "alice@localhost", "pw", port=srv.port,
                     tls="disable")
    try:
        t = tui_factory("-a", "a", width=200, height=60)
        t.wait_screen(r"\[alice@localhost online\]")
        t.command("/xmlconsole")
    except BaseException:
        srv.close()
        raise
    return srv, t


def body_lines(screen):
    """Lines of the console's stanzas (indented under their headers)."""
    return [line for line in screen.splitlines() if line.startswith("  ")]


@hardened
def test_console_shows_raw_by_default_parsed_one_key_away(home,
                                                          tui_factory):
    srv, t = console_tui(home, tui_factory)
    try:
        t.wait_screen(r"XML console  view: raw  filter: all")
        t.command("/xmlconsole filter message")
        screen = t.wait_screen(r"^    <body>Gr\u00fc\u00df dich</body>$").string
        lines = body_lines(screen)
        assert ("  <message from='bob@localhost/desk' to=\"alice@localhost"
                "/fake\" xml:lang='de' type='chat' id='split-1'>") in lines
        assert "  </message>" in lines
        t.command("/xmlconsole filter stream in")
        screen = t.wait_screen(r"^  <\?xml version='1.0' encoding='UTF-8'\?>$").string
        lines = body_lines(screen)
        assert ("  <stream:stream xmlns='jabber:client' xml:lang='en' "
                "xmlns:stream='http://etherx.jabber.org/streams' "
                "from=\"localhost\" id='s1' version='1.0'>") in lines
        assert ("  <stream:features><mechanisms xmlns='urn:ietf:params:xml:"
                "ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
                "</mechanisms></stream:features>") in lines
        assert ("  <challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                "[redacted]</challenge>") in lines
        payloads = scram_payloads(srv)
        for p in payloads:
            assert p not in screen

        # Alt-v: the parsed view, named in the title
        t.keys("M-v")
        t.wait_screen(r"XML console  view: parsed")
        screen = t.wait_screen(r"^  <features xmlns=").string
        assert "<stream:features>" not in screen
        assert "xml:lang='en'" not in screen
        assert re.search(r"^  <challenge xmlns=\"urn:ietf:params:xml:ns:"
                         r"xmpp-sasl\">\[redacted\]</challenge>$", screen,
                         re.M)
        for p in payloads:
            assert p not in screen
        t.command("/xmlconsole filter message")
        screen = t.wait_screen(r'^  <message .*lang="de"').string
        assert "xml:lang='de'" not in screen

        # and back with the command
        t.command("/xmlconsole view raw")
        t.wait_screen(r"XML console  view: raw")
        t.wait_screen(r"xml:lang='de' type='chat' id='split-1'>$")
    finally:
        srv.close()


@pytest.mark.skipif("natter-hardened" in libstrophe_build(),
                    reason="natter's libstrophe hands over the bytes: "
                           "nothing falls back")
def test_stock_libstrophe_falls_back_to_parsed_and_says_so(home,
                                                           tui_factory):
    srv, t = console_tui(home, tui_factory)
    try:
        t.wait_screen(r"view: raw \(exact bytes unavailable with this "
                      r"libstrophe\)")
        t.command("/xmlconsole filter stream in")
        t.wait_screen(r"^  <features xmlns=")
        t.wait_screen(r"\(parsed: no exact bytes\)")
        t.command("/xmlconsole view raw")
        t.wait_screen(r"raw, but exact bytes unavailable with this "
                      r"libstrophe")
    finally:
        srv.close()
