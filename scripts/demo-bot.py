# SPDX-License-Identifier: MIT
"""The demo contact of the README's Run command: a small slixmpp bot that
answers every chat message (and accepts subscriptions). Started and
stopped by demo.py; talks only to the private demo server on 127.0.0.1."""
import logging
import sys

import slixmpp


LINES = [
    "Welcome to the demo room! Try /help, Tab completes nicks.",
    "Has anyone tried the XML console yet?",
    "Alt-1 goes back to the console, Alt-2 to the first chat.",
    "PgUp scrolls back; /occupants hide hides this list.",
    "Mention someone by name and their window lights up.",
]


class Bot(slixmpp.ClientXMPP):
    def __init__(self, jid, password, room=None, nick=None, talk=0):
        super().__init__(jid, password)
        self.room, self.nick, self.talk = room, nick, talk
        self.said = talk % len(LINES)      # bots start at different lines
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
        if self.room:
            self["xep_0045"].join_muc(self.room, self.nick)
            if self.talk:
                self.loop.call_later(1 + self.talk / 10, self.chat)

    def chat(self):
        """Say the next line in the demo room, then again later."""
        self.send_message(mto=self.room, mbody=LINES[self.said % len(LINES)],
                          mtype="groupchat")
        self.said += 1
        self.loop.call_later(self.talk, self.chat)

    def answer(self, msg):
        if msg["type"] == "groupchat" and self.nick and msg["mucnick"] != self.nick \
                and self.nick.lower() in msg["body"].lower():
            self.send_message(mto=self.room, mtype="groupchat",
                              mbody=f"{msg['mucnick']}: you called? I am a bot.")
            return
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
    room = sys.argv[4] if len(sys.argv) > 4 else None
    nick = sys.argv[5] if len(sys.argv) > 5 else None
    talk = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    bot = Bot(jid, password, room, nick, talk)
    bot.register_plugin("xep_0045")
    bot.connect(("127.0.0.1", port), disable_starttls=True)
    bot.loop.run_forever()


if __name__ == "__main__":
    main()
