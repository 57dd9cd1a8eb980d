"""The scripted behaviours, by name. Each is a Session that differs in one respect; to add
one, subclass Session (or another scenario), override the hook, and list it in SCENARIOS.
"""
from listen_scenarios import LISTEN_SCENARIOS
from session import NS_SASL, EndSession, Session


class Normal(Session):
    """Everything as a good server does it."""


class NoStartTLS(Session):
    """No STARTTLS offered, and PLAIN dangled in the clear: a client must give up without
    sending credentials."""
    offer_starttls = False

    def features_before_tls(self):
        return "<mechanisms xmlns='%s'><mechanism>PLAIN</mechanism></mechanisms>" % NS_SASL


class BadServerSignature(Session):
    """SCRAM succeeds, but the v= in <success/> is not the server signature: the server
    does not know the password, and the client must not trust it."""

    def server_signature(self, signature):
        return bytes(byte ^ 0x5A for byte in signature)


class StreamError(Session):
    """Answers the client's stream header with a stream error (host-unknown) and closes."""

    def on_stream_header(self, attrs):
        self.send_header()
        self.stream_error("host-unknown")


class CutBeforeAck(Session):
    """Logs the client in with stream management, then drops the TCP connection as soon as
    a message arrives, before acknowledging it."""

    def on_message(self, message):
        self.stream.abort()
        raise EndSession()


class NoStreamManagement(Session):
    """No XEP-0198: the client must confirm delivery another way (an IQ round trip)."""
    offer_sm = False


class AuthFailure(Session):
    """Rejects every login with <not-authorized/>, whatever the password."""

    def accept_credentials(self, proof_ok):
        return False


class RestrictedXML(Session):
    """Puts an XML comment in its first features, which RFC 6120 section 11.1 forbids on a
    stream; then waits. A client must give up on the stream as broken, not skip the
    comment, and so never get as far as offering credentials."""

    def on_stream_header(self, attrs):
        self.domain = attrs.get("to") or self.domain
        self.send_header()
        self.send("<stream:features><!-- x -->%s</stream:features>" % self.features())


SCENARIOS = {
    "normal": Normal,
    "no-starttls": NoStartTLS,
    "bad-server-signature": BadServerSignature,
    "stream-error": StreamError,
    "cut-before-ack": CutBeforeAck,
    "no-sm": NoStreamManagement,
    "auth-failure": AuthFailure,
    "restricted-xml": RestrictedXML,
    **LISTEN_SCENARIOS,
}
