"""The server end of one client connection: bytes in and out, TLS, and the client's XML
stream cut into events (stream header, top-level element, stream end, connection gone).

Every byte received from the client is appended to the log file, before and after TLS, so
tests can assert on exactly what the client sent.
"""
import socket
import ssl
import struct
import sys
import time
import xml.etree.ElementTree as ET

STREAM_NS = "http://etherx.jabber.org/streams"


class Event:
    """One thing the client did: kind is "header" (attrs set), "element" (element set),
    "end" (</stream:stream>), "eof" (connection closed) or "timeout"."""

    def __init__(self, kind, element=None, attrs=None):
        self.kind = kind
        self.element = element
        self.attrs = attrs or {}

    def __repr__(self):
        return "Event(%s %s)" % (self.kind, self.element.tag if self.element is not None else "")


class ClientStream:
    def __init__(self, sock, log_path, deadline, trace=False):
        self.sock = sock
        self.log = open(log_path, "ab") if log_path else None
        self.deadline = deadline
        self.trace = trace
        self.encrypted = False
        self.pending = []
        self.reset_parser()

    # Parsing ---------------------------------------------------------------------------

    def reset_parser(self):
        """A stream restart (after TLS or SASL): the client sends a new stream header."""
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.root = None
        self.pending = []

    def next_event(self):
        while not self.pending:
            data = self._receive()
            if data is None:
                return Event("timeout")
            if not data:
                return Event("eof")
            if self.root is None and data.lstrip().startswith(b"</stream:stream>"):
                return Event("end")  # a close right after a restart, before any new header
            try:
                self.parser.feed(data)
                self._collect()
            except ET.ParseError as error:
                raise MalformedXML(str(error)) from error
        return self.pending.pop(0)

    def _collect(self):
        for kind, element in self.parser.read_events():
            if kind == "start":
                self.depth += 1
                if self.depth == 1:
                    self.root = element
                    self.pending.append(Event("header", attrs=dict(element.attrib)))
            else:
                self.depth -= 1
                if self.depth == 1:
                    self.pending.append(Event("element", element=element))
                    self.root.remove(element)  # keep memory flat over a long stream
                elif self.depth == 0:
                    self.pending.append(Event("end"))

    def receive_for(self, seconds):
        """Reads and parses whatever the client sends within `seconds`: what arrives while
        a server is busy (binding a resource, say) before it answers."""
        end = min(self.deadline, time.monotonic() + seconds)
        while time.monotonic() < end:
            self.sock.settimeout(max(0.001, end - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return
            except (ConnectionError, ssl.SSLError, OSError):
                return
            if not data:
                return
            if self.log:
                self.log.write(data)
                self.log.flush()
            try:
                self.parser.feed(data)
                self._collect()
            except ET.ParseError as error:
                raise MalformedXML(str(error)) from error

    # Bytes ---------------------------------------------------------------------------

    def _receive(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return None
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return None
        except (ConnectionError, ssl.SSLError, OSError) as error:
            self.note("receive failed: %s" % error)
            return b""
        if data:
            if self.log:
                self.log.write(data)
                self.log.flush()
            if self.trace:
                self.note("C: " + data.decode("utf-8", "replace"))
        return data

    def send(self, text):
        if self.trace:
            self.note("S: " + text)
        self.send_bytes(text.encode("utf-8"))

    def send_bytes(self, data):
        """Sends bytes as they are: what a scenario needs for bytes that are not UTF-8."""
        try:
            self.sock.sendall(data)
        except (ConnectionError, ssl.SSLError, OSError) as error:
            self.note("send failed: %s" % error)
            raise ConnectionGone() from error

    def note(self, text):
        if self.trace:
            print(text, file=sys.stderr, flush=True)

    # Connection ---------------------------------------------------------------------------

    def start_tls(self, context):
        """Wraps the socket after <proceed/>. Plaintext the client sent after <starttls/>
        is dropped with the parser, as RFC 6120 section 5.4.3.3 requires."""
        self.sock.settimeout(max(0.1, self.deadline - time.monotonic()))
        try:
            self.sock = context.wrap_socket(self.sock, server_side=True)
        except (ssl.SSLError, OSError) as error:
            self.note("TLS handshake failed: %s" % error)
            raise ConnectionGone() from error
        self.encrypted = True
        self.reset_parser()

    def close(self):
        try:
            if self.encrypted:
                self.sock.settimeout(1.0)
                self.sock = self.sock.unwrap()
        # ValueError: the TLS layer is already gone (the client closed first, or it failed).
        except (ssl.SSLError, OSError, ValueError):
            pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def abort(self):
        """Closes the TCP connection at once: no close_notify, no FIN handshake (RST)."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()


class ConnectionGone(Exception):
    """The client closed the connection or it broke."""


class MalformedXML(Exception):
    """The client sent XML that is not well-formed."""
