/// Parses an XMPP stream (RFC 6120 §4) from bytes arriving in any chunking: the stream
/// header, each complete first-level element, and the stream's end.
///
/// Memory stays bounded by `XMLLimits` whatever the peer sends. The limits are of two
/// kinds, because the stream and its stanzas have different authors:
/// - A first-level element that breaks a limit (nested more than `maxDepth` deep, larger
///   than `maxStanzaBytes`, a name longer than `maxNameBytes`) is not parsed: it becomes a
///   `.droppedStanza` event and the stream goes on. Any contact can send such a stanza.
/// - What breaks the stream itself ends it with an error: a header longer than
///   `maxHeaderBytes`, malformed XML, or a construct RFC 6120 §11 forbids.
/// Whitespace between stanzas (keepalives) produces no events.
///
/// `XMLStanzaFramer` decides what is a first-level element and when one breaks a limit;
/// libxml2 parses everything else as it comes. When an element is abandoned, the libxml2
/// parse that holds its beginning is thrown away and a fresh one takes over; a fresh one
/// also takes over after every megabyte, between two stanzas, so that libxml2's dictionary
/// of names cannot grow without bound over a stream that lasts months.
///
/// On a stream restart (after STARTTLS and after SASL success, RFC 6120 §4.3.3) call
/// `reset()` and feed only bytes read afterwards. This assumes no bytes of the new stream
/// arrive in the same read as the old one's last element, which holds because the server
/// sends its new header only after the client has sent its own, which it does after
/// handling that last element.
public final class XMLStreamParser {
    /// How many bytes one libxml2 parse handles before a fresh one takes over.
    static let bytesPerParse = 1 << 20

    private let limits: XMLLimits
    private var framer: XMLStanzaFramer
    private var session: XMLPushSession
    private var bytesInSession = 0
    private var failure: XMLStreamError?

    /// Asked at the start of each first-level element whether the caller will read it. One
    /// it will not is still parsed whole, so malformed XML in it ends the stream as anywhere
    /// else, but nothing of it is decoded: it becomes `.unreadElement`, its name and
    /// namespace only. nil: every element is read.
    public var readsElement: ((XMLElementStart) -> Bool)? {
        didSet { session.builder.readsElement = readsElement }
    }

    public init(limits: XMLLimits = .default) {
        self.limits = limits
        framer = XMLStanzaFramer(limits: limits)
        session = XMLPushSession(limits: limits, rootPolicy: .xmppStream)
    }

    /// Feeds bytes; returns the events completed by them, in order. After a throw the
    /// parser is dead: further feeds throw the same error until `reset()`. Events that
    /// completed earlier in the failing call are not returned: the stream is over anyway.
    public func feed(_ bytes: [UInt8]) throws(XMLStreamError) -> [XMLStreamEvent] {
        if let failure { throw failure }
        do {
            var events: [XMLStreamEvent] = []
            // Pieces that follow one another in `bytes` go to libxml2 as one: a call for every
            // stanza would cost more than many of them take to parse.
            var given: ArraySlice<UInt8> = []
            func giveAll() throws(XMLStreamError) {
                if !given.isEmpty { try session.feed(given, into: &events) }
                given = []
            }
            func give(_ piece: ArraySlice<UInt8>) throws(XMLStreamError) {
                if !given.isEmpty, Self.follows(piece, given) {
                    given = bytes[given.startIndex..<piece.endIndex]
                    return
                }
                try giveAll()
                given = piece
            }
            for piece in try framer.split(bytes) {
                switch piece {
                case .markup(let markup):
                    try give(markup)
                case .element(let bytes, let starts):
                    if starts && bytesInSession >= Self.bytesPerParse {
                        try giveAll()
                        try startFreshParse()
                    }
                    bytesInSession += bytes.count
                    try give(bytes)
                case .dropped(let reason, let name, let stub):
                    try giveAll()
                    try startFreshParse()
                    var element: XMLElement?
                    if let stub {
                        // The stub is the caller's to see whole, whatever it would read.
                        session.builder.readsElement = nil
                        for case .element(let parsed) in try session.feed(stub) { element = parsed }
                        session.builder.readsElement = readsElement
                    }
                    events.append(.droppedStanza(DroppedStanza(reason: reason, qualifiedName: name, element: element)))
                }
            }
            try giveAll()
            return events
        } catch {
            failure = error
            throw error
        }
    }

    /// Whether `piece` begins where `earlier` ends, in the same memory: then both are slices
    /// of the bytes being fed (the framer copies only a `<` held back from the previous call,
    /// into memory of its own, whose end no other slice can begin at).
    private static func follows(_ piece: ArraySlice<UInt8>, _ earlier: ArraySlice<UInt8>) -> Bool {
        earlier.withUnsafeBufferPointer { earlierBuffer in
            piece.withUnsafeBufferPointer { pieceBuffer in
                earlierBuffer.baseAddress.map { $0 + earlierBuffer.count } == pieceBuffer.baseAddress
            }
        }
    }

    /// Starts over with a fresh parse, for a stream restart.
    public func reset() {
        framer = XMLStanzaFramer(limits: limits)
        session = XMLPushSession(limits: limits, rootPolicy: .xmppStream)
        session.builder.readsElement = readsElement
        bytesInSession = 0
        failure = nil
    }

    /// Hands the stream to a fresh libxml2 parse, between two stanzas: the header is given
    /// to it again, so that it stands where the stream stands, with the same namespaces in
    /// scope.
    private func startFreshParse() throws(XMLStreamError) {
        let fresh = XMLPushSession(limits: limits, rootPolicy: .xmppStream)
        _ = try fresh.feed(framer.header)
        fresh.builder.readsElement = readsElement
        session = fresh
        bytesInSession = 0
    }
}
