# SPDX-License-Identifier: MIT
"""The demo contact of the README's Run command: a small slixmpp bot that
answers every chat message (and accepts subscriptions). Started and
stopped by demo.py; talks only to the private demo server on 127.0.0.1."""
import logging
import sys

import slixmpp


class Bot(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.enable_plaintext = True
        self.auto_authorize = True
        self.auto_subscribe = True
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0085")
        self.register_plugin("xep_0184")
        self["xep_0184"].auto_ack = True
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.answer)

    async def start(self, event):
        await self.get_roster()
        self.send_presence(pstatus="I answer every message")

    def answer(self, msg):
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        text = msg["body"].strip()
        if text.lower() in ("hi", "hello", "hey"):
            reply = "Hello! I am the demo contact. Try /help in natter."
        else:
            reply = f"You said: {text} ({len(text)} characters)"
        msg.reply(reply).send()


def main():
    logging.basicConfig(level=logging.ERROR)
    jid, password, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bot = Bot(jid, password)
    bot.connect(("127.0.0.1", port), disable_starttls=True)
    bot.loop.run_forever()


if __name__ == "__main__":
    main()
