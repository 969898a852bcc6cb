# SPDX-License-Identifier: MIT
"""The README's Run command, after the build: a private Prosody on
127.0.0.1 (non-default port, scratch config and data, never the system
one) with a demo account, then natter connected to it. Quitting natter
stops the server."""
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "functional"))
from natterlib import Home, Prosody  # noqa: E402


def main():
    natter = sys.argv[1]
    os.environ["NATTER_BIN"] = natter
    server = Prosody(groups={"Demo": ["me", "bob"]}).start()
    home = Home()
    bots = []
    room = "demo@conference." + server.domain
    try:
        jid = server.register("me", "demo")
        bob = server.register("bob", "demo-bob")
        carol = server.register("carol", "demo-carol")
        # bob greets the demo user in the chat window natter opens (the
        # hints are shown there: what is printed here is hidden by the
        # full screen until natter exits).
        for who, pw, nick, talk, greet in ((bob, "demo-bob", "bob", 45, jid),
                                           (carol, "demo-carol", "carol", 30, "")):
            bots.append(subprocess.Popen(
                ["/usr/bin/python3", str(Path(__file__).with_name("demo-bot.py")),
                 who, pw, str(server.port), room, nick, str(talk)] + ([greet] if greet else []),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        home.add_account("demo", jid, "demo", port=server.port)
        home.trust(server.fingerprint())
        rc = subprocess.call([natter, "-a", "demo", "-c", f"/join {room}",
                              "-c", "/msg " + bob], env=home.env)
    finally:
        for bot in bots:
            bot.terminate()
            bot.wait()
        server.stop()
        home.cleanup()
    print(f"natter demo finished; its server (127.0.0.1:{server.port}) is stopped.")
    sys.exit(rc)


if __name__ == "__main__":
    main()
