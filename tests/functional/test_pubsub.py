# SPDX-License-Identifier: MIT
"""Publish-subscribe notifications (XEP-0060 §4.3, PEP): a message
carrying a pubsub <event/> becomes one pubsub-event per item, retraction
or deletion, with the item's payload pretty-printed; batch mode emits
them as JSON."""
import json
import re

import natterlib

EVENT = ("<message from='{src}' to='{to}' type='headline' id='n1'>"
         "<event xmlns='http://jabber.org/protocol/pubsub#event'>"
         "<items node='news'><item id='it1'><entry xmlns='urn:example'>"
         "<title>Hello pubsub</title></entry></item>"
         "<retract id='old'/></items></event></message>")


def test_pubsub_event_in_batch_json(home, prosody, make_peer):
    b, alice = natterlib.login(home, prosody)
    bob = make_peer("bob")
    bob.do("raw", xml=EVENT.format(src=bob.jid, to=alice))
    ev = b.wait_event("pubsub-event", action="published")
    # the sender is the service (the server stamps the peer's full JID)
    assert ev["service"].startswith(bob.jid + "/"), ev
    assert ev["node"] == "news"
    assert ev["item_id"] == "it1"
    # the payload as the XML console shows it: one element a line
    assert re.search(r'<entry xmlns="urn:example">\n  <title>', ev["payload"]), ev
    ev = b.wait_event("pubsub-event", action="retracted")
    assert ev["item_id"] == "old" and ev["node"] == "news"
    # a notification is not a chat message
    assert b.find("message-received") is None
    assert b.close() == 0


def test_pubsub_node_deleted(home, prosody, make_peer):
    b, alice = natterlib.login(home, prosody)
    bob = make_peer("bob")
    bob.do("raw", xml=(
        f"<message from='{bob.jid}' to='{alice}' type='headline'>"
        "<event xmlns='http://jabber.org/protocol/pubsub#event'>"
        "<delete node='gone'/></event></message>"))
    ev = b.wait_event("pubsub-event", action="deleted")
    assert ev["node"] == "gone" and ev.get("item_id") is None
    assert b.close() == 0


def test_tui_pubsub_window_shows_the_event(tui, make_peer):
    t, alice = tui()
    bob = make_peer("bob")
    bob.do("raw", xml=EVENT.format(src=bob.jid, to=alice))
    # a window of its own, not focused, marked as having news
    natterlib.wait_for(
        lambda: re.search(r"\[2:pubsub\*\]", t.screen().splitlines()[-2]),
        10, lambda: f"pubsub window in the status line:\n{t.screen()}")
    t.command("/win 2")
    t.wait_screen(r"bob@localhost/\S+ published node news, item it1")
    t.wait_screen(r"^.*<entry xmlns=\"urn:example\">\s*$")
    t.wait_screen(r"^.*  <title>Hello pubsub</title>")
    t.wait_screen(r"retracted node news, item old")


def stderr_says(b, regex):
    """stderr is read by its own thread: wait for the line."""
    natterlib.wait_for(lambda: re.search(regex, b.stderr), 10,
                       lambda: f"stderr to match {regex!r}: {b.stderr}")


def wait_result(b, status="ok"):
    """The next command-result of /pubsub (each is taken once)."""
    ev = b.wait_event("command-result", command="pubsub")
    b.events.remove(ev)
    assert ev["status"] == status, (ev, b.stderr)
    return ev


def test_pubsub_component_create_publish_list_subscribe_delete(
        home, make_prosody):
    prosody = make_prosody(pubsub=True, pubsub_admins=["alice"])
    b, alice = natterlib.login(home, prosody)
    svc = "pubsub.localhost"
    b.send(f"/pubsub create -s {svc} news")
    wait_result(b)
    b.send(f"/pubsub subscribe -s {svc} news")
    wait_result(b)
    b.send(f"/pubsub publish -s {svc} news <entry xmlns='urn:example'>"
           "<title>First</title></entry>")
    wait_result(b)
    # the subscription brings the notification
    ev = b.wait_event("pubsub-event", action="published", node="news")
    assert ev["service"] == svc
    assert "<title>First</title>" in ev["payload"]
    b.send(f"/pubsub nodes {svc} --json")
    out = b.wait_event("command-output", text=re.compile('"jid":"pubsub'))
    wait_result(b)
    assert '"node":"news"' in out["text"]
    b.send(f"/pubsub items -s {svc} --json news")
    out = b.wait_event("command-output", text=re.compile('"service":'))
    wait_result(b)
    j = json.loads(out["text"])
    assert j["node"] == "news" and j["service"] == svc
    assert len(j["items"]) == 1 and "First" in j["items"][0]["payload"]
    b.send(f"/pubsub items -s {svc} news")
    b.wait_event("command-output", text=re.compile(
        r"^node news on pubsub\.localhost: 1 item$"))
    # a table: id, the payload's element and namespace, its first text
    b.wait_event("command-output", text=re.compile(r"^  id\s+payload\s+text$"))
    b.wait_event("command-output", text=re.compile(
        r"^  [0-9a-f-]{8,}  entry \{urn:example\}  First$"))
    b.wait_event("command-output", text=re.compile(
        r'<entry xmlns="urn:example">\n  <title>First'))
    wait_result(b)
    b.send(f"/pubsub delete -s {svc} news")
    wait_result(b)
    b.wait_event("pubsub-event", action="deleted", node="news")
    b.send(f"/pubsub items -s {svc} --json news")
    out = b.wait_event("command-output", text=re.compile('"error":'))
    err = json.loads(out["text"])["error"]
    assert err["kind"] == "stanza" and err["condition"] == "item-not-found"
    wait_result(b, "error")
    stderr_says(b, r"node news on pubsub\.localhost: item-not-found")
    b.close()       # non-zero: the last command failed, as it should


def test_pubsub_publish_refuses_malformed_xml(home, prosody):
    b, alice = natterlib.login(home, prosody, xml=True)
    b.send("/pubsub publish news <entry xmlns='urn:x'><title>x</entry>")
    wait_result(b, "error")
    stderr_says(b, r"the payload is not well-formed XML: .*line 1")
    b.send("/pubsub publish news <entry xmlns='urn:x'>")
    wait_result(b, "error")
    stderr_says(b, "an element is not closed")
    # nothing was sent
    b.send("/pubsub create urn:example:pep")
    wait_result(b)
    assert not any("publish" in e.get("xml", "") for e in b.events
                   if e.get("event") == "raw-out")
    b.close()


def test_pubsub_pep_create_publish_items(home, prosody):
    b, alice = natterlib.login(home, prosody)
    b.send("/pubsub publish urn:example:pep <mood xmlns='urn:example:pep'>"
           "calm</mood>")
    wait_result(b)
    b.send("/pubsub nodes --json")
    out = b.wait_event("command-output", text=re.compile('"to":'))
    assert '"node":"urn:example:pep"' in out["text"], out
    b.send("/pubsub items urn:example:pep --json")
    out = b.wait_event("command-output", text=re.compile('"service":'))
    j = json.loads(out["text"])
    assert j["service"] == alice
    assert "calm" in j["items"][0]["payload"]
    assert b.close() == 0


def test_pubsub_subscriber_gets_another_publisher_items(home, make_prosody):
    """bob (a second natter) publishes; alice, subscribed, gets the
    notification; after unsubscribing she gets no more."""
    # the node's default publish model: only owners (admins) publish
    prosody = make_prosody(pubsub=True, pubsub_admins=["alice", "bob"])
    svc = "pubsub.localhost"
    a, alice = natterlib.login(home, prosody)
    a.send(f"/pubsub create -s {svc} feed")
    wait_result(a)
    a.send(f"/pubsub subscribe -s {svc} feed")
    wait_result(a)
    home_b = natterlib.Home()
    try:
        b, bob = natterlib.login(home_b, prosody, user="bob")
        b.send(f"/pubsub publish -s {svc} feed <note xmlns='urn:n'>from "
               "bob</note>")
        wait_result(b)
        ev = a.wait_event("pubsub-event", node="feed", action="published")
        assert ev["service"] == svc and "from bob" in ev["payload"]
        a.send(f"/pubsub unsubscribe -s {svc} feed")
        wait_result(a)
        b.send(f"/pubsub publish -s {svc} feed <note xmlns='urn:n'>unseen"
               "</note>")
        wait_result(b)
        # a round trip to the service after bob's publish: any
        # notification for it would have come before this answer
        a.send(f"/pubsub items -s {svc} feed")
        a.wait_event("command-output", text=re.compile("unseen"))
        wait_result(a)
        assert not any("unseen" in (e.get("payload") or "")
                       for e in a.events if e["event"] == "pubsub-event")
        assert b.close() == 0
    finally:
        home_b.cleanup()
    assert a.close() == 0
