#!/usr/bin/python3
"""Logs in and sends --count messages to --to, then waits for the server to answer a ping,
which it does only after handling every message before it. --body is a template: "{n}"
becomes the message's number, 1 to --count. With --go-file it logs in, writes --ready-file,
and sends only once the go file exists: the test decides when, and the message then leaves
at once instead of after a login. Exits 0 when done, 2 on timeout, 3-6 when the login or
connection fails.
"""
import asyncio
import os
import sys

from peer import Peer, connection_arguments


class Sender(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.add_event_handler("session_start", self.session_start)

    async def session_start(self, _):
        if self.args.go_file:
            if self.args.ready_file:
                with open(self.args.ready_file + ".tmp", "w") as ready:
                    ready.write(str(self.boundjid) + "\n")
                os.replace(self.args.ready_file + ".tmp", self.args.ready_file)
            while not os.path.exists(self.args.go_file):  # bounded by --timeout
                await asyncio.sleep(0.02)
        for number in range(1, self.args.count + 1):
            message = self.make_message(mto=self.args.to, mbody=self.args.body.replace("{n}", str(number)),
                                        mtype=self.args.type, msubject=self.args.subject)
            if self.args.thread:
                message["thread"] = self.args.thread
            message.send()
        await self.plugin["xep_0199"].ping(jid=self.boundjid.domain, timeout=10)
        self.finish(0)


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--to", required=True)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--body", default="message {n}")
    parser.add_argument("--type", default="chat", choices=["chat", "normal", "headline", "groupchat"])
    parser.add_argument("--subject")
    parser.add_argument("--thread")
    parser.add_argument("--go-file", help="send only once this file exists")
    parser.add_argument("--ready-file", help="with --go-file: written once logged in")
    args = parser.parse_args()
    sys.exit(Sender(args).run())


if __name__ == "__main__":
    main()
