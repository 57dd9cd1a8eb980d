#!/usr/bin/python3
"""Logs in and writes the stanzas of --file to the stream as they are (slixmpp's send_raw):
XML a well-behaved client would never send, which the server still forwards. The file holds
one stanza per line; "{to}" becomes --to. Then waits for the server to answer a ping, which
it does only after handling every stanza before it. Exits 0 when done, 2 on timeout, 3-6
when the login or connection fails.
"""
import sys

from peer import Peer, connection_arguments


class RawSender(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.add_event_handler("session_start", self.session_start)

    async def session_start(self, _):
        with open(self.args.file, encoding="utf-8") as stanzas:
            for line in stanzas:
                line = line.rstrip("\n")
                if line:
                    self.send_raw(line.replace("{to}", self.args.to))
        await self.plugin["xep_0199"].ping(jid=self.boundjid.domain, timeout=20)
        self.finish(0)


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--to", required=True)
    parser.add_argument("--file", required=True, help="stanzas to write, one a line")
    args = parser.parse_args()
    sys.exit(RawSender(args).run())


if __name__ == "__main__":
    main()
