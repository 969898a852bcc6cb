# SPDX-License-Identifier: MIT
"""Publish-subscribe notifications (XEP-0060 §4.3, PEP): a message
carrying a pubsub <event/> becomes one pubsub-event per item, retraction
or deletion, with the item's payload pretty-printed; batch mode emits
them as JSON."""
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
