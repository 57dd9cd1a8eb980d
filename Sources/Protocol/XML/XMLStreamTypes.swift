/// Bounds on what a peer can make the XML parsers hold in memory.
public struct XMLLimits: Sendable {
    /// How deeply elements may nest below the stream root; the stanza itself is depth 1.
    public var maxDepth: Int
    /// The largest stanza (or fragment element) in bytes as received, and also the most
    /// decoded text and attribute data one stanza may accumulate.
    public var maxStanzaBytes: Int
    /// The most bytes that may arrive before the stream header is complete (XML
    /// declaration, whitespace and the `<stream:stream ...>` start tag).
    public var maxHeaderBytes: Int
    /// The longest element or attribute name in a stanza, far below libxml2's own fatal
    /// limit, so that no sender can reach that one.
    public var maxNameBytes: Int

    public init(
        maxDepth: Int = 32, maxStanzaBytes: Int = 1 << 20, maxHeaderBytes: Int = 64 << 10,
        maxNameBytes: Int = 4096
    ) {
        self.maxDepth = maxDepth
        self.maxStanzaBytes = maxStanzaBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxNameBytes = maxNameBytes
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
    /// A first-level element broke a limit and was left out whole; the stream goes on.
    case droppedStanza(DroppedStanza)
    /// A first-level element the reader said it would not read (`XMLStreamParser.readsElement`):
    /// its name and namespace alone. All of it was parsed, so it was well-formed, but nothing
    /// of it was kept.
    case unreadElement(XMLElement)
}

/// A first-level element as it starts, for a reader to say whether it will read it
/// (`XMLStreamParser.readsElement`): its name and namespace, and its attributes, each
/// decoded only when asked for, since most elements nobody reads are judged by one or none.
/// Valid only during the call it is given to.
public struct XMLElementStart {
    public let name: String
    /// The resolved namespace, as `XMLElement.namespace`.
    public let namespace: String?
    private let attribute: (String) -> String?

    init(name: String, namespace: String?, attribute: @escaping (String) -> String?) {
        self.name = name
        self.namespace = namespace
        self.attribute = attribute
    }

    /// The start of `element`, as the parser would have given it.
    public init(_ element: XMLElement) {
        self.init(name: element.name, namespace: element.namespace) { element[attribute: $0] }
    }

    /// The value of the attribute with this qualified name (`type`, `xml:lang`).
    public subscript(attribute name: String) -> String? { attribute(name) }
}

/// A first-level element of the stream that was not parsed because it broke a limit
/// (`XMLLimits`): nested too deeply, too large, or with a name too long. What the stream
/// does with it is the caller's decision: a stanza may come from any contact, so it is
/// dropped and counted; anything else is the server's own doing.
public struct DroppedStanza: Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case tooDeep(limit: Int)
        case tooLarge(limit: Int)
        case nameTooLong(limit: Int)
    }

    public var reason: Reason
    /// The qualified name as written (`message`, `stream:features`).
    public var qualifiedName: String
    /// The element itself with its attributes and without its content, parsed in the
    /// stream's context (so `namespace` is resolved); nil when its start tag alone broke
    /// the limit.
    public var element: XMLElement?

    public init(reason: Reason, qualifiedName: String, element: XMLElement?) {
        self.reason = reason
        self.qualifiedName = qualifiedName
        self.element = element
    }

    /// Whether it is a stanza of the client namespace (message, presence or iq), which any
    /// sender can cause, rather than an element the server itself sent.
    public var isStanza: Bool {
        let name = element?.name ?? qualifiedName
        guard ["message", "presence", "iq"].contains(name) else { return false }
        return element.map { $0.namespace == Namespace.client } ?? true
    }
}

extension DroppedStanza.Reason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tooDeep(let limit): return "elements nested deeper than \(limit) levels"
        case .tooLarge(let limit): return "larger than \(limit) bytes"
        case .nameTooLong(let limit): return "a name longer than \(limit) bytes"
        }
    }
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
    /// A stanza (or an element typed into the fragment parser) grew past its byte limit.
    case stanzaTooLarge(limit: Int)
    /// The stream header did not end within `XMLLimits.maxHeaderBytes`.
    case headerTooLarge(limit: Int)
    /// The root element is not `stream` in `http://etherx.jabber.org/streams`.
    case notAStream(String)
}
