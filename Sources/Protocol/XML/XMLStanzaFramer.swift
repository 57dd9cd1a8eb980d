/// Tells, before any of it is parsed, which bytes of an XMPP stream are the stream's own
/// markup (the prolog and `<stream:stream>` header, whitespace between stanzas, the closing
/// tag) and which belong to a first-level element, and when a first-level element breaks
/// a limit.
///
/// Why it exists: any contact can send a stanza nested too deeply or too large, and the
/// server forwards it. Such a stanza is its sender's doing, not the server's, so it is
/// dropped whole and the stream goes on. From the byte that breaks the limit on, libxml2 is
/// given nothing more of it, which also keeps libxml2's own fatal limits (nesting of 256,
/// names of 50,000 bytes) out of any sender's reach; and memory stays flat while the rest is
/// skipped, since only its start tag is kept, so that the caller can still say who sent it.
///
/// It knows XML's lexical structure only (tags, quoted attribute values, comments, CDATA
/// sections, processing instructions, declarations): enough to find where each element
/// ends in well-formed input. Well-formedness is libxml2's to judge: every byte that is not
/// part of a dropped element reaches it unchanged.
struct XMLStanzaFramer {
    enum Piece: Equatable {
        /// Stream markup, to be parsed as it comes.
        case markup([UInt8])
        /// Bytes of a first-level element, to be parsed as they come; `starts` when they are
        /// its first ones (the stream stands between two stanzas just before them).
        case element([UInt8], starts: Bool)
        /// The element under way broke a limit: what was parsed of it is to be forgotten, and
        /// nothing more of it comes. It is reported at once, not when it ends, since one that
        /// never ends must still be reported. `stub` is its start tag followed at once by its
        /// end tag, when the start tag was complete and fit within the limits; `name` is its
        /// qualified name as written (cut short if it was the name that was too long).
        case dropped(DroppedStanza.Reason, name: String, stub: [UInt8]?)
    }

    private enum Phase {
        /// Before the root's start tag is complete: everything is header.
        case prolog
        /// Inside the root: stanzas and whitespace.
        case stream
        /// After the root's end tag: nothing more is parsed.
        case ended
    }

    private enum Lexical: Equatable {
        case text
        /// Just after `<`.
        case markupStart
        /// In the element name of a start tag.
        case elementName
        /// In a start tag after its name, outside quotes.
        case startTag
        /// In an attribute value opened by this quote character.
        case quoted(UInt8)
        case endTag
        /// After `<!`, before it is known which construct follows.
        case bang
        case comment(dashes: Int)
        case cdata(brackets: Int)
        case processingInstruction(question: Bool)
        case declaration(brackets: Int, quote: UInt8?)
    }

    let limits: XMLLimits
    /// The prolog and the root's start tag, exactly as received: what a fresh libxml2
    /// parse is given to stand where the stream stands.
    private(set) var header: [UInt8] = []
    private var phase = Phase.prolog
    private var lexical = Lexical.text
    /// The byte before the current one: a `/` before `>` closes an empty element.
    private var previous: UInt8 = 0
    /// What followed `<!` so far.
    private var bangBytes: [UInt8] = []
    /// The length of the name being read (element or attribute name).
    private var nameLength = 0

    // The first-level element under way.
    private var inElement = false
    /// Its start tag, until it is complete and for as long as the element is under way: the
    /// stub of a dropped element is made of it.
    private var startTag: [UInt8] = []
    /// Its size so far, kept or not.
    private var elementSize = 0
    /// Elements open inside the root, the first-level one included, once their start tags are complete.
    private var depth = 0
    private var dropReason: DroppedStanza.Reason?
    private var elementName: [UInt8] = []
    /// The length of its start tag, once complete.
    private var startTagLength: Int?

    private var pieces: [Piece] = []
    /// Bytes of the current call not yet made a piece: markup, or the element's.
    private var pending: [UInt8] = []
    private var pendingIsElement = false
    private var pendingStartsElement = false

    init(limits: XMLLimits) {
        self.limits = limits
    }

    mutating func split(_ bytes: [UInt8]) throws(XMLStreamError) -> [Piece] {
        var index = 0
        while index < bytes.count {
            if let runEnd = plainRunEnd(in: bytes, from: index) {
                keepRun(bytes[index..<runEnd])
                previous = bytes[runEnd - 1]
                index = runEnd
                continue
            }
            let byte = bytes[index]
            index += 1
            switch phase {
            case .ended:
                break
            case .prolog:
                header.append(byte)
                guard header.count <= limits.maxHeaderBytes else { throw .headerTooLarge(limit: limits.maxHeaderBytes) }
                // RFC 6120 §11.6: UTF-8 only. A byte-order mark of UTF-16 (FF FE, FE FF) or a
                // NUL of UTF-16 or UCS-4 would make libxml2 switch encodings: neither byte
                // can occur in a UTF-8 XML document.
                guard byte != 0x00 && byte < 0xFE else {
                    throw .malformed(message: "the stream is not in UTF-8 (RFC 6120 §11.6)", line: 1, column: header.count)
                }
                emitMarkup(byte)
                scan(byte)
            case .stream:
                if inElement {
                    keep(byte)
                    scan(byte)
                } else if lexical == .markupStart {
                    scanAfterTopLevelLessThan(byte)
                } else if lexical == .text && byte == UInt8(ascii: "<") {
                    lexical = .markupStart  // held back until the next byte says what it starts
                } else {
                    emitMarkup(byte)
                    scan(byte)
                }
            }
            previous = byte
        }
        flushPending()
        defer { pieces.removeAll(keepingCapacity: true) }
        return pieces
    }

    // MARK: Where bytes go

    /// Inside an element, character data runs to the next `<` and an attribute value to its
    /// closing quote with nothing to look at on the way: where such a run starts at `start`,
    /// its end, so that it is taken whole (what keeps the framer cheap next to libxml2).
    private func plainRunEnd(in bytes: [UInt8], from start: Int) -> Int? {
        guard phase == .stream, inElement else { return nil }
        let stop: UInt8
        switch lexical {
        case .text: stop = UInt8(ascii: "<")
        case .quoted(let quote): stop = quote
        default: return nil
        }
        let end = bytes[start...].firstIndex(of: stop) ?? bytes.count
        return end > start ? end : nil
    }

    /// `keep` for a run of bytes that changes no lexical state.
    private mutating func keepRun(_ run: ArraySlice<UInt8>) {
        if dropReason != nil {
            elementSize += run.count  // being skipped: only counted
            return
        }
        guard elementSize + run.count <= limits.maxStanzaBytes else {
            for byte in run { keep(byte) }  // one by one: the limit falls inside the run
            return
        }
        elementSize += run.count
        pending.append(contentsOf: run)
        if startTagLength == nil { startTag.append(contentsOf: run) }
    }

    /// A `<` between stanzas starts a stanza, or the stream's end tag, or a construct the
    /// stream may not contain (which libxml2 then refuses).
    private mutating func scanAfterTopLevelLessThan(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?"):
            emitMarkup(UInt8(ascii: "<"))
            emitMarkup(byte)
            scan(byte)
        default:
            flushPending()
            inElement = true
            pendingIsElement = true
            pendingStartsElement = true
            startTag = []
            elementSize = 0
            keep(UInt8(ascii: "<"))
            keep(byte)
            scan(byte)
        }
    }

    private mutating func emitMarkup(_ byte: UInt8) {
        if pendingIsElement { flushPending() }
        pending.append(byte)
    }

    /// Counts a byte of the element under way and passes it on unless the element is dropped.
    private mutating func keep(_ byte: UInt8) {
        elementSize += 1
        guard dropReason == nil else { return }
        if elementSize > limits.maxStanzaBytes {
            drop(.tooLarge(limit: limits.maxStanzaBytes))
            return
        }
        pending.append(byte)
        if startTagLength == nil { startTag.append(byte) }
    }

    private mutating func drop(_ reason: DroppedStanza.Reason) {
        guard dropReason == nil else { return }
        dropReason = reason
        let stub = startTagLength == nil ? nil : startTag + Array("</".utf8) + elementName + [UInt8(ascii: ">")]
        startTag = []
        // Everything before the byte that broke the limit reaches libxml2, however the reads
        // fell, so that a mistake in it is found (or not) the same way every time.
        flushPending()
        pieces.append(.dropped(reason, name: String(decoding: elementName, as: UTF8.self), stub: stub))
    }

    private mutating func flushPending() {
        guard !pending.isEmpty else { return }
        pieces.append(pendingIsElement ? .element(pending, starts: pendingStartsElement) : .markup(pending))
        pending.removeAll(keepingCapacity: true)
        pendingStartsElement = false
    }

    // MARK: Lexical structure

    private mutating func scan(_ byte: UInt8) {
        switch lexical {
        case .text:
            if byte == UInt8(ascii: "<") { lexical = .markupStart }
        case .markupStart:
            switch byte {
            case UInt8(ascii: "/"):
                lexical = .endTag
                nameLength = 0
            case UInt8(ascii: "!"):
                lexical = .bang
                bangBytes.removeAll(keepingCapacity: true)
            case UInt8(ascii: "?"):
                lexical = .processingInstruction(question: false)
            default:
                startTagOpened()
                lexical = .elementName
                nameLength = 0
                scanName(byte)
            }
        case .elementName:
            scanName(byte)
        case .startTag:
            scanStartTag(byte)
        case .quoted(let quote):
            if byte == quote { lexical = .startTag }
        case .endTag:
            if byte == UInt8(ascii: ">") {
                endTagClosed()
            } else if !Self.isSpace(byte) {
                countNameByte()
            }
        case .bang:
            scanBang(byte)
        case .comment(let dashes):
            if byte == UInt8(ascii: "-") {
                lexical = .comment(dashes: dashes + 1)
            } else {
                lexical = byte == UInt8(ascii: ">") && dashes >= 2 ? .text : .comment(dashes: 0)
            }
        case .cdata(let brackets):
            if byte == UInt8(ascii: "]") {
                lexical = .cdata(brackets: brackets + 1)
            } else {
                lexical = byte == UInt8(ascii: ">") && brackets >= 2 ? .text : .cdata(brackets: 0)
            }
        case .processingInstruction(let question):
            if byte == UInt8(ascii: ">") && question {
                lexical = .text
            } else {
                lexical = .processingInstruction(question: byte == UInt8(ascii: "?"))
            }
        case .declaration(let brackets, let quote):
            scanDeclaration(byte, brackets: brackets, quote: quote)
        }
    }

    private mutating func scanName(_ byte: UInt8) {
        if Self.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") {
            lexical = .startTag
            nameLength = 0
            scanStartTag(byte)
            return
        }
        if inElement && startTagLength == nil && dropReason == nil && elementName.count < limits.maxNameBytes {
            elementName.append(byte)
        }
        countNameByte()
    }

    private mutating func scanStartTag(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            lexical = .quoted(byte)
            nameLength = 0
        case UInt8(ascii: ">"):
            lexical = .text
            startTagClosed(empty: previous == UInt8(ascii: "/"))
        case UInt8(ascii: "="), UInt8(ascii: "/"):
            nameLength = 0
        default:
            if Self.isSpace(byte) { nameLength = 0 } else { countNameByte() }
        }
    }

    /// After `<!`: `--` opens a comment, `[CDATA[` a CDATA section, anything else a
    /// declaration (a DOCTYPE, which libxml2 then refuses).
    private mutating func scanBang(_ byte: UInt8) {
        bangBytes.append(byte)
        let comment = Array("--".utf8)
        let cdata = Array("[CDATA[".utf8)
        if bangBytes == comment {
            lexical = .comment(dashes: 0)
        } else if bangBytes == cdata {
            lexical = .cdata(brackets: 0)
        } else if !comment.starts(with: bangBytes) && !cdata.starts(with: bangBytes) {
            lexical = .declaration(brackets: 0, quote: nil)
            scanDeclaration(byte, brackets: 0, quote: nil)
        }
    }

    private mutating func scanDeclaration(_ byte: UInt8, brackets: Int, quote: UInt8?) {
        if let quote {
            if byte == quote { lexical = .declaration(brackets: brackets, quote: nil) }
            return
        }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): lexical = .declaration(brackets: brackets, quote: byte)
        case UInt8(ascii: "["): lexical = .declaration(brackets: brackets + 1, quote: nil)
        case UInt8(ascii: "]"): lexical = .declaration(brackets: max(0, brackets - 1), quote: nil)
        case UInt8(ascii: ">") where brackets == 0: lexical = .text
        default: break
        }
    }

    private mutating func countNameByte() {
        nameLength += 1
        if inElement && nameLength > limits.maxNameBytes { drop(.nameTooLong(limit: limits.maxNameBytes)) }
    }

    // MARK: Elements

    private mutating func startTagOpened() {
        guard inElement, startTagLength != nil else { return }
        // A child element: the first-level one is depth 1.
        if depth + 1 > limits.maxDepth { drop(.tooDeep(limit: limits.maxDepth)) }
    }

    private mutating func startTagClosed(empty: Bool) {
        switch phase {
        case .prolog:
            phase = empty ? .ended : .stream
        case .stream:
            guard inElement else { return }
            if startTagLength == nil {
                startTagLength = startTag.count
                if empty { finishElement() } else { depth = 1 }
            } else if !empty {
                depth += 1
            }
        case .ended:
            break
        }
    }

    private mutating func endTagClosed() {
        lexical = .text
        guard phase == .stream else { return }
        guard inElement else {
            phase = .ended  // the root's end tag
            return
        }
        depth -= 1
        if depth == 0 { finishElement() }
    }

    private mutating func finishElement() {
        flushPending()
        inElement = false
        pendingIsElement = false
        startTag = []
        elementSize = 0
        depth = 0
        dropReason = nil
        elementName.removeAll()
        startTagLength = nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
