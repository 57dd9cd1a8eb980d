"""Hostile servers after the stream is open: stream errors of every RFC 6120 §4.9.3
condition and a see-other-host redirect, refused or forged resource binding and session
establishment, stream-management counts that cannot be true (XEP-0198), and IQs left
unanswered, answered by impostors, or sent by the thousand.
"""
from xml.sax.saxutils import escape, quoteattr

from listen_scenarios import ListenerSession, chat
from session import (NS_BIND, NS_SESSION, NS_SM, NS_STANZAS, NS_STREAMS, EndSession,
                     Session)

# RFC 6120 §4.9.3, in the RFC's order.
STREAM_ERROR_CONDITIONS = (
    "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout", "host-gone",
    "host-unknown", "improper-addressing", "internal-server-error", "invalid-from",
    "invalid-namespace", "invalid-xml", "not-authorized", "not-well-formed",
    "policy-violation", "remote-connection-failed", "reset", "resource-constraint",
    "restricted-xml", "see-other-host", "system-shutdown", "undefined-condition",
    "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type",
    "unsupported-version",
)


# Stream errors -------------------------------------------------------------------------

class StreamErrorAtHeader(Session):
    """Answers the client's stream header with a header and the stream error `condition`."""
    condition = "undefined-condition"
    content = ""

    def on_stream_header(self, attrs):
        self.send_header()
        self.send("<stream:error><%s xmlns='%s'>%s</%s>%s</stream:error></stream:stream>"
                  % (self.condition, NS_STREAMS, self.content, self.condition, self.text()))
        self.stream.close()
        raise EndSession()

    def text(self):
        return ""


def stream_error(condition):
    return type("StreamError_" + condition.replace("-", "_"), (StreamErrorAtHeader,), {
        "condition": condition,
        "__doc__": "Answers the client's stream header with the stream error <%s/>." % condition})


class StreamErrorHostileText(StreamErrorAtHeader):
    """A stream error whose <text/> holds what XML allows and a terminal acts on: a C1
    control sequence (CSI, U+009B), a right-to-left override, a line separator, a newline
    and a carriage return. The client's one line on stderr must stay one harmless line."""
    condition = "policy-violation"

    def text(self):
        return ("<text xmlns='%s'>go away\u009b2J\u202eevil\u2028second\nthird\rfourth</text>"
                % NS_STREAMS)


class StreamErrorBeforeAck(Session):
    """Logs the client in, then answers its first message with <system-shutdown/>."""

    def on_message(self, message):
        self.send("<stream:error><system-shutdown xmlns='%s'/></stream:error></stream:stream>"
                  % NS_STREAMS)
        self.stream.close()
        raise EndSession()


class SeeOtherHost(Session):
    """The first connection is redirected (see-other-host) to this same server's port, where
    a second connection would be served normally: a client that followed the redirect
    would log in there. Serves two connections with --once."""
    connections = 2

    def on_stream_header(self, attrs):
        if self.state.connection != 1:
            return super().on_stream_header(attrs)
        port = self.stream.sock.getsockname()[1]
        self.send_header()
        self.send("<stream:error><see-other-host xmlns='%s'>127.0.0.1:%d</see-other-host>"
                  "</stream:error></stream:stream>" % (NS_STREAMS, port))
        self.stream.close()
        raise EndSession()


# Resource binding and session establishment -----------------------------------------------

class BindError(Session):
    """Answers the bind request with an error (not-allowed)."""

    def on_bind(self, stanza_id, bind):
        self.send("<iq type='error' id=%s><error type='cancel'><not-allowed xmlns='%s'/></error></iq>"
                  % (quoteattr(stanza_id), NS_STANZAS))


class BindWithoutJID(Session):
    """Answers the bind request with a result that has no <jid/>."""

    def on_bind(self, stanza_id, bind):
        self.send("<iq type='result' id=%s><bind xmlns='%s'/></iq>" % (quoteattr(stanza_id), NS_BIND))


class BindOtherAccount(Session):
    """Binds the client to mallory@evil.example/x, an address of another account."""

    def on_bind(self, stanza_id, bind):
        self.jid = "mallory@evil.example/x"
        self.send("<iq type='result' id=%s><bind xmlns='%s'><jid>%s</jid></bind></iq>"
                  % (quoteattr(stanza_id), NS_BIND, escape(self.jid)))


class BindUnanswered(Session):
    """Never answers the bind request."""

    def on_bind(self, stanza_id, bind):
        pass


class SessionError(Session):
    """Requires the RFC 3921 session (no <optional/>) and answers the session request with
    an error (internal-server-error)."""

    def features_after_auth(self):
        return super().features_after_auth().replace("<optional/>", "")

    def on_iq(self, iq):
        if iq.find("{%s}session" % NS_SESSION) is None:
            return super().on_iq(iq)
        self.send("<iq type='error' id=%s><error type='wait'><internal-server-error xmlns='%s'/>"
                  "</error></iq>" % (quoteattr(iq.get("id") or ""), NS_STANZAS))


# Stream management ----------------------------------------------------------------------

class StreamManagementFailed(Session):
    """Offers stream management, then answers <enable/> with <failed/>."""

    def on_sm_enable(self, element):
        self.send("<failed xmlns='%s'><unexpected-request xmlns='%s'/></failed>" % (NS_SM, NS_STANZAS))


class AckWith(Session):
    """Answers <r/> with <a h='...'/> where h is `h(handled)` (see the subclasses)."""

    def on_sm_request(self, _):
        self.send("<a xmlns='%s' h=%s/>" % (NS_SM, quoteattr(self.h(self.handled))))

    def h(self, handled):
        return str(handled)


def ack_with(name, h, description):
    return type(name, (AckWith,), {"h": lambda self, handled: h(handled), "__doc__": description})


class AckBackwards(Session):
    """Acknowledges the first message at once (h=1), then answers <r/> with h=0: a count
    that goes backwards. Needs two messages to be sent."""

    def on_message(self, message):
        if self.handled == 0:
            self.send("<a xmlns='%s' h='1'/>" % NS_SM)

    def on_sm_request(self, _):
        self.send("<a xmlns='%s' h='0'/>" % NS_SM)


class AckNever(Session):
    """Never answers <r/>."""

    def on_sm_request(self, _):
        pass


# IQs ------------------------------------------------------------------------------------

class PingUnanswered(Session):
    """No stream management, and no answer to any IQ but the bind request: a ping that
    would confirm delivery never comes back."""
    offer_sm = False

    def on_iq(self, iq):
        if iq.find("{%s}bind" % NS_BIND) is not None:
            super().on_iq(iq)


class SpoofedPingAnswers(Session):
    """No stream management; the client's ping is answered only by impostors: a result
    from mallory@evil.example with the ping's id, and one from the server with another id."""
    offer_sm = False

    def on_iq(self, iq):
        if iq.find("{urn:xmpp:ping}ping") is None:
            return super().on_iq(iq)
        stanza_id = quoteattr(iq.get("id") or "")
        self.send("<iq type='result' id=%s from='mallory@evil.example'%s/>" % (stanza_id, self.to_attr()))
        self.send("<iq type='result' id='not-your-ping' from='localhost'%s/>" % self.to_attr())


class SpoofedRosterAnswers(Session):
    """Answers the roster request first with two impostors' results carrying the request's
    id (from mallory@evil.example, and from another resource of the account) and one from
    the server with another id, each listing evil@evil.example; then the genuine roster
    (friend@localhost)."""

    def on_iq(self, iq):
        if iq.get("type") != "get" or iq.find("{jabber:iq:roster}query") is None:
            return super().on_iq(iq)
        stanza_id = quoteattr(iq.get("id") or "")
        evil = ("<query xmlns='jabber:iq:roster'><item jid='evil@evil.example' name='evil'"
                " subscription='both'/></query>")
        for sender, answer_id in (("mallory@evil.example", stanza_id),
                                  ("%s@localhost/other" % self.username, stanza_id),
                                  ("localhost", "'not-your-roster'")):
            self.send("<iq type='result' id=%s from=%s%s>%s</iq>"
                      % (answer_id, quoteattr(sender), self.to_attr(), evil))
        self.send("<iq type='result' id=%s%s><query xmlns='jabber:iq:roster'>"
                  "<item jid='friend@localhost' name='Friend' subscription='both'/></query></iq>"
                  % (stanza_id, self.to_attr()))


FLOOD_SIZE = 5000


def flood(to):
    """FLOOD_SIZE get requests to `to`: pings from the server and unknown queries from a
    contact, in turn."""
    requests = []
    for number in range(FLOOD_SIZE):
        if number % 2:
            requests.append("<iq type='get' id='flood-%d' from='bob@localhost/desk' to=%s>"
                            "<query xmlns='urn:example:flood'/></iq>" % (number, quoteattr(to)))
        else:
            requests.append("<iq type='get' id='flood-%d' from='localhost' to=%s>"
                            "<ping xmlns='urn:xmpp:ping'/></iq>" % (number, quoteattr(to)))
    return "".join(requests)


class IQFlood(Session):
    """Answers the client's first message with FLOOD_SIZE get requests, then goes on as
    usual: each must be answered (or refused) and the client must still finish."""
    flooded = False

    def on_message(self, message):
        if not self.flooded:
            self.flooded = True
            self.send(flood(self.jid))


class IQFloodWithoutStreamManagement(IQFlood):
    """The IQ flood without stream management: delivery is confirmed by a ping."""
    offer_sm = False


class IQFloodListen(ListenerSession):
    """After the client's initial presence, FLOOD_SIZE get requests, then the message 'after'."""

    def after_initial_presence(self):
        self.send(flood(self.jid))
        self.send(chat(self.jid, "after", "after"))


SESSION_SCENARIOS = {
    **{"stream-error-" + condition: stream_error(condition)
       for condition in STREAM_ERROR_CONDITIONS},
    "stream-error-hostile-text": StreamErrorHostileText,
    "stream-error-before-ack": StreamErrorBeforeAck,
    "see-other-host": SeeOtherHost,
    "bind-error": BindError,
    "bind-without-jid": BindWithoutJID,
    "bind-other-account": BindOtherAccount,
    "bind-unanswered": BindUnanswered,
    "session-error": SessionError,
    "sm-failed": StreamManagementFailed,
    "sm-h-too-large": ack_with(
        "AckTooLarge", lambda handled: str(handled + 5), "Acknowledges 5 stanzas more than were sent."),
    "sm-h-not-number": ack_with(
        "AckNotNumber", lambda handled: "one", "Acknowledges with h='one'."),
    "sm-h-negative": ack_with(
        "AckNegative", lambda handled: "-1", "Acknowledges with h='-1'."),
    "sm-h-overflow": ack_with(
        "AckOverflow", lambda handled: str(2 ** 32 + handled), "Acknowledges with an h past 2^32."),
    "sm-h-backwards": AckBackwards,
    "sm-ack-never": AckNever,
    "iq-ping-unanswered": PingUnanswered,
    "iq-spoofed-ping": SpoofedPingAnswers,
    "iq-spoofed-roster": SpoofedRosterAnswers,
    "iq-flood": IQFlood,
    "iq-flood-no-sm": IQFloodWithoutStreamManagement,
    "iq-flood-listen": IQFloodListen,
}
