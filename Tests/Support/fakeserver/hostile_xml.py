"""Hostile servers at the XML level: what RFC 6120 §11 forbids (DTDs, entities, comments,
processing instructions), bytes that are not UTF-8, wrong namespaces, and sizes and depths
past the client's limits, in the stream header, in the first features (before TLS, so
nothing of the account can follow) or in a stanza delivered after login (to `listen`).

Stanza scenarios send the broken stanza, then a normal message with id and body 'after':
a client that drops the broken stanza prints it; one that fails the stream never gets it.
"""
from listen_scenarios import ListenerSession, chat
from session import NS_SASL, NS_SM, NS_TLS, STREAM_NS, EndSession, Session

STARTTLS = "<starttls xmlns='%s'><required/></starttls>" % NS_TLS
BILLION_LAUGHS = "".join(
    ["<!ENTITY lol0 'lol'>"]
    + ["<!ENTITY lol%d '%s'>" % (level, ("&lol%d;" % (level - 1)) * 10) for level in range(1, 10)])


def header(default_namespace="jabber:client", stream_namespace=STREAM_NS):
    return ("<stream:stream xmlns='%s' xmlns:stream='%s' id='hostile' from='localhost' "
            "version='1.0' xml:lang='en'>" % (default_namespace, stream_namespace))


class FirstReply(Session):
    """Answers the client's first stream header with `reply` (bytes, class attribute) in
    place of header and features, then reads until the client goes."""
    reply = b""

    def on_stream_header(self, attrs):
        self.stream.send_bytes(self.reply)

    def dispatch(self, element):
        """Nothing more: the <starttls/> that came with the header stays unanswered."""


def first_reply(name, reply, description):
    if isinstance(reply, str):
        reply = reply.encode()
    return type(name, (FirstReply,), {"reply": reply, "__doc__": description})


def features(content):
    """The XML declaration, a correct header and <stream:features> holding `content`."""
    return b"<?xml version='1.0'?>" + header().encode() + b"<stream:features>" + (
        content if isinstance(content, bytes) else content.encode()) + b"</stream:features>"


def prologue(doctype, content=STARTTLS):
    """A DOCTYPE between the XML declaration and the header, then features."""
    return ("<?xml version='1.0'?>%s%s<stream:features>%s</stream:features>"
            % (doctype, header(), content))


class Endless(Session):
    """Answers the client's header with `start`, then `filler` over and over (up to 256 MiB,
    or until the client goes): something that never ends."""
    start = b""
    filler = b""

    def on_stream_header(self, attrs):
        self.stream.send_bytes(self.start)
        sent = 0
        while sent < 256 << 20:
            self.stream.send_bytes(self.filler)
            sent += len(self.filler)
        raise EndSession()


class EndlessHeader(Endless):
    """A stream header whose attributes never end."""
    start = b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='%s'" % (
        STREAM_NS.encode())
    filler = b"".join(b" a%d='x'" % number for number in range(8192))


class EndlessFeatures(Endless):
    """<stream:features> whose content never ends."""
    start = b"<?xml version='1.0'?>" + header().encode() + b"<stream:features>" + STARTTLS.encode()
    filler = b"<x>" + b"y" * 65536 + b"</x>"


class WrongContentNamespace(Session):
    """A server that works, but whose stream headers declare jabber:server (a server-to-server
    stream) as the default namespace instead of jabber:client."""

    def send_header(self):
        self.send("<?xml version='1.0'?>" + header(default_namespace="jabber:server"))


class StalledHeader(Session):
    """Sends half a stream header, then nothing more while the client waits."""

    def on_stream_header(self, attrs):
        self.stream.send_bytes(b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' ")

    def dispatch(self, element):
        """Nothing more: the <starttls/> that came with the header stays unanswered."""


class BrokenStanza(ListenerSession):
    """After the client's initial presence sends `stanza` (bytes, class attribute), then the
    normal message 'after'."""
    stanza = b""

    def after_initial_presence(self):
        self.stream.send_bytes(self.stanza)
        self.send(chat(self.jid, "after", "after"))


def message(inner, stanza_id="broken"):
    """A chat message to the client from bob@localhost/desk with `inner` as its content."""
    if isinstance(inner, str):
        inner = inner.encode()
    return (b"<message from='bob@localhost/desk' type='chat' id='%s'>" % stanza_id.encode()
            + inner + b"</message>")


def nested(depth):
    return "<a>" * depth + "deep" + "</a>" * depth


def broken_stanza(name, stanza, description):
    return type(name, (BrokenStanza,), {"stanza": stanza, "__doc__": description})


class HugeStanza(BrokenStanza):
    """A message with a 32 MiB body, then 'after': memory must not follow the stanza."""

    def after_initial_presence(self):
        self.stream.send_bytes(b"<message from='bob@localhost/desk' type='chat' id='huge'><body>")
        chunk = b"z" * (1 << 20)
        for _ in range(32):
            self.stream.send_bytes(chunk)
        self.stream.send_bytes(b"</body></message>")
        self.send(chat(self.jid, "after", "after"))


class SASLTooLarge(Session):
    """Answers <auth/> with a <challenge/> of 2 MiB (the element limit is 1 MiB)."""

    def on_auth(self, element):
        self.stream.send_bytes(b"<challenge xmlns='%s'>" % NS_SASL.encode() + b"A" * (2 << 20)
                               + b"</challenge>")


class AckTooDeep(Session):
    """Answers <r/> with an <a/> that holds elements nested 40 levels deep."""

    def on_sm_request(self, _):
        self.send("<a xmlns='%s' h='%d'>%s</a>" % (NS_SM, self.handled, nested(40)))


class BytesAfterClose(Session):
    """Answers the client's </stream:stream> with its own, followed by bytes that are not
    XML at all: the client, done and closing, must ignore them."""

    def on_stream_end(self):
        self.stream.send_bytes(b"</stream:stream><junk>\xff\xfe" + b"after the end " * 4096)
        self.stream.close()


class CloseThenJunk(Session):
    """Closes its stream (with bytes that are not XML after </stream:stream>) as soon as a
    message arrives, before acknowledging it."""

    def on_message(self, message):
        self.stream.send_bytes(b"</stream:stream>\xff\xfe<junk/>")
        self.stream.close()
        raise EndSession()


XML_SCENARIOS = {
    "xml-doctype": first_reply(
        "Doctype", prologue("<!DOCTYPE stream:stream>"), "A DOCTYPE before the stream header."),
    "xml-internal-entity": first_reply(
        "InternalEntity",
        prologue("<!DOCTYPE stream:stream [<!ENTITY tls \"%s\">]>" % STARTTLS, "&tls;"),
        "An internal entity declared in a DOCTYPE and used in the features."),
    "xml-billion-laughs": first_reply(
        "BillionLaughs", prologue("<!DOCTYPE stream:stream [%s]>" % BILLION_LAUGHS,
                                  STARTTLS + "<x>&lol9;</x>"),
        "Entities that expand to 10^9 'lol's."),
    "xml-external-entity": first_reply(
        "ExternalEntity", prologue("<!DOCTYPE stream:stream [<!ENTITY xxe SYSTEM "
                                   "'file:///etc/passwd'>]>", STARTTLS + "<x>&xxe;</x>"),
        "An external entity naming a local file, used in the features."),
    "xml-external-dtd": first_reply(
        "ExternalDTD", prologue("<!DOCTYPE stream:stream SYSTEM 'http://127.0.0.1:9/x.dtd'>"),
        "A DOCTYPE that names an external DTD."),
    "xml-undeclared-entity": first_reply(
        "UndeclaredEntity", features(STARTTLS + "<x>&nbsp;</x>"),
        "A reference to an entity nobody declared (&nbsp;) in the features."),
    "xml-pi-in-features": first_reply(
        "PIInFeatures", features("<?evil data?>" + STARTTLS),
        "A processing instruction inside the features."),
    "xml-utf8-overlong": first_reply(
        "OverlongUTF8", features(STARTTLS.encode() + b"<x>\xc0\xaf</x>"),
        "An overlong UTF-8 sequence (C0 AF, a '/') in the features."),
    "xml-utf8-truncated": first_reply(
        "TruncatedUTF8", features(STARTTLS.encode() + b"<x>\xe2\x82</x>"),
        "A UTF-8 sequence cut short (E2 82 then '<') in the features."),
    "xml-wrong-stream-namespace": first_reply(
        "WrongStreamNamespace",
        "<?xml version='1.0'?>" + header(stream_namespace="urn:wrong")
        + "<stream:features>" + STARTTLS + "</stream:features>",
        "A stream root in a namespace that is not http://etherx.jabber.org/streams."),
    "xml-wrong-content-namespace": WrongContentNamespace,
    "xml-wrong-features-namespace": first_reply(
        "WrongFeaturesNamespace",
        "<?xml version='1.0'?>" + header() + "<features xmlns='jabber:client'>" + STARTTLS
        + "</features>",
        "Features in jabber:client instead of the streams namespace."),
    "xml-unbound-prefix": first_reply(
        "UnboundPrefix", features(STARTTLS + "<evil:x/>"),
        "An element with a namespace prefix nobody declared, in the features."),
    "xml-features-too-deep": first_reply(
        "FeaturesTooDeep", features(STARTTLS + nested(40)),
        "Features nested 40 levels deep."),
    "xml-endless-header": EndlessHeader,
    "xml-endless-features": EndlessFeatures,
    "xml-stalled-header": StalledHeader,
    "xml-comment-in-stanza": broken_stanza(
        "CommentInStanza", message("<body>hidden<!-- comment --></body>"),
        "A message with a comment in its body."),
    "xml-pi-in-stanza": broken_stanza(
        "PIInStanza", message("<?evil data?><body>hidden</body>"),
        "A message with a processing instruction in it."),
    "xml-utf8-surrogate": broken_stanza(
        "SurrogateUTF8", message(b"<body>\xed\xa0\x80</body>"),
        "A message whose body holds an encoded UTF-16 surrogate (ED A0 80)."),
    "xml-utf8-invalid-byte": broken_stanza(
        "InvalidByteUTF8", message(b"<body>\xff</body>"),
        "A message whose body holds the byte FF, never valid in UTF-8."),
    "xml-wrong-stanza-namespace": broken_stanza(
        "WrongStanzaNamespace",
        b"<message xmlns='jabber:server' from='bob@localhost/desk' id='broken'>"
        b"<body>hidden</body></message>",
        "A message in the jabber:server namespace on a client stream."),
    "xml-second-header": broken_stanza(
        "SecondHeader", header().encode(), "A second stream header in the middle of the stream."),
    "xml-stanza-too-deep": broken_stanza(
        "StanzaTooDeep", message(nested(40)), "A message nested 40 levels deep (limit 32)."),
    "xml-stanza-very-deep": broken_stanza(
        "StanzaVeryDeep", message(nested(100000)), "A message nested 100 000 levels deep."),
    "xml-stanza-too-large": broken_stanza(
        "StanzaTooLarge", message(b"<body>" + b"z" * (2 << 20) + b"</body>"),
        "A message of 2 MiB (limit 1 MiB)."),
    "xml-stanza-huge": HugeStanza,
    "xml-iq-too-deep": broken_stanza(
        "IQTooDeep", b"<iq type='get' from='bob@localhost/desk' id='broken'><query xmlns='urn:example'>"
        + nested(40).encode() + b"</query></iq>",
        "A get request from a contact nested 40 levels deep."),
    "xml-sasl-too-large": SASLTooLarge,
    "xml-sm-too-deep": AckTooDeep,
    "xml-bytes-after-close": BytesAfterClose,
    "xml-close-then-junk": CloseThenJunk,
}
