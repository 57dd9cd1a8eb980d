/// The byte-by-byte reading of `XMLStanzaFramer`: where markup starts and ends (tags,
/// comments, declarations, quoted values), and when a first-level element opens and closes.
/// The runs in XMLStanzaFramer.swift skip ahead only where this would change nothing.
extension XMLStanzaFramer {
    // MARK: Lexical structure

    mutating func scan(_ byte: UInt8) {
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

    mutating func scanName(_ byte: UInt8) {
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

    mutating func scanStartTag(_ byte: UInt8) {
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
    mutating func scanBang(_ byte: UInt8) {
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

    mutating func scanDeclaration(_ byte: UInt8, brackets: Int, quote: UInt8?) {
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

    mutating func countNameByte() {
        nameLength += 1
        if inElement && nameLength > limits.maxNameBytes { drop(.nameTooLong(limit: limits.maxNameBytes)) }
    }

    // MARK: Elements

    mutating func startTagOpened() {
        guard inElement, startTagLength != nil else { return }
        // A child element: the first-level one is depth 1.
        if depth + 1 > limits.maxDepth { drop(.tooDeep(limit: limits.maxDepth)) }
    }

    mutating func startTagClosed(empty: Bool) {
        switch phase {
        case .prolog:
            phase = empty ? .ended : .stream
        case .stream:
            guard inElement else { return }
            if startTagLength == nil {
                if dropReason == nil {
                    let rest = slice(from: startTagFrom, upTo: current + 1)
                    if startTag.isEmpty { startTag = rest } else { startTag.append(contentsOf: rest) }
                }
                startTagLength = startTag.count
                if empty { finishElement() } else { depth = 1 }
            } else if !empty {
                depth += 1
            }
        case .ended:
            break
        }
    }

    mutating func endTagClosed() {
        lexical = .text
        guard phase == .stream else { return }
        guard inElement else {
            phase = .ended  // the root's end tag
            return
        }
        depth -= 1
        if depth == 0 { finishElement() }
    }

    mutating func finishElement() {
        flushPending()
        inElement = false
        pendingIsElement = false
        startTag = []
        elementSize = 0
        depth = 0
        dropReason = nil
        elementName.removeAll(keepingCapacity: true)  // at most maxNameBytes
        startTagLength = nil
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
