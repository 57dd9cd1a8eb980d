"""Hostile servers at the connection level: the TCP connection reset (RST) at each stage
of a login, and a server that sends one byte at a time.
"""
import socket
import ssl
import time

from session import NS_TLS, EndSession, Session


class Reset(Session):
    """Resets the TCP connection; the subclasses say when."""

    def reset(self):
        self.stream.abort()
        raise EndSession()


class ResetAfterConnect(Reset):
    """Resets the connection when the client's stream header arrives, before answering
    anything. (A reset before the client's first byte races its connect(2): it may see
    the connection refused instead.)"""

    def on_stream_header(self, attrs):
        self.reset()


class ResetAfterHeader(Reset):
    """Sends its stream header, then resets the connection."""

    def on_stream_header(self, attrs):
        self.send_header()
        self.reset()


class ResetAfterProceed(Reset):
    """Answers STARTTLS with <proceed/>, then resets the connection."""

    def on_starttls(self, _):
        self.send("<proceed xmlns='%s'/>" % NS_TLS)
        self.reset()


class ResetMidTLSHandshake(Reset):
    """Answers STARTTLS with <proceed/>, reads the ClientHello, sends the first half of its
    handshake flight, then resets the connection."""

    def on_starttls(self, _):
        self.send("<proceed xmlns='%s'/>" % NS_TLS)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self.tls_context.wrap_bio(incoming, outgoing, server_side=True)
        sock = self.stream.sock
        sock.settimeout(max(0.1, self.stream.deadline - time.monotonic()))
        while True:
            try:
                tls.do_handshake()
            except ssl.SSLWantReadError:
                flight = outgoing.read()
                if flight:
                    sock.sendall(flight[:len(flight) // 2])
                    self.stream.note("sent %d of %d handshake bytes, resetting" % (len(flight) // 2, len(flight)))
                    self.reset()
            try:
                data = sock.recv(65536)
            except (socket.timeout, OSError):
                raise EndSession()
            if not data:
                raise EndSession()
            incoming.write(data)


class ResetMidSASL(Reset):
    """Resets the connection when the client's SCRAM proof arrives, before answering it."""

    def on_sasl_response(self, element):
        self.reset()


class ResetAfterBind(Reset):
    """Binds the client's resource, then resets the connection."""

    def on_bind(self, stanza_id, bind):
        super().on_bind(stanza_id, bind)
        self.reset()


class Drip(Session):
    """Sends everything one byte at a time (one TLS record each, once encrypted), with a
    pause of `pause` seconds after each byte."""
    pause = 0.001

    def send(self, text):
        for byte in text.encode("utf-8"):
            self.stream.send_bytes(bytes((byte,)))
            time.sleep(self.pause)


class DripForever(Drip):
    """Drips one byte every 50 ms: a login would take over a minute."""
    pause = 0.05


CONNECTION_SCENARIOS = {
    "reset-after-connect": ResetAfterConnect,
    "reset-after-header": ResetAfterHeader,
    "reset-after-proceed": ResetAfterProceed,
    "reset-mid-tls-handshake": ResetMidTLSHandshake,
    "reset-mid-sasl": ResetMidSASL,
    "reset-after-bind": ResetAfterBind,
    "drip": Drip,
    "drip-forever": DripForever,
}
