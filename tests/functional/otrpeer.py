# SPDX-License-Identifier: MIT
"""An independent OTR implementation for natter's interoperability tests:
a slixmpp client speaking OTR through python-potr (Debian python3-potr,
OTR version 2; natter's libotr falls back to it).

Run as: python3 otrpeer.py JID PASSWORD PORT. Commands on stdin, one JSON
object per line: {"op": "start", "to": JID} (send an OTR query),
{"op": "send", "to": JID, "body": TEXT} (through OTR: encrypted when the
session is private), {"op": "secret", "to": JID, "secret": S} (answer or
start SMP), {"op": "mms", "size": N} (fragment what is longer than N
bytes, as OTR allows for small transports). Events on stdout: online, state (plaintext|encrypted|
finished), message (body, encrypted), smp (asked|succeeded|failed),
error.
"""
import json
import sys

import potr
import potr.compatcrypto.pycrypto as pc
import slixmpp
from Cryptodome.Cipher import AES
from Cryptodome.PublicKey import DSA


# Debian's python-potr 1.0.2 was written for PyCrypto; under PyCryptodome
# its key generation, DSA signatures and AES-CTR need these adapters.
def _aesctr(key, counter=0):
    if not isinstance(counter, pc.Counter):
        counter = pc.Counter(counter)
    return AES.new(key, AES.MODE_CTR, nonce=counter.byteprefix(),
                   initial_value=counter.val)


def _generate(cls):
    k = DSA.generate(1024)
    return cls((k.y, k.g, k.p, k.q, k.x), private=True)


def _sign(self, data):
    k = pc.randrange(2, self.priv.q)
    r, s = self.priv._sign(pc.bytes_to_long(data), k)
    return pc.long_to_bytes(r, 20) + pc.long_to_bytes(s, 20)


def _verify(self, data, sig):
    r, s = pc.bytes_to_long(sig[:20]), pc.bytes_to_long(sig[20:])
    return self.pub._verify(pc.bytes_to_long(data), (r, s))


potr.crypt.AESCTR = _aesctr
pc.DSAKey.generate = classmethod(_generate)
pc.DSAKey.sign = _sign
pc.DSAKey.verify = _verify

POLICY = {"ALLOW_V1": False, "ALLOW_V2": True, "REQUIRE_ENCRYPTION": False,
          "SEND_TAG": False, "WHITESPACE_START_AKE": True,
          "ERROR_START_AKE": True}
STATES = {potr.context.STATE_PLAINTEXT: "plaintext",
          potr.context.STATE_ENCRYPTED: "encrypted",
          potr.context.STATE_FINISHED: "finished"}


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Context(potr.context.Context):
    def getPolicy(self, key):
        return POLICY.get(key, False)

    def inject(self, msg, appdata=None):
        if isinstance(msg, bytes):
            msg = msg.decode("utf-8")
        self.user.xmpp.send_message(mto=self.peer, mbody=str(msg),
                                    mtype="chat")

    def setState(self, newstate):
        super().setState(newstate)
        out({"event": "state", "peer": self.peer,
             "state": STATES.get(newstate, str(newstate))})


class Account(potr.context.Account):
    contextclass = Context

    def __init__(self, jid, xmpp):
        super().__init__(jid, "xmpp", 0)
        self.xmpp = xmpp

    def loadPrivkey(self):
        return None

    def savePrivkey(self):
        pass

    def saveTrusts(self):
        pass


class OtrPeer(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.enable_plaintext = True
        self.account = Account(jid, self)
        self.smp_state = {}
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.on_message)

    async def start(self, event):
        await self.get_roster()
        self.send_presence()
        self.account.getPrivkey()          # generate the DSA key now
        out({"event": "online", "jid": str(self.boundjid)})

    def ctx(self, jid):
        return self.account.getContext(jid)

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        peer = msg["from"].bare
        ctx = self.ctx(peer)
        encrypted = msg["body"].startswith("?OTR:")
        try:
            text, _tlvs = ctx.receiveMessage(msg["body"].encode("utf-8"))
        except potr.context.NotOTRMessage as e:
            text, encrypted = e.args[0], False
        except potr.context.UnencryptedMessage as e:
            text, encrypted = e.args[0], False
        except (potr.context.ErrorReceived, potr.context.NotEncryptedError,
                potr.crypt.InvalidParameterError) as e:
            out({"event": "error", "peer": peer, "text": repr(e)})
            return
        self.smp_events(peer, ctx)
        if text:
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            out({"event": "message", "from": peer, "body": text,
                 "encrypted": encrypted})

    def smp_events(self, peer, ctx):
        smp = ctx.crypto.smp
        if smp is None:
            return
        if smp.state == 0 and self.smp_state.get(peer) != "asked" \
                and smp.secret is None:
            self.smp_state[peer] = "asked"
            out({"event": "smp", "peer": peer, "state": "asked"})
        elif smp.prog in (potr.crypt.SMPPROG_SUCCEEDED,
                          potr.crypt.SMPPROG_FAILED) and \
                self.smp_state.get(peer) != "done":
            self.smp_state[peer] = "done"
            ok = smp.prog == potr.crypt.SMPPROG_SUCCEEDED
            out({"event": "smp", "peer": peer,
                 "state": "succeeded" if ok else "failed"})


def handle(peer, cmd):
    op = cmd["op"]
    ctx = peer.ctx(cmd.get("to", ""))
    if op == "start":
        ctx.inject(peer.account.getDefaultQueryMessage(ctx.getPolicy))
    elif op == "send":
        ctx.sendMessage(potr.context.FRAGMENT_SEND_ALL,
                        cmd["body"].encode("utf-8"))
    elif op == "mms":
        peer.account.maxMessageSize = int(cmd["size"])
    elif op == "secret":
        secret = cmd["secret"].encode("utf-8")
        if peer.smp_state.get(cmd["to"]) == "asked":
            peer.smp_state[cmd["to"]] = "answered"
            ctx.smpGotSecret(secret)
        else:
            peer.smp_state[cmd["to"]] = "started"
            ctx.smpInit(secret)
    out({"event": "done", "op": op})


def main():
    from peer import serve
    serve(OtrPeer, handle)


if __name__ == "__main__":
    main()
