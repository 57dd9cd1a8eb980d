#!/usr/bin/python3
"""Joins a multi-user chat room (XEP-0045) as --nick and prints what happens in it, one
JSON line each: {"kind": "message", ...} for every groupchat message with a body (the
fields of receive.py), and {"kind": "presence", "from", "type", "codes"} for every other
occupant's presence. The join asks for no history, so only live messages are seen.

--room-password joins with that password; a join that creates the room makes it the
room's password (Prosody sets it on creation), so later joins need it.

--ready-file is written once the room has confirmed the join. Exits 0 after --count live
messages (and, with --await-leave NICK, once NICK has left the room), 2 on timeout, 3-6
when the login or connection fails, 7 when the join is refused.
"""
import json
import os
import sys

from peer import Peer, connection_arguments
from receive import record


class Occupant(Peer):
    def __init__(self, args, output):
        super().__init__(args)
        self.register_plugin("xep_0045")
        self.output = output
        self.received = 0
        self.left = False
        self.room = args.room
        self.add_event_handler("session_start", self.session_start)
        self.add_event_handler("groupchat_message", self.message)
        self.add_event_handler("muc::%s::presence" % self.room, self.presence)

    async def session_start(self, _):
        self.send_presence()
        try:
            await self.plugin["xep_0045"].join_muc_wait(
                self.room, self.args.nick, password=self.args.room_password, maxstanzas=0,
                timeout=self.args.timeout)
        except Exception as error:  # PresenceError, TimeoutError: the test should see why
            self.finish(7, "joining %s failed: %r" % (self.room, error))
            return
        if self.args.ready_file:
            with open(self.args.ready_file + ".tmp", "w") as ready:
                ready.write("%s/%s\n" % (self.room, self.args.nick))
            # Renamed into place: the test never sees a half-written file.
            os.replace(self.args.ready_file + ".tmp", self.args.ready_file)
        self.check_done()

    def emit(self, entry):
        self.output.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.output.flush()

    def message(self, msg):
        if msg["from"].bare != self.room or not msg["body"]:
            return  # the room subject, or another room
        entry = record(msg)
        entry["kind"] = "message"
        self.emit(entry)
        if not entry["delayed"]:
            self.received += 1
        self.check_done()

    def presence(self, presence):
        if presence["from"].resource == self.args.nick:
            return
        codes = sorted(int(code) for code in presence["muc"]["status_codes"])
        self.emit({"kind": "presence", "from": str(presence["from"]),
                   "type": presence.xml.get("type"), "codes": codes})
        if (self.args.await_leave and presence["from"].resource == self.args.await_leave
                and presence["type"] == "unavailable"):
            self.left = True
            self.check_done()

    def check_done(self):
        if self.received >= self.args.count and (self.left or not self.args.await_leave):
            self.finish(0)


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--room", required=True, help="the room's bare address")
    parser.add_argument("--nick", required=True)
    parser.add_argument("--room-password", help="the password to join (or create) the room with")
    parser.add_argument("--count", type=int, default=0, help="live messages to wait for")
    parser.add_argument("--await-leave", metavar="NICK",
                        help="also wait until NICK has left the room")
    parser.add_argument("--ready-file", help="written when the room has confirmed the join")
    args = parser.parse_args()
    # slixmpp's join prints debugging output on stdout: keep stdout for the JSON lines only.
    output = sys.stdout
    output.reconfigure(encoding="utf-8")
    sys.stdout = sys.stderr
    sys.exit(Occupant(args, output).run())


if __name__ == "__main__":
    main()
