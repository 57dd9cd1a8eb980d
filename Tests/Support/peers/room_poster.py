#!/usr/bin/python3
"""Joins the multi-user chat --room as --nick (XEP-0045), waits until the occupants named
by --wait-for are in the room too, posts --count groupchat messages (--body, "{n}" becomes
each one's number), and waits until the room has reflected each of them back, i.e. sent
them to every occupant; then writes --ready-file, and with --stay remains in the room (so
the room and its history last) until stopped. Exits 0 when done, 2 on timeout, 3-6 when
the login or connection fails.
"""
import os
import sys

from peer import Peer, connection_arguments


class RoomPoster(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.register_plugin("xep_0045")
        self.reflected = 0
        self.add_event_handler("session_start", self.session_start)
        self.add_event_handler("groupchat_message", self.groupchat_message)

    async def session_start(self, _):
        self.send_presence()
        await self.plugin["xep_0045"].join_muc_wait(self.args.room, self.args.nick, maxstanzas=0,
                                                   timeout=self.args.timeout)
        while not set(self.args.wait_for) <= set(self.plugin["xep_0045"].get_roster(self.args.room) or []):
            await self.wait_until("muc::%s::got_online" % self.args.room, timeout=self.args.timeout)
        for number in range(1, self.args.count + 1):
            self.send_message(mto=self.args.room, mbody=self.args.body.replace("{n}", str(number)),
                              mtype="groupchat")

    def groupchat_message(self, message):
        if message["mucnick"] == self.args.nick and message["body"]:
            self.reflected += 1
            if self.reflected == self.args.count:
                if self.args.ready_file:
                    with open(self.args.ready_file + ".tmp", "w") as ready:
                        ready.write("posted\n")
                    os.replace(self.args.ready_file + ".tmp", self.args.ready_file)
                if not self.args.stay:
                    self.finish(0)


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--room", required=True)
    parser.add_argument("--nick", required=True)
    parser.add_argument("--wait-for", action="append", default=[], metavar="NICK",
                        help="post only once this occupant is in the room (repeatable)")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--body", default="room message {n}")
    parser.add_argument("--ready-file", help="written once every message has been reflected")
    parser.add_argument("--stay", action="store_true", help="stay in the room until stopped")
    args = parser.parse_args()
    sys.exit(RoomPoster(args).run())


if __name__ == "__main__":
    main()
