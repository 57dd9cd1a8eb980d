#!/usr/bin/env python3
"""A tiny UDP name server that answers only what it is told to, for the DNS tests.

    nameserver.py --address ADDR --port-file F [--port N] [--query-log F] [--silent]
                  [--a NAME=IPV4]... [--aaaa NAME=IPV6]... [--cname NAME=TARGET]...
                  [--srv NAME=PRIORITY:WEIGHT:PORT:TARGET]... [--exit-with PID]

Binds UDP ADDR:N (N 0, the default, lets the kernel pick), writes the port to --port-file
(atomically) once it listens, and answers every query:

- --silent: reads each query and never answers, like a name server behind a black hole;
- a name with --cname: the CNAME record, followed in the same answer by the chain's next
  links and the records of the asked type at its end, as recursive servers answer;
- a name with records of the asked type: those records;
- a name known with other types only: no records (NOERROR, "NODATA");
- any other name: NXDOMAIN.

Names compare without regard to case, without a trailing dot. Each query is appended to
--query-log as a line "NAME TYPE" (TYPE a number: 1 for A, 28 for AAAA, 33 for SRV). With --exit-with,
the server exits once process PID is gone. Python standard library only.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys

TYPE_A = 1
TYPE_CNAME = 5
TYPE_AAAA = 28
TYPE_SRV = 33
CLASS_IN = 1
RCODE_NXDOMAIN = 3


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--query-log")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--a", action="append", default=[], metavar="NAME=IPV4")
    parser.add_argument("--aaaa", action="append", default=[], metavar="NAME=IPV6")
    parser.add_argument("--cname", action="append", default=[], metavar="NAME=TARGET")
    parser.add_argument("--srv", action="append", default=[], metavar="NAME=PRIORITY:WEIGHT:PORT:TARGET")
    parser.add_argument("--exit-with", type=int, metavar="PID")
    return parser.parse_args()


def normalized(name):
    return name.rstrip(".").lower()


def pairs(values, option):
    for value in values:
        name, separator, data = value.partition("=")
        if not separator or not name or not data:
            sys.exit("nameserver.py: %s needs NAME=VALUE, got %r" % (option, value))
        yield normalized(name), data


class Zone:
    """The records the server knows: {name: {type: [rdata bytes]}} and CNAMEs."""

    def __init__(self, args):
        self.records = {}
        self.aliases = dict((name, normalized(target)) for name, target in pairs(args.cname, "--cname"))
        for name, text in pairs(args.a, "--a"):
            self.add(name, TYPE_A, ipaddress.IPv4Address(text).packed)
        for name, text in pairs(args.aaaa, "--aaaa"):
            self.add(name, TYPE_AAAA, ipaddress.IPv6Address(text).packed)
        for name, text in pairs(args.srv, "--srv"):
            priority, weight, port, target = text.split(":", 3)
            self.add(name, TYPE_SRV, struct.pack("!HHH", int(priority), int(weight), int(port)) + encode_name(normalized(target)))

    def add(self, name, record_type, data):
        self.records.setdefault(name, {}).setdefault(record_type, []).append(data)

    def knows(self, name):
        return name in self.records or name in self.aliases

    def answer(self, name, record_type):
        """The answer records (owner, type, rdata) for a query, or None for NXDOMAIN."""
        if not self.knows(name):
            return None
        answers = []
        seen = set()
        while name in self.aliases and name not in seen:
            seen.add(name)
            target = self.aliases[name]
            answers.append((name, TYPE_CNAME, encode_name(target)))
            name = target
        for data in self.records.get(name, {}).get(record_type, []):
            answers.append((name, record_type, data))
        return answers


def encode_name(name):
    encoded = b""
    for label in name.split(".") if name else []:
        raw = label.encode("ascii")
        encoded += bytes([len(raw)]) + raw
    return encoded + b"\0"


def parse_query(packet):
    """(id, flags, question bytes, name, type) of a query, or None if it is not one."""
    if len(packet) < 12:
        return None
    query_id, flags, questions = struct.unpack("!HHH", packet[:6])
    if flags & 0x8000 or questions != 1:
        return None
    labels = []
    offset = 12
    while True:
        if offset >= len(packet):
            return None
        length = packet[offset]
        offset += 1
        if length == 0:
            break
        if length > 63 or offset + length > len(packet):
            return None
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length
    if offset + 4 > len(packet):
        return None
    record_type, record_class = struct.unpack("!HH", packet[offset:offset + 4])
    question = packet[12:offset + 4]
    return query_id, flags, question, normalized(".".join(labels)), record_type, record_class


def response(query_id, query_flags, question, answers):
    # QR, the query's opcode and RD, RA; the response code in the low bits.
    flags = 0x8000 | (query_flags & 0x7900) | 0x0080
    if answers is None:
        return struct.pack("!HHHHHH", query_id, flags | RCODE_NXDOMAIN, 1, 0, 0, 0) + question
    body = b""
    for owner, record_type, data in answers:
        body += encode_name(owner) + struct.pack("!HHIH", record_type, CLASS_IN, 60, len(data)) + data
    return struct.pack("!HHHHHH", query_id, flags, 1, len(answers), 0, 0) + question + body


def write_port(path, port):
    temporary = path + ".tmp"
    with open(temporary, "w") as port_file:
        port_file.write("%d\n" % port)
    os.replace(temporary, path)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main():
    args = arguments()
    zone = Zone(args)
    family = socket.AF_INET6 if ":" in args.address else socket.AF_INET
    server = socket.socket(family, socket.SOCK_DGRAM)
    server.bind((args.address, args.port))
    write_port(args.port_file, server.getsockname()[1])
    log = open(args.query_log, "a", buffering=1) if args.query_log else None
    while args.exit_with is None or alive(args.exit_with):
        readable, _, _ = select.select([server], [], [], 0.5)
        if not readable:
            continue
        packet, client = server.recvfrom(65535)
        query = parse_query(packet)
        if query is None:
            continue
        query_id, flags, question, name, record_type, record_class = query
        if log:
            log.write("%s %d\n" % (name, record_type))
        if args.silent or record_class != CLASS_IN:
            continue
        server.sendto(response(query_id, flags, question, zone.answer(name, record_type)), client)


if __name__ == "__main__":
    main()
