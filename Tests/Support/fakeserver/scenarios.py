"""The scripted behaviours, by name. Each is a Session that differs in one respect; to add
one, subclass Session (or another scenario), override the hook, and list it in SCENARIOS.
"""
import time
from xml.sax.saxutils import quoteattr

from hostile_scenarios import HOSTILE_SCENARIOS
from listen_scenarios import LISTEN_SCENARIOS
from security_scenarios import SECURITY_SCENARIOS
from upload_scenarios import UPLOAD_SCENARIOS
from session import CLIENT, NS_BIND, NS_SASL, NS_SM, NS_STANZAS, NS_STREAMS, STANZAS, EndSession, Session


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


class BindsAsynchronously(Session):
    """Binds a resource asynchronously, as some servers do (RFC 6120 section 7.1 lets
    them): the bind takes 50 ms, and a stanza that arrives meanwhile, before the bind result
    has gone out, closes the stream with <not-authorized/> "stanza sent before session
    start", unprocessed. <enable/> may come early (it is not a stanza). Serves up to five
    connections; records "refused", "bound" and each "message" (with its body), and answers
    pings, roster gets and presence as a normal server does."""
    connections = 5

    def on_bind(self, stanza_id, bind):
        self.stream.receive_for(0.05)
        early = [event.element.tag for event in self.stream.pending
                 if event.kind == "element" and event.element.tag in STANZAS]
        if early:
            self.state.record("refused", early=early)
            self.send("<stream:error><not-authorized xmlns='%s'/><text xmlns='%s'>stanza sent "
                      "before session start</text></stream:error></stream:stream>"
                      % (NS_STREAMS, NS_STREAMS))
            self.stream.close()
            raise EndSession()
        super().on_bind(stanza_id, bind)
        self.state.record("bound")

    def on_message(self, message):
        self.state.record("message", body=message.findtext(CLIENT + "body"))

    def on_presence(self, presence):
        self.state.record("presence", type=presence.get("type") or "available")
        if presence.get("type") is None and presence.get("to") is None:
            # The server's echo of initial presence (RFC 6121 section 4.2.2).
            self.send("<presence from=%s to=%s/>" % (quoteattr(self.jid), quoteattr(self.jid)))


class Sha1Only(Session):
    """Offers SCRAM-SHA-1 only: a client that remembers SCRAM-SHA-256 from before is
    refused it (invalid-mechanism) and must choose again."""
    mechanisms = ("SCRAM-SHA-1",)


class StreamErrorOnMessage(Session):
    """Answers the first message with a stream error and its closing tag, then waits for
    the client to close its side of the stream (RFC 6120 section 4.9.1.1), recorded as
    "client-closed"."""

    def on_message(self, message):
        self.send("<stream:error><policy-violation xmlns='%s'/></stream:error></stream:stream>" % NS_STREAMS)

    def on_stream_end(self):
        self.state.record("client-closed")
        self.stream.close()


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


class SpoofedRosterPush(Session):
    """Answers the roster request with, first, a roster push from someone other than the
    account (mallory@evil.example adding evil@evil.example, id 'spoofed-push'), which a
    client must refuse and ignore (RFC 6121 section 2.1.6); then a genuine push without
    'from' (id 'genuine-push', adding pushed@localhost); then the roster itself
    (friend@localhost)."""

    def on_iq(self, iq):
        if iq.get("type") != "get" or iq.find("{jabber:iq:roster}query") is None:
            return super().on_iq(iq)
        self.send("<iq type='set' id='spoofed-push' from='mallory@evil.example'%s>"
                  "<query xmlns='jabber:iq:roster'><item jid='evil@evil.example' name='evil'"
                  " subscription='both'><group>evil</group></item></query></iq>" % self.to_attr())
        self.send("<iq type='set' id='genuine-push'%s><query xmlns='jabber:iq:roster'>"
                  "<item jid='pushed@localhost' subscription='none'/></query></iq>" % self.to_attr())
        self.send("<iq type='result' id=%s%s><query xmlns='jabber:iq:roster'>"
                  "<item jid='friend@localhost' name='Friend' subscription='both'>"
                  "<group>Friends</group></item></query></iq>"
                  % (quoteattr(iq.get("id") or ""), self.to_attr()))


class Bounce(Session):
    """Answers every message with an error from its recipient, service-unavailable (what a
    server says for an account that does not exist), before acknowledging it: the message
    was accepted by the server, yet it reached nobody."""

    def on_message(self, message):
        self.send("<message type='error' id=%s from=%s to=%s><error type='cancel'>"
                  "<service-unavailable xmlns='%s'/></error></message>"
                  % (quoteattr(message.get("id") or ""), quoteattr(message.get("to") or ""),
                     quoteattr(self.jid or ""), NS_STANZAS))


class Limits(Session):
    """Advertises a stanza limit of 10000 bytes (XEP-0478) after authentication: the least
    RFC 6120 section 13.12 allows."""
    max_bytes = 10000

    def features_after_auth(self):
        return super().features_after_auth() + (
            "<limits xmlns='urn:xmpp:stream-limits:0'><max-bytes>%d</max-bytes></limits>"
            % self.max_bytes)


class CutBeforeLastAck(Session):
    """Stream management with resumption. The first connection handles HANDLED messages,
    then takes no more (as if the rest were lost on the way; they are recorded as
    "dropped") and answers no more <r/>; once the client has gone quiet, waiting for an
    ack that does not come, it cuts the TCP connection. The second connection resumes the
    session with h = HANDLED if the client names the first one's id, and handles
    everything after.

    Events: "enabled" {id}, "handled" {id, body, h}, "dropped" {id, body}, "acked" {h},
    "cut" {h}, "resumed" {h, client_h}, "resume-refused" {previd}."""
    connections = 2
    handled_before_cut = 40
    # Silence that means the client has sent all it will send before an ack.
    quiet_seconds = 0.5

    @property
    def cutting(self):
        return self.state.connection == 1 and self.handled >= self.handled_before_cut

    def dispatch(self, element):
        if self.cutting and element.tag == CLIENT + "message":
            self.state.record("dropped", id=element.get("id"), body=body_of(element))
        else:
            super().dispatch(element)
        if self.cutting:
            # Wait for the client to go quiet: everything it sends resets the clock.
            self.stream.deadline = time.monotonic() + self.quiet_seconds

    def on_message(self, message):
        self.state.record("handled", id=message.get("id"), body=body_of(message),
                          h=self.handled + 1)

    def on_sm_enable(self, element):
        super().on_sm_enable(element)
        self.state.values["previd"] = self.sm_id
        self.state.values["jid"] = self.jid
        self.state.record("enabled", id=self.sm_id)

    def on_sm_request(self, element):
        if not self.cutting:
            self.state.record("acked", h=self.handled)
            super().on_sm_request(element)

    def on_connection_end(self, kind):
        if kind != "timeout" or not self.cutting:
            return super().on_connection_end(kind)
        self.state.record("cut", h=self.handled)
        self.state.values["h"] = self.handled
        self.stream.abort()

    def on_sm_resume(self, element):
        previd = element.get("previd")
        if self.state.connection != 2 or previd != self.state.values.get("previd"):
            self.state.record("resume-refused", previd=previd)
            return super().on_sm_resume(element)
        self.jid = self.state.values["jid"]
        self.sm_enabled = True
        self.handled = self.state.values["h"]
        self.state.record("resumed", h=self.handled, client_h=element.get("h"))
        self.send("<resumed xmlns='%s' h='%d' previd=%s/>"
                  % (NS_SM, self.handled, quoteattr(previd)))


class CutNoResume(CutBeforeLastAck):
    """The first connection of cut-before-last-ack, with stream management that does not
    grant resumption: the client cannot resume and must say how much was confirmed."""
    connections = 1
    grant_resumption = False


class CutAfterOneResumed(CutBeforeLastAck):
    """cut-before-last-ack for a one-shot send: the first connection handles one message,
    drops the rest and cuts; the second resumes at h = 1."""
    handled_before_cut = 1


class CutAfterFirstAck(CutBeforeLastAck):
    """Stream management without resumption. The first connection handles one message,
    acknowledges it unasked (<a h='1'/>, which XEP-0198 lets either side send at any
    time), drops the rest and cuts. The second connection is an ordinary login: a client
    that logs in again must send it only the messages not acknowledged, ids unchanged."""
    connections = 2
    grant_resumption = False
    handled_before_cut = 1

    def dispatch(self, element):
        first_message = (self.state.connection == 1 and element.tag == CLIENT + "message"
                         and self.handled == 0)
        super().dispatch(element)
        if first_message:
            self.state.record("acked", h=self.handled)
            self.send("<a xmlns='%s' h='%d'/>" % (NS_SM, self.handled))


def body_of(message):
    return message.findtext(CLIENT + "body")


class SilentIQ(Session):
    """Binds the client's resource as usual, then never answers another IQ: a client that
    waits for answers must give up on its own, after its own limit."""

    def on_iq(self, iq):
        if not self.authenticated or iq.find("{%s}bind" % NS_BIND) is not None:
            super().on_iq(iq)


SCENARIOS = {
    "cut-after-one-resumed": CutAfterOneResumed,
    "cut-after-first-ack": CutAfterFirstAck,
    "normal": Normal,
    "no-starttls": NoStartTLS,
    "bad-server-signature": BadServerSignature,
    "stream-error": StreamError,
    "cut-before-ack": CutBeforeAck,
    "no-sm": NoStreamManagement,
    "auth-failure": AuthFailure,
    "binds-asynchronously": BindsAsynchronously,
    "sha1-only": Sha1Only,
    "stream-error-on-message": StreamErrorOnMessage,
    "restricted-xml": RestrictedXML,
    "spoofed-roster-push": SpoofedRosterPush,
    "bounce": Bounce,
    "limits": Limits,
    "cut-before-last-ack": CutBeforeLastAck,
    "cut-no-resume": CutNoResume,
    "silent-iq": SilentIQ,
    **LISTEN_SCENARIOS,
    **SECURITY_SCENARIOS,
    **HOSTILE_SCENARIOS,
    **UPLOAD_SCENARIOS,
}
