# SPDX-License-Identifier: MIT
"""The XML console's model and raw send, in batch mode against Prosody
(PRODUCT §7, issue 5): raw XML reaches the wire only when well-formed,
multi-line input is collected, IQ replies are paired, filters keep and
drop the right stanzas, saved files never hold credentials."""
import base64
import os
import re
import stat

import natterlib
from natterlib import wait_for


def login(home, prosody, user="alice", password="pw", extra=()):
    return natterlib.login(home, prosody, extra=extra, user=user,
                           password=password, xml=True)


def outputs(b):
    return [e.get("text", "") for e in list(b.events) if e.get("event") == "command-output"]


def wait_err(b, regex, timeout=10):
    """The next error message (batch prints errors on stderr)."""
    seen = len(b.stderr_seen) if hasattr(b, "stderr_seen") else 0
    m = wait_for(lambda: re.compile(regex).search(b.stderr, seen), timeout,
                 lambda: f"error /{regex}/ in stderr: {b.stderr!r}")
    b.stderr_seen = b.stderr[:m.end()]
    return b.stderr[m.start():b.stderr.find("\n", m.start())]


def raw_out(b, needle):
    return [e for e in list(b.events) if e.get("event") == "raw-out" and needle in e.get("xml", "")]


def test_raw_iq_reaches_server_and_result_comes_back(home, prosody):
    b, alice = login(home, prosody)
    b.send("/xml <iq type='get' id='ver1' to='localhost'><query xmlns='jabber:iq:version'/></iq>")
    out = b.wait_event("raw-out", xml=re.compile(r"id='ver1'"))
    assert out["xml"] == "<iq type='get' id='ver1' to='localhost'><query xmlns='jabber:iq:version'/></iq>"
    res = b.wait_event("raw-in", xml=re.compile(r"""id=["']ver1["']"""))
    assert re.search(r"""type=["']result["']""", res["xml"])
    assert "Prosody" in res["xml"]
    b.close()


def test_malformed_xml_refused_nothing_on_the_wire(home, prosody):
    b, alice = login(home, prosody)
    for i, bad in enumerate(["<iq type='get' id='bad0'><query></iq>",
                             "<x:iq id='bad1'/>",
                             "<iq id='bad2' id='bad2b'/>",
                             "<message id='bad3'>&nbsp;</message>"]):
        b.send("/xml " + bad)
        wait_err(b, "not well-formed")
    # A good stanza after them is sent: everything before it was handled.
    b.send("/xml <iq type='get' id='good1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']good1["']"""))
    # (by id: "bad" alone also turns up in natter's hex ids now and then)
    assert not [e for e in b.events if e.get("event") == "raw-out"
                and re.search(r"""id=["']bad\d""", e.get("xml", ""))]
    results = [e["status"] for e in b.events if e.get("event") == "command-result"
               and e.get("command") == "xml"]
    assert results == ["error"] * 4 + ["ok"], results
    b.close()


def test_parser_message_names_the_problem(home, prosody):
    b, alice = login(home, prosody)
    b.send("/xml <iq type='get' id='bad0'><query></iq>")
    err = wait_err(b, "not well-formed.*")
    assert "line 1" in err and "query" in err, err
    b.send("/xml <x:iq id='bad1'/>")
    err = wait_err(b, "prefix.*")
    assert "x:iq" in err, err
    b.close()


def test_multiline_raw_input_sent_when_element_closes(home, prosody):
    b, alice = login(home, prosody)
    b.send("/xml <iq type='get' id='ml1' to='localhost'>")
    wait_for(lambda: any("not closed yet" in t for t in outputs(b)), 10, "continuation prompt")
    b.send("/xml   <ping xmlns='urn:xmpp:ping'/>")
    assert not raw_out(b, "ml1")
    b.send("/xml </iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']ml1["']"""))
    sent = raw_out(b, "ml1")
    assert len(sent) == 1 and "<ping xmlns='urn:xmpp:ping'/>" in sent[0]["xml"]
    # /xml alone discards unfinished input.
    b.send("/xml <iq type='get' id='never'>")
    b.send("/xml")
    wait_for(lambda: any("discarded" in t for t in outputs(b)), 10, "discard")
    b.send("/xml <presence/>")
    b.wait_event("raw-out", xml="<presence/>")
    assert not raw_out(b, "never")
    b.close()


def test_iq_reply_paired_with_request_and_rtt(home, prosody):
    b, alice = login(home, prosody)
    b.send("/xml <iq type='get' id='pair1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']pair1["']"""))
    b.send("/xml <iq type='get' id='pair2' to='nobody@localhost/x'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']pair2["']"""))
    b.send("/xmlconsole search pair")
    lines = wait_for(lambda: [t for t in outputs(b) if "#" in t and "pair" in t and "\u2190" in t]
                     if len([t for t in outputs(b) if "pair" in t and "#" in t]) >= 4 else None,
                     10, "search results")
    req1 = next(t for t in outputs(b) if "pair1" in t and "\u2192" in t)
    rep1 = next(t for t in lines if "pair1" in t)
    req_no = re.match(r"#(\d+) ", req1).group(1)
    assert re.search(rf"  reply to #{req_no} after \d+\.\d ms", rep1), rep1
    assert re.search(r"answered by #\d+", req1)
    rep2 = next(t for t in lines if "pair2" in t)
    assert "ERROR reply to #" in rep2, rep2
    # a saved console says what the error means, under its header
    path = home.root / "pair.xml"
    b.send("/xmlconsole filter id:pair2")
    b.send(f"/xmlconsole save {path}")
    wait_for(lambda: any(str(path) in t for t in outputs(b)), 10, "saved console")
    rows = path.read_text().splitlines()
    at = next(i for i, r in enumerate(rows) if "ERROR reply to #" in r)
    assert rows[at + 1] == ("  \u2192 service-unavailable: the recipient does not offer "
                            "this service (or hides that it exists); likely cause: the "
                            "recipient does not support this request or does not exist"), rows
    assert rows[at + 2].startswith("<iq"), rows
    b.close()


def test_filters_keep_and_drop(home, prosody, make_peer, tmp_path):
    bob = make_peer("bob")
    b, alice = login(home, prosody)
    bob.do("raw", xml=f"<message to='{alice}' type='chat' id='fm1'><body>filter me</body></message>")
    b.wait_event("message-received", body="filter me")
    b.send("/xml <iq type='get' id='fi1' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']fi1["']"""))

    def saved(terms, name):
        path = tmp_path / name
        b.send(f"/xmlconsole filter {terms}")
        b.send(f"/xmlconsole save {path}")
        wait_for(lambda: any(str(path) in t for t in outputs(b)), 10, f"save {name}")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        return path.read_text()

    text = saved("message in", "m.xml")
    assert "filter me" in text and "fi1" not in text
    assert re.search(r"^#\d+ \S+ \u2190 a$", text, re.M)
    assert "\u2192" not in text
    text = saved(f"iq out", "iq.xml")
    assert "fi1" in text and "filter me" not in text and "\u2190" not in text
    text = saved("ns:http://jabber.org/protocol/disco#info", "ns.xml")
    assert "fi1" in text and "filter me" not in text
    text = saved(f"jid:{bob.jid}", "jid.xml")
    assert "filter me" in text and "fi1" not in text
    text = saved("id:fi1", "id.xml")
    assert text.count("\n#") + text.startswith("#") == 2   # request and reply
    text = saved("text:FILTER", "text.xml")
    assert "filter me" in text and "fi1" not in text
    text = saved("presence iq", "kinds.xml")
    assert "fi1" in text and "filter me" not in text
    b.send("/xmlconsole filter sideways")
    wait_err(b, "unknown filter term 'sideways'")
    text = saved("off", "all.xml")
    assert "filter me" in text and "fi1" in text and FEATURES in text
    b.close()


# Received stream features as saved: the server's bytes in the raw view
# (natter's libstrophe), libstrophe's re-serialisation otherwise.
PARSED_FEATURES = "<features xmlns=\"http://etherx.jabber.org/streams\">"
FEATURES = "<stream:features" if "natter-hardened" in \
    natterlib.libstrophe_build() else PARSED_FEATURES


def _login_exchange_redacted(home, prosody, password):
    """The console saved in the raw view (the default) and in the parsed
    view: the login exchange in both, credentials in neither."""
    b, alice = login(home, prosody, password=password)
    texts = []
    for view, features in (("raw", FEATURES), ("parsed", PARSED_FEATURES)):
        path = home.root / f"login-{view}.xml"
        b.send(f"/xmlconsole view {view}")
        b.send(f"/xmlconsole save {path}")
        wait_for(lambda: path.exists() and path.stat().st_size > 0, 10, "saved console")
        text = path.read_text()
        secrets = [password, base64.b64encode(password.encode()).decode(),
                   base64.b64encode(b"\0alice\0" + password.encode()).decode()]
        for s in secrets:
            assert s not in text, view
        assert "[redacted]" in text
        # The login exchange is there although nothing was open at connect time.
        for part in ["<stream:stream", features, "<starttls", "<proceed",
                     "<auth", "<success", "urn:ietf:params:xml:ns:xmpp-bind"]:
            assert part in text, (view, part)
        texts.append(text)
    b.close()
    return "".join(texts)


def test_plain_login_never_shows_credentials(home, make_prosody):
    prosody = make_prosody(plain_only=True)
    text = _login_exchange_redacted(home, prosody, "s3cret-Plain-pw")
    assert "mechanism='PLAIN'" in text or 'mechanism="PLAIN"' in text


def test_scram_login_never_shows_credentials(home, prosody):
    text = _login_exchange_redacted(home, prosody, "s3cret-Scram-pw")
    assert re.search(r"""mechanism=["']SCRAM-SHA-""", text)
    assert "<challenge" in text


def test_recall_in_batch_prints_the_stanza(home, prosody):
    b, alice = login(home, prosody)
    b.send("/xml <iq type='get' id='rc1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']rc1["']"""))
    b.send("/xmlconsole search rc1")
    line = wait_for(lambda: next((t for t in outputs(b) if "rc1" in t and "\u2192" in t), None), 10)
    n = re.match(r"#(\d+)", line).group(1)
    b.send(f"/xmlconsole recall {n}")
    wait_for(lambda: "<iq type='get' id='rc1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
             in outputs(b), 10, "recalled text")
    b.send("/xmlconsole recall 999999")
    wait_err(b, "not kept")
    b.close()


def test_sm_acks_hidden_by_default_shown_on_request(home, prosody, tmp_path):
    b, alice = login(home, prosody)
    b.wait_event("raw-in", xml=re.compile(r"^<r xmlns=.urn:xmpp:sm:3./>$"))
    b.wait_event("raw-out", xml=re.compile(r"^<a [^>]*urn:xmpp:sm:3"))
    hidden, shown = tmp_path / "hidden.xml", tmp_path / "shown.xml"
    b.send(f"/xmlconsole save {hidden}")
    b.send("/xmlconsole hide-acks off")
    b.send(f"/xmlconsole save {shown}")
    wait_for(lambda: shown.exists(), 10, "second save")
    h, s = hidden.read_text(), shown.read_text()
    r_ack = re.compile(r"<r xmlns=[\"']urn:xmpp:sm:3[\"']/>")   # raw or parsed
    assert not r_ack.search(h)
    assert not re.search(r"^<a [^\n]*urn:xmpp:sm:3", h, re.M)
    assert r_ack.search(s)
    assert re.search(r"^<a [^\n]*urn:xmpp:sm:3", s, re.M)
    assert '<enable xmlns="urn:xmpp:sm:3"' in h          # only acks are hidden
    b.close()


def test_clear_drops_traffic_numbers_go_on(home, prosody):
    b, alice = login(home, prosody)
    b.send("/xml <iq type='get' id='before-clear' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']before-clear["']"""))
    b.send("/xmlconsole search before-clear")
    first = wait_for(lambda: next((t for t in outputs(b) if "before-clear" in t and t.startswith("#")), None), 10)
    b.send("/xmlconsole clear")
    wait_for(lambda: any("XML console cleared" in t for t in outputs(b)), 10)
    b.send("/xmlconsole search before-clear")
    wait_for(lambda: any("no stanza in the XML console contains 'before-clear'" in t for t in outputs(b)), 10)
    b.send("/xml <iq type='get' id='after-clear' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
    b.wait_event("raw-in", xml=re.compile(r"""id=["']after-clear["']"""))
    b.send("/xmlconsole search after-clear")
    later = wait_for(lambda: next((t for t in outputs(b) if "after-clear" in t and t.startswith("#")), None), 10)
    assert int(later[1:].split()[0]) > int(first[1:].split()[0])
    b.close()
