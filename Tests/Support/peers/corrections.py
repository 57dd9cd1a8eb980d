#!/usr/bin/python3
"""Logs in like receive.py and prints every message it receives as one JSON line: the
fields of receive.py plus what corrections and retractions carry:
  "replace_id"    the id of <replace xmlns='urn:xmpp:message-correct:0'/> (XEP-0308)
  "retract_id"    the id of <retract xmlns='urn:xmpp:message-retract:1'/> (XEP-0424)
  "fallback_for"  the 'for' of the first <fallback xmlns='urn:xmpp:fallback:0'/> (XEP-0428)
  "store_hint"    whether <store xmlns='urn:xmpp:hints'/> is there (XEP-0334)
  "stanza_id"     the id of <stanza-id xmlns='urn:xmpp:sid:0'/> (XEP-0359) given by the
                  room (by = the room's bare JID) for groupchat, else by this account
absent parts are null (store_hint false).

With --room ROOM --nick NICK it also joins that multi-user chat room (XEP-0045), asking
for no history, and prints the room's groupchat messages as well (messages of other rooms
are left out).

Exits 0 after --count live messages with a body (a retraction has its fallback body), 2
on timeout, 3-6 when the login or connection fails, 7 when the join is refused. Delayed
messages (XEP-0203) are printed with "delayed": true but not counted. --ready-file is
written once the session has started (and, with --room, the room has confirmed the join),
i.e. once messages sent to this account (or the room) reach this client.
"""
import json
import os
import sys

from peer import Peer, connection_arguments
from receive import record

CORRECT = "{urn:xmpp:message-correct:0}"
RETRACT = "{urn:xmpp:message-retract:1}"
FALLBACK = "{urn:xmpp:fallback:0}"
HINTS = "{urn:xmpp:hints}"
SID = "{urn:xmpp:sid:0}"


def attribute(msg, path, name):
    element = msg.xml.find(path)
    return None if element is None else element.get(name)


def correction_record(msg, own_bare_jid):
    entry = record(msg)
    entry["replace_id"] = attribute(msg, CORRECT + "replace", "id")
    entry["retract_id"] = attribute(msg, RETRACT + "retract", "id")
    entry["fallback_for"] = attribute(msg, FALLBACK + "fallback", "for")
    entry["store_hint"] = msg.xml.find(HINTS + "store") is not None
    # Whose stanza-id counts: the room's for groupchat, the account's archive otherwise.
    by = msg["from"].bare if entry["type"] == "groupchat" else own_bare_jid
    entry["stanza_id"] = next(
        (element.get("id") for element in msg.xml.findall(SID + "stanza-id") if element.get("by") == by), None)
    return entry


class CorrectionsReceiver(Peer):
    def __init__(self, args, output):
        super().__init__(args)
        self.output = output
        # Counters before connecting: offline messages can arrive before session_start ends.
        self.received = 0
        if args.room:
            self.register_plugin("xep_0045")
        self.add_event_handler("session_start", self.session_start)
        # slixmpp raises "message" for every message stanza, groupchat ones included.
        self.add_event_handler("message", self.message)

    async def session_start(self, _):
        self.send_presence()
        await self.get_roster()
        if self.args.room:
            try:
                await self.plugin["xep_0045"].join_muc_wait(
                    self.args.room, self.args.nick, maxstanzas=0, timeout=self.args.timeout)
            except Exception as error:  # PresenceError, TimeoutError: the test should see why
                self.finish(7, "joining %s failed: %r" % (self.args.room, error))
                return
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
        if msg.xml.get("type") == "groupchat" and msg["from"].bare != self.args.room:
            return  # another room's
        entry = correction_record(msg, self.boundjid.bare)
        self.output.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.output.flush()
        if entry["body"] is not None and not entry["delayed"]:
            self.received += 1
            if self.received >= self.args.count:
                self.finish(0)


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--count", type=int, default=1,
                        help="live messages with a body to wait for (0: just log in)")
    parser.add_argument("--ready-file", help="written when the session has started")
    parser.add_argument("--resource", default="corrections")
    parser.add_argument("--room", help="also join this room (its bare address)")
    parser.add_argument("--nick", help="the nickname in --room")
    args = parser.parse_args()
    if args.room and not args.nick:
        parser.error("--room needs --nick")
    args.jid = args.jid.split("/")[0] + "/" + args.resource
    # slixmpp's join prints debugging output on stdout: keep stdout for the JSON lines only.
    output = sys.stdout
    output.reconfigure(encoding="utf-8")
    sys.stdout = sys.stderr
    sys.exit(CorrectionsReceiver(args, output).run())


if __name__ == "__main__":
    main()
