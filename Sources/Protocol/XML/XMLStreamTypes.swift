/// Bounds on what a peer can make the XML parsers hold in memory.
public struct XMLLimits: Sendable {
    /// How deeply elements may nest below the stream root; the stanza itself is depth 1.
    public var maxDepth: Int
    /// The largest stanza (or fragment element) in bytes as received, and also the most
    /// decoded text and attribute data one stanza may accumulate.
    public var maxStanzaBytes: Int
    /// The most bytes that may arrive before the stream header is complete (XML
    /// declaration, whitespace and the `<stream:stream ...>` start tag). Exceeding it is
    /// reported as `XMLStreamError.stanzaTooLarge` with this limit.
    public var maxHeaderBytes: Int

    public init(maxDepth: Int = 32, maxStanzaBytes: Int = 1 << 20, maxHeaderBytes: Int = 64 << 10) {
        self.maxDepth = maxDepth
        self.maxStanzaBytes = maxStanzaBytes
        self.maxHeaderBytes = maxHeaderBytes
    }

    public static let `default` = XMLLimits()
}

/// The attributes of a `<stream:stream>` start tag (RFC 6120 §4.7).
public struct StreamHeader: Equatable, Sendable {
    /// All attributes as written; `xml:lang` keeps its prefix. Namespace declarations are
    /// not attributes.
    public var attributes: [XMLAttribute]
    /// The default namespace declared on the header (`jabber:client` for a client stream).
    public var defaultNamespace: String?

    public init(attributes: [XMLAttribute], defaultNamespace: String?) {
        self.attributes = attributes
        self.defaultNamespace = defaultNamespace
    }

    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public var id: String? { self[attribute: "id"] }
    public var from: String? { self[attribute: "from"] }
    public var to: String? { self[attribute: "to"] }
    public var version: String? { self[attribute: "version"] }
    public var lang: String? { self[attribute: "xml:lang"] }
}

/// What the stream parser reports, in the order the bytes completed them.
public enum XMLStreamEvent: Equatable, Sendable {
    /// The `<stream:stream>` start tag arrived.
    case streamOpened(StreamHeader)
    /// A complete first-level child of the stream: a stanza, stream features, a stream
    /// error, a SASL or STARTTLS element. Stanzas inherit the stream's default namespace.
    case element(XMLElement)
    /// `</stream:stream>` arrived.
    case streamClosed
}

/// Why the parser gave up. After any of these the stream must be closed (RFC 6120 §4.9).
public enum XMLStreamError: Error, Equatable, Sendable {
    /// Not well-formed XML: libxml2's message on one line and where it stopped.
    case malformed(message: String, line: Int, column: Int)
    /// A construct RFC 6120 §11 forbids on an XMPP stream: "comment", "processing
    /// instruction", "DTD", "entity declaration", "entity reference &foo;", ...
    case restricted(String, line: Int, column: Int)
    /// Elements nested deeper than `XMLLimits.maxDepth` below the stream root.
    case tooDeep(limit: Int)
    /// A stanza (or the stream header) grew past its byte limit.
    case stanzaTooLarge(limit: Int)
    /// The root element is not `stream` in `http://etherx.jabber.org/streams`.
    case notAStream(String)
}

/// Namespace URIs the XML layer itself needs.
public enum XMLNamespaces {
    public static let streams = "http://etherx.jabber.org/streams"
    public static let client = "jabber:client"
    /// Bound to the `xml` prefix by definition.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
}
