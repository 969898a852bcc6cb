# SPDX-License-Identifier: MIT
"""A scripted XMPP peer (slixmpp) for natter's functional tests.

Run as: python3 peer.py JID PASSWORD PORT. Reads one JSON command per line
on stdin ({"op": "send", "to": ..., "body": ...}, {"op": "raw", "xml": ...},
{"op": "presence", ...}, {"op": "subscribe"|"subscribed"|..., "to": ...},
{"op": "mute-pings"}: pings are received but never answered,
{"op": "mam", "tag": ...}: the whole of our own archive, page by page),
writes one JSON event per line on stdout ({"event": "message", ...}).
"""
import asyncio
import json
import logging
import sys
import threading

import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.enable_plaintext = True
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0199")
        self.register_plugin("xep_0092", {"name": "peer-bot", "version": "9.9"})
        self.register_plugin("xep_0115")
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence", self.on_presence)
        self.register_handler(Callback("any message", MatchXPath("{jabber:client}message"),
                                       self.on_any_message))
        self.add_event_handler("disconnected", lambda e: out({"event": "disconnected"}))
        self.auto_authorize = None
        self.auto_subscribe = False
        self.mam_sink = {}          # query id -> list of archived messages
        self.tasks = []             # strong references (asyncio keeps weak)

    async def start(self, event):
        await self.get_roster()
        await self["xep_0115"].update_caps(broadcast=False)   # so presence has <c/>
        self.send_presence()
        out({"event": "online", "jid": str(self.boundjid)})

    def on_message(self, msg):
        out({"event": "message", "from": str(msg["from"]), "type": msg["type"],
             "body": msg["body"], "id": msg["id"], "xml": str(msg)})

    def on_any_message(self, msg):
        if mam_result(self, msg):
            return
        out({"event": "stanza", "from": str(msg["from"]), "xml": str(msg)})

    def on_presence(self, p):
        out({"event": "presence", "from": str(p["from"]), "type": p["type"],
             "show": p["show"], "status": p["status"], "xml": str(p)})


MAM = "urn:xmpp:mam:2"
RSM = "http://jabber.org/protocol/rsm"


async def archive(peer):
    """Every message in our own archive (from, to, body, id, origin-id),
    oldest first, read page by page (the server caps a page)."""
    got, after, page = [], "", 0
    while True:
        page += 1
        qid = f"peer-mam-{page}"
        peer.mam_sink[qid] = got
        q = peer.Iq()
        q["type"] = "set"
        rsm = f"<after>{after}</after>" if after else ""
        q.append(ET.fromstring(f"<query xmlns='{MAM}' queryid='{qid}'><set xmlns="
                               f"'{RSM}'><max>50</max>{rsm}</set></query>"))
        r = await q.send(timeout=20)
        del peer.mam_sink[qid]
        fin = r.xml.find(f"{{{MAM}}}fin")
        last = fin.find(f"{{{RSM}}}set/{{{RSM}}}last") if fin is not None else None
        if fin is None or fin.get("complete") == "true" or last is None:
            return got
        after = last.text


def mam_result(peer, msg):
    res = msg.xml.find(f"{{{MAM}}}result")
    if res is None or res.get("queryid") not in peer.mam_sink:
        return False
    inner = res.find("{urn:xmpp:forward:0}forwarded/{jabber:client}message")
    if inner is None:
        return True
    body = inner.find("{jabber:client}body")
    oid = inner.find("{urn:xmpp:sid:0}origin-id")
    peer.mam_sink[res.get("queryid")].append({
        "from": inner.get("from"), "to": inner.get("to"), "id": inner.get("id"),
        "body": body.text if body is not None else None,
        "origin-id": oid.get("id") if oid is not None else None})
    return True


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def handle(peer, cmd):
    op = cmd["op"]
    if op == "send":
        m = peer.make_message(mto=cmd["to"], mbody=cmd["body"], mtype=cmd.get("type", "chat"))
        if cmd.get("id"):
            m["id"] = cmd["id"]
        m.send()
    elif op == "raw":
        peer.send_raw(cmd["xml"])
    elif op == "presence":
        peer.send_presence(pshow=cmd.get("show"), pstatus=cmd.get("status"))
    elif op in ("subscribe", "subscribed", "unsubscribe", "unsubscribed"):
        peer.send_presence(pto=cmd["to"], ptype=op)
    elif op == "iq":                # a get with a raw payload; reply as xml
        async def iq():
            q = peer.Iq()
            q["type"] = cmd.get("type", "get")
            q["to"] = cmd["to"]
            q.append(ET.fromstring(cmd["xml"]))
            try:
                r = await q.send(timeout=10)
            except IqError as e:
                r = e.iq
            except IqTimeout:
                out({"event": "iq-timeout", "tag": cmd.get("tag")})
                return
            out({"event": "iq-reply", "tag": cmd.get("tag"), "type": r["type"],
                 "xml": str(r)})
        asyncio.ensure_future(iq())
    elif op == "ping":              # a barrier: the server has processed
        async def ping():           # everything this peer sent before
            await peer["xep_0199"].send_ping(peer.boundjid.domain, timeout=10)
            out({"event": "pong"})
        asyncio.ensure_future(ping())
    elif op == "mute-pings":        # swallow XEP-0199 pings: never answer
        peer.remove_handler("Ping")
        peer.register_handler(Callback("mute ping", MatchXPath(
            "{jabber:client}iq/{urn:xmpp:ping}ping"), lambda iq: out(
                {"event": "ping-ignored", "id": iq["id"]})))
    elif op == "mam":
        async def mam():
            out({"event": "mam", "tag": cmd.get("tag"),
                 "messages": await archive(peer)})
        peer.tasks.append(asyncio.ensure_future(mam()))
    elif op == "quit":
        peer.disconnect()
    out({"event": "done", "op": op})


def serve(make_peer, handle_cmd):
    """Run a peer made by make_peer(jid, password) from argv: JSON
    commands on stdin go to handle_cmd(peer, cmd); stdin's end stops it.
    Shared by this peer and otrpeer.py."""
    logging.basicConfig(level=logging.ERROR)
    jid, password, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    peer = make_peer(jid, password)
    loop = asyncio.get_event_loop()

    def reader():
        for line in sys.stdin:
            line = line.strip()
            if line:
                loop.call_soon_threadsafe(handle_cmd, peer, json.loads(line))
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=reader, daemon=True).start()
    peer.connect(("127.0.0.1", port), disable_starttls=True)
    loop.run_forever()


def main():
    serve(Peer, handle)


if __name__ == "__main__":
    main()
