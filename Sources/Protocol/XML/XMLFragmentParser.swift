/// Parses standalone top-level elements typed by a user (several on one line, or one
/// across many lines), with no stream around them, returning each once it is complete.
///
/// Elements without an `xmlns` get `defaultNamespace`, as stanzas on a stream would. The
/// same RFC 6120 §11 restrictions and `XMLLimits` apply as on a stream, and text outside
/// elements is an error. Line and column numbers in errors count from the user's input.
public final class XMLFragmentParser {
    private let session: XMLPushSession
    /// The synthetic root opened before the user's bytes; it shares their first line, so
    /// only columns on line 1 need shifting back.
    private let wrapperLength: Int
    private static let wrapperName = "fragments"
    /// Where the next character of the user's input would be, for errors at end of input.
    private var endLine = 1
    private var endColumn = 1
    /// The first error, already in the user's coordinates.
    private var failure: XMLStreamError?
    /// Complete elements that came before the mistake in the call that failed.
    public private(set) var completedBeforeFailure: [XMLElement] = []

    public init(limits: XMLLimits = .default, defaultNamespace: String = Namespace.client) {
        session = XMLPushSession(limits: limits, rootPolicy: .fragmentWrapper)
        let wrapper = Array(
            "<\(Self.wrapperName) xmlns='\(XMLEscaping.escapeAttribute(defaultNamespace))'>".utf8)
        wrapperLength = wrapper.count
        _ = try? session.feed(wrapper)
    }

    /// Feeds bytes of user input; returns the elements they completed, in order. After a
    /// throw the parser is dead and further calls throw the same error. Elements the failing
    /// call completed before the mistake are in `completedBeforeFailure`, so what precedes a
    /// mistake does not depend on how the input happened to be split into reads.
    public func feed(_ bytes: [UInt8]) throws(XMLStreamError) -> [XMLElement] {
        if let failure { throw failure }
        let events: [XMLStreamEvent]
        do {
            events = try session.feed(bytes)
        } catch {
            completedBeforeFailure = session.builder.takeEvents().compactMap {
                if case .element(let element) = $0 { return element }
                return nil
            }
            failure = adjusted(error)
            throw adjusted(error)
        }
        advanceEndPosition(over: bytes)
        return events.compactMap {
            if case .element(let element) = $0 { return element }
            return nil
        }
    }

    /// Declares the end of input: throws `.malformed` if an element or a character is
    /// incomplete, or if text follows the last element.
    public func finish() throws(XMLStreamError) {
        if let failure { throw failure }
        guard let problem = incompleteInput else { return }
        let error = XMLStreamError.malformed(message: problem, line: endLine, column: endColumn)
        failure = error
        throw error
    }

    /// Whether everything fed so far formed complete elements: nothing is half-typed, so an
    /// interactive console shows its main prompt rather than the continuation one.
    public var isIdle: Bool { failure == nil && incompleteInput == nil }

    /// What is unfinished in the input fed so far, if anything.
    private var incompleteInput: String? {
        if let open = session.builder.innermostOpenElementName {
            return "end of input inside <\(open)>"
        } else if !session.heldBack.isEmpty {
            return "end of input inside a UTF-8 sequence"
        } else if let first = session.unparsedBytes.first(where: { !XMLTreeBuilder.isXMLSpace($0) }) {
            return first == UInt8(ascii: "<") ? "end of input inside a tag" : "text outside an element"
        }
        return nil
    }

    private func advanceEndPosition(over bytes: [UInt8]) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                endLine += 1
                endColumn = 1
            } else if byte & 0xC0 != 0x80 {
                endColumn += 1
            }
        }
    }

    /// Moves positions on line 1 back past the wrapper and keeps its name out of messages.
    private func adjusted(_ error: XMLStreamError) -> XMLStreamError {
        func column(_ line: Int, _ column: Int) -> Int {
            line == 1 ? max(1, column - wrapperLength) : column
        }
        switch error {
        case .malformed(let message, let line, let col):
            let text = message.contains(Self.wrapperName)
                ? "end tag without a matching start tag" : message
            return .malformed(message: text, line: line, column: column(line, col))
        case .restricted(let construct, let line, let col):
            return .restricted(construct, line: line, column: column(line, col))
        default:
            return error
        }
    }
}
