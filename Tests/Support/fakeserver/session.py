"""A well-behaved XMPP server session for one client: STARTTLS, SASL (SCRAM-SHA-256,
SCRAM-SHA-1, PLAIN), resource binding, XEP-0198 stream management, IQ results.

Scenarios (scenarios.py) subclass Session and override one hook or flag each, so a new
misbehaviour is a few lines: features_*() for what is offered, on_*() for how an element
is answered, the class attributes for the simple switches.

A scenario that spans connections (stream resumption) keeps what must outlive one of them
in `self.state`, shared by every session of the server process, and writes what it did
with `self.state.record(...)` for the tests to read.
"""
import base64
import json
import uuid
from xml.sax.saxutils import escape, quoteattr

from scram import ScramError, ScramServer, server_final
from stream import STREAM_NS, ConnectionGone, MalformedXML

NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session"
NS_SM = "urn:xmpp:sm:3"
NS_STREAMS = "urn:ietf:params:xml:ns:xmpp-streams"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
CLIENT = "{jabber:client}"
STANZAS = {CLIENT + "message", CLIENT + "presence", CLIENT + "iq"}


class EndSession(Exception):
    """The scenario is over: stop reading, the connection is already dealt with."""


class ServerState:
    """What one server process remembers across connections: which connection this is
    (1, 2, ...), values a scenario keeps for the next connection, and an events file of
    JSON lines, {"connection": N, "event": KIND, ...}, that tests read."""

    def __init__(self, events_path=None):
        self.connection = 0
        self.values = {}
        self.events_path = events_path

    def record(self, event, **fields):
        if not self.events_path:
            return
        entry = {"connection": self.connection, "event": event}
        entry.update(fields)
        with open(self.events_path, "a", encoding="utf-8") as events:
            events.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Session:
    offer_starttls = True
    offer_sm = True
    # Whether <enable resume='true'/> is granted (XEP-0198 section 5).
    grant_resumption = True
    mechanisms = ("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN")
    # How many client connections the server serves with --once.
    connections = 1

    def __init__(self, stream, tls_context, password, state=None):
        self.stream = stream
        self.tls_context = tls_context
        self.password = password
        self.state = state or ServerState()
        self.domain = "localhost"
        self.username = None
        self.authenticated = False
        self.jid = None
        self.scram = None
        self.sm_enabled = False
        self.sm_id = None  # the id of <enabled/>, which a resumption names as previd
        self.handled = 0  # XEP-0198: stanzas received since <enable/>
        self.handlers = {
            "{%s}starttls" % NS_TLS: self.on_starttls,
            "{%s}auth" % NS_SASL: self.on_auth,
            "{%s}response" % NS_SASL: self.on_sasl_response,
            "{%s}abort" % NS_SASL: lambda _: self.sasl_failure("aborted"),
            "{%s}enable" % NS_SM: self.on_sm_enable,
            "{%s}r" % NS_SM: self.on_sm_request,
            "{%s}a" % NS_SM: lambda _: None,
            "{%s}resume" % NS_SM: self.on_sm_resume,
            CLIENT + "iq": self.on_iq,
            CLIENT + "message": self.on_message,
            CLIENT + "presence": self.on_presence,
        }

    # The loop ------------------------------------------------------------------------

    def run(self):
        try:
            try:
                self.serve()
            except MalformedXML:
                self.stream_error("not-well-formed")
        except (EndSession, ConnectionGone):
            pass

    def serve(self):
        while True:
            event = self.stream.next_event()
            if event.kind == "header":
                self.on_stream_header(event.attrs)
            elif event.kind == "element":
                self.dispatch(event.element)
            elif event.kind == "end":
                self.on_stream_end()
                return
            else:  # eof or timeout
                self.on_connection_end(event.kind)
                return

    def on_stream_end(self):
        """Hook: the client closed its stream; the server closes its own and the connection."""
        self.send("</stream:stream>")
        self.stream.close()

    def on_connection_end(self, kind):
        """Hook: the client went away ("eof") or the deadline passed ("timeout")."""
        self.stream.note("session ends: %s" % kind)
        self.stream.close()

    def dispatch(self, element):
        handler = self.handlers.get(element.tag)
        if handler is None:
            self.stream_error("unsupported-stanza-type")
        handler(element)
        if self.sm_enabled and element.tag in STANZAS:
            self.handled += 1

    def send(self, text):
        self.stream.send(text)

    def stream_error(self, condition):
        self.send("<stream:error><%s xmlns='%s'/></stream:error></stream:stream>"
                  % (condition, NS_STREAMS))
        self.stream.close()
        raise EndSession()

    # Stream header and features -------------------------------------------------------------

    def on_stream_header(self, attrs):
        self.domain = attrs.get("to") or self.domain
        self.send_header()
        self.send("<stream:features>%s</stream:features>" % self.features())

    def send_header(self):
        self.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='%s' id='%s' from=%s version='1.0' xml:lang='en'>"
                  % (STREAM_NS, uuid.uuid4().hex, quoteattr(self.domain)))

    def features(self):
        if self.authenticated:
            return self.features_after_auth()
        if self.stream.encrypted:
            return self.features_after_tls()
        return self.features_before_tls()

    def features_before_tls(self):
        if self.offer_starttls:
            return "<starttls xmlns='%s'><required/></starttls>" % NS_TLS
        return ""

    def features_after_tls(self):
        return "<mechanisms xmlns='%s'>%s</mechanisms>" % (NS_SASL, "".join(
            "<mechanism>%s</mechanism>" % name for name in self.mechanisms))

    def features_after_auth(self):
        features = ("<bind xmlns='%s'/><session xmlns='%s'><optional/></session>"
                    % (NS_BIND, NS_SESSION))
        if self.offer_sm:
            features += "<sm xmlns='%s'/>" % NS_SM
        return features

    # STARTTLS and SASL ------------------------------------------------------------------------

    def on_starttls(self, _):
        if self.stream.encrypted or not self.offer_starttls:
            self.stream_error("policy-violation")
        self.send("<proceed xmlns='%s'/>" % NS_TLS)
        self.stream.start_tls(self.tls_context)

    def on_auth(self, element):
        if self.offer_starttls and not self.stream.encrypted:
            return self.sasl_failure("encryption-required")
        mechanism = element.get("mechanism")
        if mechanism not in self.mechanisms:
            return self.sasl_failure("invalid-mechanism")
        payload = decode_sasl(element.text)
        if payload is None:
            return self.sasl_failure("incorrect-encoding")
        if mechanism == "PLAIN":
            parts = payload.split(b"\0")
            if len(parts) != 3:
                return self.sasl_failure("malformed-request")
            self.username = parts[1].decode("utf-8", "replace")
            return self.finish_auth(parts[2] == self.password.encode("utf-8"), None)
        self.scram = ScramServer(mechanism, self.password)
        try:
            challenge = self.scram.first(payload)
        except (ScramError, UnicodeDecodeError):
            return self.sasl_failure("malformed-request")
        self.username = self.scram.username
        self.send("<challenge xmlns='%s'>%s</challenge>"
                  % (NS_SASL, base64.b64encode(self.server_first(challenge)).decode()))

    def server_first(self, message):
        """Hook: the SCRAM server-first-message as sent (r=...,s=...,i=...)."""
        return message

    def on_sasl_response(self, element):
        payload = decode_sasl(element.text)
        if self.scram is None or payload is None:
            return self.sasl_failure("malformed-request")
        try:
            proof_ok, signature = self.scram.final(payload)
        except (ScramError, UnicodeDecodeError, ValueError):
            return self.sasl_failure("malformed-request")
        self.finish_auth(proof_ok, server_final(self.server_signature(signature)))

    def server_signature(self, signature):
        """Hook: the signature that goes into v=."""
        return signature

    def accept_credentials(self, proof_ok):
        """Hook: whether a login whose password check gave proof_ok succeeds."""
        return proof_ok

    def finish_auth(self, proof_ok, success_data):
        self.scram = None
        if not self.accept_credentials(proof_ok):
            return self.sasl_failure("not-authorized")
        data = base64.b64encode(success_data).decode() if success_data else ""
        self.send("<success xmlns='%s'>%s</success>" % (NS_SASL, data))
        self.authenticated = True
        self.stream.reset_parser()

    def sasl_failure(self, condition):
        self.scram = None
        self.send("<failure xmlns='%s'><%s/></failure>" % (NS_SASL, condition))

    # Stanzas and stream management ------------------------------------------------------------

    def on_iq(self, iq):
        kind, stanza_id = iq.get("type"), iq.get("id") or ""
        if kind not in ("get", "set"):
            return
        if not self.authenticated:
            self.stream_error("not-authorized")
        bind = iq.find("{%s}bind" % NS_BIND)
        if kind == "set" and bind is not None:
            return self.on_bind(stanza_id, bind)
        payload = ""
        if iq.find("{jabber:iq:roster}query") is not None and kind == "get":
            payload = "<query xmlns='jabber:iq:roster'/>"
        self.send("<iq type='result' id=%s%s>%s</iq>" % (quoteattr(stanza_id), self.to_attr(), payload))

    def on_bind(self, stanza_id, bind):
        resource = bind.findtext("{%s}resource" % NS_BIND) or "fake-" + uuid.uuid4().hex[:8]
        self.jid = "%s@%s/%s" % (self.username, self.domain, resource)
        self.send("<iq type='result' id=%s><bind xmlns='%s'><jid>%s</jid></bind></iq>"
                  % (quoteattr(stanza_id), NS_BIND, escape(self.jid)))

    def to_attr(self):
        return " to=%s" % quoteattr(self.jid) if self.jid else ""

    def on_message(self, message):
        """Hook: messages are accepted silently."""

    def on_presence(self, presence):
        """Hook: presence is ignored."""

    def on_sm_enable(self, element):
        if self.jid is None or not self.offer_sm:
            self.send("<failed xmlns='%s'><unexpected-request xmlns='%s'/></failed>"
                      % (NS_SM, NS_STANZAS))
            return
        resume = element.get("resume") in ("true", "1") and self.grant_resumption
        self.sm_id = uuid.uuid4().hex
        self.send("<enabled xmlns='%s' id='%s'%s/>"
                  % (NS_SM, self.sm_id, " resume='true'" if resume else ""))
        self.sm_enabled = True
        self.handled = 0

    def on_sm_request(self, _):
        self.send("<a xmlns='%s' h='%d'/>" % (NS_SM, self.handled))

    def on_sm_resume(self, _):
        self.send("<failed xmlns='%s'><item-not-found xmlns='%s'/></failed>" % (NS_SM, NS_STANZAS))


def decode_sasl(text):
    text = (text or "").strip()
    if text == "=":
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return None
