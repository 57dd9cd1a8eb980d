"""Scenarios for `xmpp-cli listen`: messages delivered after login, connections cut
mid-stream and resumed (XEP-0198), forged carbons (XEP-0280), and a flood for benchmarks.

These serve several connections of one client in turn (run fakeserver.py without --once
for the resuming ones): what the first connection did is kept at class level, so the
second can resume it.
"""
import os
import socket
import time
import uuid
from xml.sax.saxutils import escape, quoteattr

from session import NS_SM, NS_STANZAS, EndSession, Session

NS_CARBONS = "urn:xmpp:carbons:2"
NS_FORWARD = "urn:xmpp:forward:0"
NS_DELAY = "urn:xmpp:delay"
SENDER = "bob@localhost/desk"


def chat(to, stanza_id, body, sender=SENDER, extra=""):
    return ("<message from=%s to=%s type='chat' id=%s><body>%s</body>%s</message>"
            % (quoteattr(sender), quoteattr(to), quoteattr(stanza_id), escape(body), extra))


class ListenerSession(Session):
    """Counts every stanza it sends once stream management is on, as a real server must
    to resend what the client did not acknowledge, and starts the scenario's script when
    the client's initial presence arrives."""

    def __init__(self, stream, tls_context, password, state=None):
        super().__init__(stream, tls_context, password, state)
        self.outbound = []  # stanzas sent since <enabled/>, in order (XEP-0198 h counts these)
        self.started = False
        self.handlers["{%s}a" % NS_SM] = self.on_ack

    def send(self, text):
        if self.sm_enabled and text.startswith(("<message", "<iq", "<presence")):
            self.outbound.append(text)
        super().send(text)

    def on_presence(self, presence):
        if presence.get("to") is None and presence.get("type") is None and not self.started:
            self.started = True
            self.after_initial_presence()

    def after_initial_presence(self):
        """Hook: the client is online; deliver what the scenario delivers."""

    def on_ack(self, element):
        """Hook: the client's <a h='…'/>."""

    def request_ack(self):
        self.send("<r xmlns='%s'/>" % NS_SM)

    def account(self):
        return "%s@%s" % (self.username, self.domain)


class ListenDropResume(ListenerSession):
    """First connection: messages m1 and m2, <r/>; once the client acknowledges them, m3
    and <r/> again; once the client acknowledges m3 too (so it has read it: nothing is left
    in flight to be lost with the connection), the TCP connection is cut. A later connection
    that resumes the session gets <resumed/>, the stanzas its <resume h='…'/> says it has not
    handled, and a new m4.

    Switches for the variants: `lose_third` counts m3 as sent but never writes it (lost in
    transit, so the client must get it on resumption), and cuts at once; `resend_from_first_ack`
    resends from the <a/> that came before m3 instead of the client's h (m3 comes twice, as
    from a server that lost the client's later <a/>); `cut_with_eof` ends the TCP connection
    with a FIN but no TLS close_notify, instead of a reset; `refuse_resume` answers <resume/>
    with <failed/>, so the client logs in again and gets m3 once more, as offline storage
    would deliver it (delayed), then m4."""
    lose_third = False
    cut_with_eof = False
    resend_from_first_ack = False
    refuse_resume = False
    previous = None  # (resumption id, full JID, outbound stanzas, handled count, h before m3)

    def on_sm_enable(self, element):
        # Resumable, with an id of our own for the client to quote in <resume previd='…'/>.
        self.resumption_id = uuid.uuid4().hex
        self.send("<enabled xmlns='%s' id='%s' resume='true'/>" % (NS_SM, self.resumption_id))
        self.sm_enabled = True
        self.handled = 0
        self.outbound = []
        self.acked_before_third = None  # the client's h once it has m1 and m2

    def after_initial_presence(self):
        cls = type(self)
        if cls.previous is not None:
            # A fresh login after a refused resumption: what the server kept for the
            # offline client comes now, with its original time.
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))
            delay = "<delay xmlns='%s' stamp='%s' from='localhost'/>" % (NS_DELAY, stamp)
            self.send(chat(self.jid, "m3", "three", extra=delay))
            self.send(chat(self.jid, "m4", "four"))
            return
        self.send(chat(self.jid, "m1", "one"))
        self.send(chat(self.jid, "m2", "two"))
        self.request_ack()

    def on_ack(self, element):
        acked = int(element.get("h") or 0)
        if type(self).previous is not None:
            return
        if self.acked_before_third is None and acked >= 2:
            self.acked_before_third = acked
            if self.lose_third:
                self.outbound.append(chat(self.jid, "m3", "three"))  # counted, never written
                self.cut()
            self.send(chat(self.jid, "m3", "three"))
            self.request_ack()
        elif self.acked_before_third is not None and acked >= 3:
            self.cut()

    def cut(self):
        """Ends the first connection without closing the stream, as a crash or a lost route
        would, keeping what a resumption needs."""
        type(self).previous = (
            self.resumption_id, self.jid, list(self.outbound), self.handled, self.acked_before_third)
        if self.cut_with_eof:
            self.stream.sock.shutdown(socket.SHUT_RDWR)  # a FIN, without TLS close_notify
            self.stream.sock.close()
        else:
            self.stream.abort()
        raise EndSession()

    def on_sm_resume(self, element):
        cls = type(self)
        if cls.previous is None or self.refuse_resume or element.get("previd") != cls.previous[0]:
            self.send("<failed xmlns='%s'><item-not-found xmlns='%s'/></failed>" % (NS_SM, NS_STANZAS))
            return
        resumption_id, jid, outbound, handled, acked_before_third = cls.previous
        client_h = int(element.get("h") or 0)
        self.sm_enabled = True
        self.handled = handled
        self.send("<resumed xmlns='%s' h='%d' previd='%s'/>" % (NS_SM, handled, resumption_id))
        self.outbound = list(outbound)
        start = acked_before_third if self.resend_from_first_ack else client_h
        for stanza in outbound[start:]:
            super(ListenerSession, self).send(stanza)
        self.jid = jid  # the resumed session keeps its full JID
        self.send(chat(self.jid, "m4", "four"))


class ListenDropUnread(ListenDropResume):
    """As listen-drop-resume, but m3 is lost in transit: the client's <resume h='2'/> makes
    the server send it again."""
    lose_third = True


class ListenDropEOF(ListenDropResume):
    """As listen-drop-resume, but the connection ends with a TCP FIN and no TLS close_notify
    (a crashed server, a NAT that gave up), which TLS reports as an unexpected end of file."""
    cut_with_eof = True


class ListenDropResendTwice(ListenDropResume):
    """As listen-drop-resume, but on resumption the server sends again everything after the
    <a/> it got before m3, m3 included though the client had it: a duplicate the client must
    drop."""
    resend_from_first_ack = True


class ListenDropRelogin(ListenDropResume):
    """As listen-drop-resume, but resumption is refused: the client logs in again, and gets
    m3 again (delayed, as from offline storage) and then m4."""
    refuse_resume = True


class SpoofedCarbon(ListenerSession):
    """After login: a carbon from a stranger (forged, XEP-0280 §11), a genuine carbon from
    the account's bare JID, then a plain message."""

    def after_initial_presence(self):
        def carbon(sender, body):
            inner = ("<message xmlns='jabber:client' from='x@y' to=%s type='chat' id=%s><body>%s</body></message>"
                     % (quoteattr(self.account()), quoteattr("carbon-" + body), body))
            return ("<message from=%s to=%s><received xmlns='%s'><forwarded xmlns='%s'>%s</forwarded>"
                    "</received></message>" % (quoteattr(sender), quoteattr(self.jid), NS_CARBONS, NS_FORWARD, inner))
        self.send(carbon("mallory@evil.example", "forged"))
        self.send(carbon(self.account(), "genuine"))
        self.send(chat(self.jid, "plain-1", "plain"))


class RepeatedIDs(ListenerSession):
    """After login, three messages from one sender and resource that all have id '1', as
    from a client whose id counter restarts with each run (a cron job's): two bodies, the
    first one twice. They are three messages, not one sent again."""

    def after_initial_presence(self):
        for body in ("backup done (monday)", "backup done (tuesday)", "backup done (monday)"):
            self.send(chat(self.jid, "1", body, sender="bob@localhost/cron"))


class ListenSlowLogin(ListenerSession):
    """Takes 2 s to answer the bind request, then, once the client is online, delivers one
    message: a listener whose --idle-timeout or --duration counted the login would have
    stopped before it."""

    def on_bind(self, stanza_id, bind):
        time.sleep(2)  # the slowness is the scenario
        super().on_bind(stanza_id, bind)

    def after_initial_presence(self):
        self.send(chat(self.jid, "after-login", "after a slow login"))


class ListenFlood(ListenerSession):
    """After login, a stream of messages as fast as TLS carries them, then waits for the
    client to leave: a benchmark of the client's parser and output. The stanzas come from
    the file FAKESERVER_FLOOD_FILE (a recorded stream, played as it is), or else
    FAKESERVER_FLOOD_COUNT (default 100000) generated chat messages. Stream management
    stays off, so nothing but the messages is counted."""
    offer_sm = False

    def after_initial_presence(self):
        recording = os.environ.get("FAKESERVER_FLOOD_FILE")
        if recording:
            with open(recording, encoding="utf-8") as stream:
                while True:
                    chunk = stream.read(1 << 20)
                    if not chunk:
                        return
                    self.send(chunk)
        total = int(os.environ.get("FAKESERVER_FLOOD_COUNT", "100000"))
        template = ("<message from='bob@localhost/desk' to=%s type='chat' id='f%%d'>"
                    "<body>message %%d: the quick brown fox jumps over the lazy dog</body></message>"
                    % quoteattr(self.jid))
        batch = []
        for number in range(1, total + 1):
            batch.append(template % (number, number))
            if len(batch) == 1000:
                self.send("".join(batch))
                batch = []
        if batch:
            self.send("".join(batch))


class ArchiveLateLiveCopy(ListenerSession):
    """An account archive (XEP-0313) that gives a message in a page before its live copy
    arrives, which a server whose archive and delivery run apart may do: the archive holds
    A1 and A2; once both queries are answered, A2 comes live (with its stanza-id), then A3,
    which only comes live. The listener prints each once."""

    NS_MAM = "urn:xmpp:mam:2"
    NS_SID = "urn:xmpp:sid:0"
    ITEMS = (("A1", "archived one"), ("A2", "archived, then live"))

    def on_iq(self, iq):
        query = iq.find("{%s}query" % self.NS_MAM)
        stanza_id = iq.get("id") or ""
        if iq.find("{http://jabber.org/protocol/disco#info}query") is not None and iq.get("to") in (None, self.account()):
            features = "".join("<feature var='%s'/>" % var for var in (self.NS_MAM, self.NS_SID))
            return self.send("<iq type='result' id=%s%s><query xmlns='http://jabber.org/protocol/disco#info'>%s</query></iq>"
                             % (quoteattr(stanza_id), self.to_attr(), features))
        if query is None or iq.get("type") != "set":
            return super().on_iq(iq)
        last_only = query.find("{http://jabber.org/protocol/rsm}set/{http://jabber.org/protocol/rsm}before") is not None
        items = self.ITEMS[-1:] if last_only else self.ITEMS
        for archive_id, body in items:
            self.send("<message%s><result xmlns='%s' queryid=%s id='%s'><forwarded xmlns='%s'>"
                      "<delay xmlns='%s' stamp='2026-12-01T10:00:00Z'/>%s</forwarded></result></message>"
                      % (self.to_attr(), self.NS_MAM, quoteattr(query.get("queryid") or ""), archive_id, NS_FORWARD,
                         NS_DELAY, chat(self.account(), "m-" + archive_id, body).replace("<message ", "<message xmlns='jabber:client' ", 1)))
        self.send("<iq type='result' id=%s%s><fin xmlns='%s' complete='true'><set xmlns='http://jabber.org/protocol/rsm'>"
                  "<last>%s</last></set></fin></iq>" % (quoteattr(stanza_id), self.to_attr(), self.NS_MAM, items[-1][0]))
        if last_only:
            for archive_id, body in (("A2", "archived, then live"), ("A3", "only live")):
                self.send(chat(self.jid, "m-" + archive_id, body,
                               extra="<stanza-id xmlns='%s' by='%s' id='%s'/>" % (self.NS_SID, self.account(), archive_id)))


LISTEN_SCENARIOS = {
    "listen-archive-late-live": ArchiveLateLiveCopy,
    "listen-slow-login": ListenSlowLogin,
    "listen-drop-resume": ListenDropResume,
    "listen-drop-unread": ListenDropUnread,
    "listen-drop-eof": ListenDropEOF,
    "listen-drop-resend-twice": ListenDropResendTwice,
    "listen-drop-relogin": ListenDropRelogin,
    "spoofed-carbon": SpoofedCarbon,
    "listen-repeated-ids": RepeatedIDs,
    "listen-flood": ListenFlood,
}
