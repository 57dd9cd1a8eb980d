"""Scenarios for `xmpp-cli upload` and `send --attach` (XEP-0363 HTTP File Upload): an
upload service whose slots point wherever a test wants, such as the port of
Tests/Support/http/fake-upload-server.

They are merged into SCENARIOS (scenarios.py) as listen_scenarios.py's are. The port of the
slot URLs is fakeserver.py's --upload-port, kept in state.values["upload_port"].
"""
import urllib.parse
from xml.sax.saxutils import escape, quoteattr

from session import CLIENT, NS_BIND, NS_STANZAS, Session

NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_UPLOAD = "urn:xmpp:http:upload:0"
NS_DATA = "jabber:x:data"
NS_OOB = "jabber:x:oob"
UPLOAD_SERVICE = "upload.localhost"
MAX_FILE_SIZE = 1 << 30  # room for the 200 MB streaming test
# What each slot asks the PUT to carry: one header XEP-0363 section 5 allows, and one it
# does not, which a client must drop.
SLOT_HEADERS = (("Authorization", "Bearer test-token"), ("X-Evil", "1"))


class UploadSlot(Session):
    """Logs the client in as `normal` does, with an upload service found by disco: the
    domain's disco#info has no upload feature, its disco#items lists upload.localhost, and
    upload.localhost's disco#info has urn:xmpp:http:upload:0 with a XEP-0128 form
    (max-file-size 1 GiB). Every slot request gets a slot whatever its size, put and get
    URL both https://upload.localhost:PORT/slot/FILENAME (FILENAME percent-encoded; PORT from
    --upload-port, none given: no port in the URL), the put with the headers
    "Authorization: Bearer test-token" and "X-Evil: 1". Other IQs get empty results and
    messages are accepted, as `normal` does.

    Events: "slot-request" {to, filename, size, content_type} for each slot request (size a
    number when it is one), "message" {id, to, type, body, oob_url} for each message."""

    def on_iq(self, iq):
        to, kind = iq.get("to"), iq.get("type")
        if (not self.authenticated or kind not in ("get", "set") or to in (None, self.bare_jid())
                or iq.find("{%s}bind" % NS_BIND) is not None):
            return super().on_iq(iq)  # binding, and what goes to the account: as `normal`
        request = iq.find("{%s}request" % NS_UPLOAD)
        if kind == "get" and iq.find("{%s}query" % NS_DISCO_INFO) is not None:
            self.result(iq, self.disco_info(to))
        elif kind == "get" and iq.find("{%s}query" % NS_DISCO_ITEMS) is not None:
            items = ("<item jid=%s name='HTTP File Upload'/>" % quoteattr(UPLOAD_SERVICE)
                     if to == self.domain else "")
            self.result(iq, "<query xmlns='%s'>%s</query>" % (NS_DISCO_ITEMS, items))
        elif kind == "get" and to == UPLOAD_SERVICE and request is not None:
            self.on_slot_request(iq, request)
        else:
            self.result(iq, "")

    def disco_info(self, jid):
        if jid == UPLOAD_SERVICE:
            return ("<query xmlns='%s'><identity category='store' type='file' name='HTTP File "
                    "Upload'/><feature var='%s'/><feature var='%s'/>"
                    "<x xmlns='%s' type='result'>"
                    "<field var='FORM_TYPE' type='hidden'><value>%s</value></field>"
                    "<field var='max-file-size'><value>%d</value></field></x></query>"
                    % (NS_DISCO_INFO, NS_DISCO_INFO, NS_UPLOAD, NS_DATA, NS_UPLOAD, MAX_FILE_SIZE))
        if jid == self.domain:
            return ("<query xmlns='%s'><identity category='server' type='im'/>"
                    "<feature var='%s'/><feature var='%s'/><feature var='urn:xmpp:ping'/></query>"
                    % (NS_DISCO_INFO, NS_DISCO_INFO, NS_DISCO_ITEMS))
        return "<query xmlns='%s'/>" % NS_DISCO_INFO

    def on_slot_request(self, iq, request):
        filename, size = request.get("filename"), request.get("size")
        self.state.record("slot-request", to=iq.get("to"), filename=filename,
                          size=int(size) if size and size.isdigit() else size,
                          content_type=request.get("content-type"))
        if not filename:
            return self.send("<iq type='error' id=%s from=%s%s><error type='modify'>"
                             "<bad-request xmlns='%s'/></error></iq>"
                             % (quoteattr(iq.get("id") or ""), quoteattr(UPLOAD_SERVICE),
                                self.to_attr(), NS_STANZAS))
        url = quoteattr(self.slot_url(filename))
        headers = "".join("<header name=%s>%s</header>" % (quoteattr(name), escape(value))
                          for name, value in SLOT_HEADERS)
        self.result(iq, "<slot xmlns='%s'><put url=%s>%s</put><get url=%s/></slot>"
                    % (NS_UPLOAD, url, headers, url))

    def slot_url(self, filename):
        port = self.state.values.get("upload_port")
        authority = UPLOAD_SERVICE if port is None else "%s:%d" % (UPLOAD_SERVICE, port)
        return "https://%s/slot/%s" % (authority, urllib.parse.quote(filename, safe=""))

    def result(self, iq, payload):
        """An IQ result from the entity the request was addressed to."""
        self.send("<iq type='result' id=%s from=%s%s>%s</iq>"
                  % (quoteattr(iq.get("id") or ""), quoteattr(iq.get("to")), self.to_attr(),
                     payload))

    def bare_jid(self):
        return self.jid.split("/")[0] if self.jid else None

    def on_message(self, message):
        self.state.record("message", id=message.get("id"), to=message.get("to"),
                          type=message.get("type"), body=message.findtext(CLIENT + "body"),
                          oob_url=message.findtext("{%s}x/{%s}url" % (NS_OOB, NS_OOB)))


UPLOAD_SCENARIOS = {
    "upload-slot": UploadSlot,
}
