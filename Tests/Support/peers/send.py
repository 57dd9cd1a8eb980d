#!/usr/bin/python3
"""Logs in and sends --count messages to --to, then waits for the server to answer a ping,
which it does only after handling every message before it. --body is a template: "{n}"
becomes the message's number, 1 to --count. Exits 0 when done, 2 on timeout, 3-6 when the
login or connection fails.
"""
import sys

from peer import Peer, connection_arguments


class Sender(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.add_event_handler("session_start", self.session_start)

    async def session_start(self, _):
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
    args = parser.parse_args()
    sys.exit(Sender(args).run())


if __name__ == "__main__":
    main()
