#!/usr/bin/env python3
"""A scripted XMPP server on 127.0.0.1 for what a real server will not do on demand.

    fakeserver.py --scenario NAME --port-file F --cert PEM --key PEM --log F
                  [--events F] [--password PW] [--once] [--timeout S] [--trace]
                  [--upload-port N]

Listens on a free port and writes it to --port-file (atomically), then serves client
connections one at a time (--once: as many as the scenario needs, usually one) with the
scenario's behaviour; see scenarios.py for the names. Every byte received is appended to
--log; what a scenario records of its own doing goes to --events (default: the log's path
with ".events" appended), one JSON object a line. --upload-port is the port in the slot URLs
of the upload scenarios (upload_scenarios.py). Python standard library only. Exits 0
when the scenario ran, 1 on bad arguments or an internal error.
"""
import argparse
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scenarios import SCENARIOS  # noqa: E402
from session import ServerState  # noqa: E402
from stream import ClientStream  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--log", help="append every byte received from clients here")
    parser.add_argument("--events", help="append the scenario's records here (JSON lines)")
    parser.add_argument("--password", default="secret", help="the password logins must prove")
    parser.add_argument("--once", action="store_true",
                        help="serve the scenario's connections (usually one), then exit")
    parser.add_argument("--connections", type=int,
                        help="with --once: serve this many connections, not the scenario's number")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for a connection, and for each connection")
    parser.add_argument("--trace", action="store_true", help="print both directions on stderr")
    parser.add_argument("--upload-port", type=int,
                        help="the port of upload-slot's slot URLs (https://upload.localhost:N/...)")
    return parser.parse_args()


def write_port(path, port):
    temporary = path + ".tmp"
    with open(temporary, "w") as port_file:
        port_file.write("%d\n" % port)
    os.replace(temporary, path)


def main():
    args = arguments()
    scenario = SCENARIOS[args.scenario]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    if args.log:
        open(args.log, "ab").close()  # exists even when no client ever connects
    state = ServerState(args.events or (args.log + ".events" if args.log else None))
    state.values["upload_port"] = args.upload_port

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    write_port(args.port_file, listener.getsockname()[1])

    while True:
        listener.settimeout(args.timeout)
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            print("fakeserver: no connection within %gs" % args.timeout, file=sys.stderr)
            return 0
        state.connection += 1
        stream = ClientStream(connection, args.log, time.monotonic() + args.timeout, args.trace)
        scenario(stream, context, args.password, state).run()
        if args.once and state.connection >= (args.connections or scenario.connections):
            return 0


if __name__ == "__main__":
    sys.exit(main())
