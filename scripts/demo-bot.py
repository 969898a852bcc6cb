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
    "Alt-1 goes back to the console, Alt-3 to the chat with bob.",
    "PgUp scrolls back; /occupants hide hides this list.",
    "Mention someone by name and their window lights up.",
]

# Said to the demo user in the chat window natter opens at start, the
# first thing on screen (demo.py's windows: 1 console, 2 room, 3 bob).
GREETING = ("Hi, I am bob, the demo contact: type hello here and press "
            "Enter, I answer every message. Alt-2 is the demo room, Alt-1 "
            "the console; /quit leaves and stops the demo server.")


class Bot(slixmpp.ClientXMPP):
    def __init__(self, jid, password, room=None, nick=None, talk=0, greet=None):
        super().__init__(jid, password)
        self.room, self.nick, self.talk = room, nick, talk
        self.greet = greet
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
        self.add_event_handler("got_online", self.greet_user)

    async def start(self, event):
        await self.get_roster()
        self.send_presence(pstatus="I answer every message")
        if self.room:
            self["xep_0045"].join_muc(self.room, self.nick)
            if self.talk:
                self.loop.call_later(1 + self.talk / 10, self.chat)

    def greet_user(self, presence):
        """Greet the demo user once, when natter comes online."""
        if self.greet and presence["from"].bare == self.greet:
            self.send_message(mto=self.greet, mbody=GREETING, mtype="chat")
            self.greet = None

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
    greet = sys.argv[7] if len(sys.argv) > 7 else None
    bot = Bot(jid, password, room, nick, talk, greet)
    bot.register_plugin("xep_0045")
    bot.connect(("127.0.0.1", port), disable_starttls=True)
    bot.loop.run_forever()


if __name__ == "__main__":
    main()
