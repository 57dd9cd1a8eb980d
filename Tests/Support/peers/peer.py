"""What receive.py and send.py share: connection options and a slixmpp client that trusts
the test CA, insists on TLS, and runs until a future is done or a deadline passes.

Run the peers with /usr/bin/python3: slixmpp comes from Debian's python3-slixmpp.
"""
import argparse
import asyncio
import logging
import os
import ssl
import sys
from pathlib import Path

import slixmpp


def connection_arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", help="else $XMPP_PASSWORD")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True, help="PEM file of the CA to trust")
    parser.add_argument("--direct-tls", action="store_true",
                        help="TLS from the first byte instead of STARTTLS")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds for the whole run; exit 2 when they pass")
    parser.add_argument("--debug", action="store_true", help="slixmpp debug log on stderr")
    return parser


def password_from(args):
    password = args.password or os.environ.get("XMPP_PASSWORD")
    if not password:
        sys.exit("no password: give --password or set XMPP_PASSWORD")
    return password


class Peer(slixmpp.ClientXMPP):
    """A slixmpp client for tests: verified TLS against one CA, and a `finished` future
    that the script's handlers resolve with the exit status."""

    def __init__(self, args):
        super().__init__(args.jid, password_from(args))
        self.args = args
        self.ca_certs = Path(args.ca)
        self.ssl_context = ssl.create_default_context(cafile=args.ca)
        self.finished = self.loop.create_future()
        for plugin in ("xep_0030", "xep_0184", "xep_0199", "xep_0203"):
            self.register_plugin(plugin)
        self.add_event_handler("failed_auth", lambda _: self.finish(3, "authentication failed"))
        self.add_event_handler("connection_failed",
                               lambda error: self.finish(4, "connection failed: %s" % error))
        self.add_event_handler("ssl_invalid_chain",
                               lambda error: self.finish(5, "untrusted certificate: %s" % error))
        self.add_event_handler("disconnected", lambda _: self.finish(6, "disconnected"))

    def finish(self, status, reason=None):
        if not self.finished.done():
            if reason and status != 0:
                print("%s: %s" % (self.boundjid.bare, reason), file=sys.stderr, flush=True)
            self.finished.set_result(status)

    def run(self):
        """Connects, runs until `finish` or the timeout, closes; returns the exit status."""
        if self.args.debug:
            logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(message)s")
        self.connect(address=(self.args.host, self.args.port), use_ssl=self.args.direct_tls,
                     force_starttls=not self.args.direct_tls,
                     disable_starttls=self.args.direct_tls)
        try:
            status = self.loop.run_until_complete(
                asyncio.wait_for(asyncio.shield(self.finished), self.args.timeout))
        except asyncio.TimeoutError:
            status = 2
            self.finish(status, "timed out after %gs" % self.args.timeout)
        if self.is_connected():
            self.loop.run_until_complete(self.disconnect(wait=1.0))
        # slixmpp leaves reader tasks behind; end them quietly instead of warnings at exit.
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        return status
