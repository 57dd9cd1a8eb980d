#!/usr/bin/python3
"""Logs in, sends initial presence, and prints every message it receives as one JSON line:
{"from","to","type","id","body","subject","thread","origin_id","delayed","oob_url"}; absent
parts are null, and oob_url is the <url> in <x xmlns='jabber:x:oob'/> (XEP-0066, as
send --attach adds). Exits 0 after --count live messages with a body, 2 on timeout, 3-6
when the login or connection fails. Delayed messages (offline storage, marked with XEP-0203
<delay/>) are printed with "delayed": true but not counted, so leftovers from earlier runs
cannot stand in for the messages a test waits for. --ready-file is written once the session
has started, i.e. once messages sent to this account reach this client.
"""
import json
import os
import sys

from peer import Peer, connection_arguments

CLIENT = "{jabber:client}"
OOB = "{jabber:x:oob}"


def child_text(stanza, name):
    element = stanza.xml.find(CLIENT + name)
    return None if element is None else (element.text or "")


def record(msg):
    origin = msg.xml.find("{urn:xmpp:sid:0}origin-id")
    delay = msg.xml.find("{urn:xmpp:delay}delay")
    return {
        "from": str(msg["from"]) or None,
        "to": str(msg["to"]) or None,
        "type": msg.xml.get("type"),
        "id": msg.xml.get("id"),
        "body": child_text(msg, "body"),
        "subject": child_text(msg, "subject"),
        "thread": child_text(msg, "thread"),
        "origin_id": None if origin is None else origin.get("id"),
        "delayed": delay is not None,
        "oob_url": msg.xml.findtext(OOB + "x/" + OOB + "url"),
    }


class Receiver(Peer):
    def __init__(self, args):
        super().__init__(args)
        # Counters before connecting: offline messages can arrive before session_start ends.
        self.received = 0
        self.add_event_handler("session_start", self.session_start)
        self.add_event_handler("message", self.message)

    async def session_start(self, _):
        self.send_presence()
        await self.get_roster()
        # A ping round trip: once it returns, the server has processed the presence.
        await self.plugin["xep_0199"].ping(jid=self.boundjid.domain, timeout=10)
        if self.args.ready_file:
            temporary = self.args.ready_file + ".tmp"
            with open(temporary, "w") as ready:
                ready.write(str(self.boundjid) + "\n")
            os.replace(temporary, self.args.ready_file)
        if self.args.count == 0:
            self.finish(0)

    def message(self, msg):
        entry = record(msg)
        sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        if entry["body"] is not None and not entry["delayed"]:
            self.received += 1
            if self.received >= self.args.count:
                self.finish(0)


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--count", type=int, default=1,
                        help="live messages with a body to wait for (0: just log in)")
    parser.add_argument("--ready-file", help="written when the session has started")
    parser.add_argument("--resource", default="receiver")
    args = parser.parse_args()
    sys.stdout.reconfigure(encoding="utf-8")
    args.jid = args.jid.split("/")[0] + "/" + args.resource
    sys.exit(Receiver(args).run())


if __name__ == "__main__":
    main()
