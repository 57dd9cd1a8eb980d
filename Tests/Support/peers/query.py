#!/usr/bin/python3
"""Logs in and asks --to (a full JID) what a client is asked: a ping (XEP-0199), disco#info
(XEP-0030), software version (XEP-0092), and a get IQ with a payload nobody serves
(urn:example:unknown). Prints one JSON object:
{"ping": ANSWER, "disco": ANSWER, "version": ANSWER, "unknown": ANSWER}, where ANSWER is
{"type": "result", ...payload} or {"type": "error", "condition": NAME} or
{"type": "timeout"}; disco adds "identities" ([category, type, name]) and "features",
version adds "name" and "version". Exits 0 when every answer came, 2 on timeout, 3-6 when
the login or connection fails.
"""
import asyncio
import json
import sys

from slixmpp.exceptions import IqError, IqTimeout

from peer import Peer, connection_arguments


def error_answer(error):
    return {"type": "error", "condition": error.iq["error"]["condition"]}


class Querier(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.register_plugin("xep_0092")
        self.add_event_handler("session_start", self.session_start)

    async def ask(self, request):
        try:
            return await request
        except IqError as error:
            return error
        except IqTimeout:
            return None

    async def session_start(self, _):
        self.send_presence()
        to, wait = self.args.to, self.args.answer_timeout
        answers = {}

        ping = await self.ask(self.plugin["xep_0199"].send_ping(to, timeout=wait))
        answers["ping"] = self.simple(ping)

        info = await self.ask(self.plugin["xep_0030"].get_info(jid=to, local=False, timeout=wait))
        answers["disco"] = self.simple(info)
        if answers["disco"]["type"] == "result":
            query = info["disco_info"]
            answers["disco"]["identities"] = [list(identity[:2]) + [identity[3]] for identity in query["identities"]]
            answers["disco"]["features"] = sorted(query["features"])

        version = await self.ask(self.plugin["xep_0092"].get_version(to, timeout=wait))
        answers["version"] = self.simple(version)
        if answers["version"]["type"] == "result":
            answers["version"]["name"] = version["software_version"]["name"]
            answers["version"]["version"] = version["software_version"]["version"]

        iq = self.make_iq_get(queryxmlns="urn:example:unknown", ito=to)
        answers["unknown"] = self.simple(await self.ask(iq.send(timeout=wait)))

        print(json.dumps(answers), flush=True)
        self.finish(0)

    @staticmethod
    def simple(answer):
        if answer is None:
            return {"type": "timeout"}
        if isinstance(answer, IqError):
            return error_answer(answer)
        return {"type": answer["type"]}


def main():
    parser = connection_arguments(__doc__)
    parser.add_argument("--to", required=True, help="the full JID to ask")
    parser.add_argument("--answer-timeout", type=float, default=10.0)
    args = parser.parse_args()
    sys.exit(Querier(args).run())


if __name__ == "__main__":
    main()
