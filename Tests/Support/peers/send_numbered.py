#!/usr/bin/python3
"""Sends numbered messages to --to, one every --interval seconds, until SIGTERM or SIGINT,
through any number of lost connections: after one it logs in again (a fresh login every
--retry seconds until one works) and carries on numbering. --body is a template: "{n}"
becomes the message's number, 1, 2, 3, ...

Each message is followed by a ping to the server. A server handles a client's stanzas in
order, so the ping's answer says the server took the message: delivered it, or stored it
for an offline recipient. The number of each message so confirmed is appended to
--accepted at once, one a line. A message whose ping got no answer (the connection went
first, or --ack-timeout passed) is not counted as accepted, although it may still arrive.

On SIGTERM or SIGINT it stops sending, waits up to --ack-timeout for the answers still
due, logs out, prints one summary line on stdout ("sent N accepted N unconfirmed N
logins N") and exits 0. When --timeout passes first it does the same and exits 2. Exits 3
when a login is refused: retrying would not help.
"""
import asyncio
import logging
import signal
import ssl
import sys
import time

import slixmpp

from peer import connection_arguments, password_from


def log(text):
    print("send_numbered: %s" % text, file=sys.stderr, flush=True)


class Tally:
    """What happened to the numbers, over every connection."""

    def __init__(self, accepted_path):
        self.next_number = 1
        self.sent = 0
        self.accepted = 0
        self.logins = 0
        self.accepted_file = open(accepted_path, "a", encoding="ascii", buffering=1)

    def take_number(self):
        number = self.next_number
        self.next_number += 1
        self.sent += 1
        return number

    def accept(self, number):
        self.accepted += 1
        self.accepted_file.write("%d\n" % number)


class Connection(slixmpp.ClientXMPP):
    """One login: sends until told to stop or until the connection is gone, never twice."""

    def __init__(self, args, password, tally):
        super().__init__(args.jid, password)
        self.args = args
        self.tally = tally
        self.ssl_context = ssl.create_default_context(cafile=args.ca)
        self.register_plugin("xep_0199")
        self.ready = self.loop.create_future()
        self.gone = self.loop.create_future()
        self.refused = False
        self.unanswered = set()
        self.add_event_handler("session_start", lambda _: self._settle(self.ready))
        self.add_event_handler("disconnected", lambda _: self._settle(self.gone))
        self.add_event_handler("connection_failed", self._connection_failed)
        self.add_event_handler("failed_auth", self._failed_auth)

    @staticmethod
    def _settle(future):
        if not future.done():
            future.set_result(None)

    def _connection_failed(self, error):
        # slixmpp would retry on its own with a growing back-off; the caller retries instead.
        self.cancel_connection_attempt()
        log("connection failed: %s" % error)
        self._settle(self.gone)

    def _failed_auth(self, _):
        self.refused = True
        self._settle(self.gone)

    async def run(self, stop):
        """Sends from login until `stop` is set or the connection is gone."""
        self.connect(address=(self.args.host, self.args.port), use_ssl=self.args.direct_tls,
                     force_starttls=not self.args.direct_tls, disable_starttls=self.args.direct_tls)
        await first_of([self.ready, self.gone, stop.wait()], timeout=self.args.login_timeout)
        if not self.ready.done() or self.gone.done():
            self.cancel_connection_attempt()
            self.abort()
            await self._end_send_task()
            return
        self.tally.logins += 1
        next_send = time.monotonic()
        while not stop.is_set() and not self.gone.done():
            self._send(self.tally.take_number())
            next_send = max(next_send + self.args.interval, time.monotonic())
            await first_of([self.gone, stop.wait()], timeout=next_send - time.monotonic())
        if self.unanswered and not self.gone.done():
            await first_of([self.gone, self._all_answered()], timeout=self.args.ack_timeout)
        if not self.gone.done():
            closing = self.disconnect(wait=2.0)
            await first_of([self.gone] + ([closing] if closing else []), timeout=5)
            self.abort()
        await self._end_send_task()

    async def _end_send_task(self):
        """slixmpp leaves its sending task behind when a connection ends; a fresh one comes
        with the next connection, so this one is cancelled (quietly, not at garbage
        collection with a warning)."""
        task = self._run_out_filters
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _send(self, number):
        self.make_message(mto=self.args.to, mbody=self.args.body.replace("{n}", str(number)),
                          mtype="chat").send()
        self.unanswered.add(number)
        answer = self.plugin["xep_0199"].send_ping(self.boundjid.domain, timeout=self.args.ack_timeout)
        answer.add_done_callback(lambda done: self._answered(number, done))

    def _answered(self, number, done):
        self.unanswered.discard(number)
        # Retrieving the exception keeps asyncio from warning about it at exit.
        if not done.cancelled() and done.exception() is None:
            self.tally.accept(number)

    async def _all_answered(self):
        while self.unanswered:
            await asyncio.sleep(0.05)


async def first_of(awaitables, timeout):
    """Waits until one of them is done or `timeout` seconds pass; cancels the others'
    wrappers (never the futures themselves, which belong to their owners)."""
    tasks = [asyncio.ensure_future(asyncio.shield(item)) if asyncio.isfuture(item)
             else asyncio.ensure_future(item) for item in awaitables]
    try:
        await asyncio.wait(tasks, timeout=max(timeout, 0), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def main(args):
    password = password_from(args)
    tally = Tally(args.accepted)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    timed_out = []

    def time_up():
        timed_out.append(True)
        stop.set()
    loop.call_later(args.timeout, time_up)
    while not stop.is_set():
        connection = Connection(args, password, tally)
        await connection.run(stop)
        if connection.refused:
            log("the server refused the login")
            return 3
        if not stop.is_set():
            log("not connected after number %d; logging in again" % (tally.next_number - 1))
            await first_of([stop.wait()], timeout=args.retry)
    unconfirmed = tally.sent - tally.accepted
    print("sent %d accepted %d unconfirmed %d logins %d"
          % (tally.sent, tally.accepted, unconfirmed, tally.logins), flush=True)
    if timed_out:
        log("timed out after %gs" % args.timeout)
        return 2
    return 0


if __name__ == "__main__":
    parser = connection_arguments(__doc__)
    parser.add_argument("--to", required=True)
    parser.add_argument("--body", default="message {n}")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between messages")
    parser.add_argument("--accepted", required=True, help="file to append accepted numbers to")
    parser.add_argument("--ack-timeout", type=float, default=10.0,
                        help="seconds a message's ping may take to be answered")
    parser.add_argument("--login-timeout", type=float, default=15.0)
    parser.add_argument("--retry", type=float, default=1.0,
                        help="seconds between a lost connection and the next login")
    arguments = parser.parse_args()
    if arguments.debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(message)s")
    sys.exit(asyncio.run(main(arguments)))
