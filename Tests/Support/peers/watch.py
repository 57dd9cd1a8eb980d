#!/usr/bin/python3
"""Logs in as --jid with resource --resource, announces its presence (--show, --status,
--priority), and prints one JSON line per presence it receives and per roster push:
  {"kind":"presence","from","type","show","status","priority"}
  {"kind":"roster-push","jid","name","subscription","ask","groups"}
  {"kind":"ping","to","ok"}  with --ping-contact JID: each resource of JID that comes
                             online is pinged (XEP-0199), and this says whether it answered
absent parts are null. --ready-file is written once the session has started: the roster
is fetched and the server has handled the presence. It then watches until SIGTERM or
SIGINT (exit 0) or --timeout (exit 2); 3-6 when the login or connection fails.
Subscription requests are neither approved nor refused: this peer only watches.
"""
import asyncio
import json
import os
import signal
import sys

from slixmpp.exceptions import IqError, IqTimeout

from peer import Peer, connection_arguments

CLIENT = "{jabber:client}"
ROSTER = "{jabber:iq:roster}"


def child_text(element, name):
    child = element.find(CLIENT + name)
    return None if child is None else (child.text or "")


def presence_record(presence):
    xml = presence.xml
    priority = child_text(xml, "priority")
    return {
        "kind": "presence",
        "from": str(presence["from"]) or None,
        "type": xml.get("type") or "available",
        "show": child_text(xml, "show"),
        "status": child_text(xml, "status"),
        "priority": int(priority) if priority and priority.lstrip("-").isdigit() else None,
    }


def push_records(iq):
    query = iq.xml.find(ROSTER + "query")
    for item in [] if query is None else query.findall(ROSTER + "item"):
        yield {
            "kind": "roster-push",
            "jid": item.get("jid"),
            "name": item.get("name"),
            "subscription": item.get("subscription"),
            "ask": item.get("ask"),
            "groups": sorted(group.text or "" for group in item.findall(ROSTER + "group")),
        }


class Watcher(Peer):
    def __init__(self, args):
        super().__init__(args)
        # Leave subscription requests alone: the tests decide who approves what.
        self.auto_authorize = None
        self.auto_subscribe = False
        self.add_event_handler("session_start", self.session_start)
        self.add_event_handler("presence", self.presence)
        self.add_event_handler("roster_update", self.roster_update)

    async def session_start(self, _):
        await self.get_roster()
        self.send_presence(pshow=self.args.show, pstatus=self.args.status, ppriority=self.args.priority)
        # A ping round trip: once it returns, the server has processed the presence.
        await self.plugin["xep_0199"].ping(jid=self.boundjid.domain, timeout=10)
        if self.args.ready_file:
            temporary = self.args.ready_file + ".tmp"
            with open(temporary, "w") as ready:
                ready.write(str(self.boundjid) + "\n")
            os.replace(temporary, self.args.ready_file)

    def presence(self, presence):
        record = presence_record(presence)
        self.write(record)
        sender = presence["from"]
        if (record["type"] == "available" and self.args.ping_contact
                and sender.bare == self.args.ping_contact and sender.resource):
            asyncio.ensure_future(self.ping(sender))

    async def ping(self, jid):
        try:
            # A deadline for a contact on a loaded machine, not a measure of it.
            await self.plugin["xep_0199"].send_ping(jid, timeout=15)
            ok = True
        except (IqError, IqTimeout):
            ok = False
        self.write({"kind": "ping", "to": str(jid), "ok": ok})

    def roster_update(self, iq):
        if iq["type"] == "set":  # a push, not the answer to our own roster request
            for record in push_records(iq):
                self.write(record)

    @staticmethod
    def write(record):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--resource", default="watcher")
    parser.add_argument("--show", choices=["away", "chat", "dnd", "xa"])
    parser.add_argument("--status")
    parser.add_argument("--priority", type=int)
    parser.add_argument("--ready-file", help="written when the session has started")
    parser.add_argument("--ping-contact", metavar="JID", help="ping each resource of JID that comes online")
    args = parser.parse_args()
    sys.stdout.reconfigure(encoding="utf-8")
    args.jid = args.jid.split("/")[0] + "/" + args.resource
    watcher = Watcher(args)
    for number in (signal.SIGTERM, signal.SIGINT):
        watcher.loop.add_signal_handler(number, watcher.finish, 0)
    sys.exit(watcher.run())


if __name__ == "__main__":
    main()
