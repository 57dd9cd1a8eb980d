/// A DNS response message (RFC 1035 §4): its header, questions and answer records, read
/// from untrusted bytes. What the answers mean is read by `DNSAnswers.swift`.
///
/// Every read is bounds-checked, compression pointers must point strictly backwards (so no
/// pointer chain can loop) and every malformation is thrown as `EndpointError.dnsFailed`.
/// The authority and additional sections are not read.
struct DNSMessage {
    static let typeA: UInt16 = 1
    static let typeCNAME: UInt16 = 5
    static let typeAAAA: UInt16 = 28
    static let typeSRV: UInt16 = 33
    static let classIN: UInt16 = 1
    static let truncatedFlag: UInt16 = 0x0200
    static let headerLength = 12
    /// RFC 1035 §3.1: a name is at most 255 octets on the wire.
    static let maximumNameLength = 255

    struct Question {
        var name: DNSName
        var type: UInt16
        var recordClass: UInt16
    }

    /// One resource record; its data stays in the message, since names in it may point
    /// anywhere before.
    struct Record {
        var owner: DNSName
        var type: UInt16
        var recordClass: UInt16
        var data: Range<Int>
    }

    let flags: UInt16
    let questions: [Question]
    let answers: [Record]
    private let reader: DNSReader

    /// The RCODE: 0 no error, 2 SERVFAIL, 3 NXDOMAIN, ...
    var responseCode: UInt8 { UInt8(flags & 0x000F) }
    /// The TC bit: the server cut the message short to fit UDP.
    var isTruncated: Bool { flags & Self.truncatedFlag != 0 }

    init(parsing bytes: [UInt8]) throws(EndpointError) {
        var reader = DNSReader(bytes: bytes)
        _ = try reader.u16()  // id: glibc has matched it with the query
        flags = try reader.u16()
        let questionCount = try reader.u16()
        let answerCount = try reader.u16()
        _ = try reader.u16()  // authority records
        _ = try reader.u16()  // additional records
        guard flags & 0x8000 != 0 else { throw Self.malformed("the message is a query, not a response") }

        var questions: [Question] = []
        for _ in 0..<questionCount {
            let (name, end) = try reader.name(at: reader.offset)
            reader.offset = end
            questions.append(Question(name: name, type: try reader.u16(), recordClass: try reader.u16()))
        }
        var answers: [Record] = []
        for _ in 0..<answerCount {
            let (owner, end) = try reader.name(at: reader.offset)
            reader.offset = end
            let type = try reader.u16()
            let recordClass = try reader.u16()
            try reader.skip(4)  // TTL
            let dataLength = Int(try reader.u16())
            let dataStart = reader.offset
            try reader.skip(dataLength)
            answers.append(Record(owner: owner, type: type, recordClass: recordClass, data: dataStart..<reader.offset))
        }
        self.questions = questions
        self.answers = answers
        self.reader = reader
    }

    /// A cursor at the start of `record`'s data.
    func dataReader(_ record: Record) -> DNSReader {
        var data = reader
        data.offset = record.data.lowerBound
        return data
    }

    /// The bytes of `record`'s data.
    func data(_ record: Record) -> ArraySlice<UInt8> { reader.bytes[record.data] }

    /// The name a record's data holds from `start` to its end (a CNAME target, an SRV
    /// target), which must fill the rest of the data exactly.
    func name(in record: Record, from start: Int, kind: String) throws(EndpointError) -> DNSName {
        let (name, end) = try reader.name(at: start)
        guard end == record.data.upperBound else {
            throw Self.malformed("\(kind) record's length does not match its content")
        }
        return name
    }

    /// The mnemonic of an error RCODE (RFC 1035 §4.1.1, RFC 6895), for messages.
    static func responseCodeName(_ code: UInt8) -> String? {
        switch code {
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        default: return nil
        }
    }

    static func malformed(_ reason: String) -> EndpointError {
        .dnsFailed("malformed DNS response: \(reason)")
    }
}

/// A domain name as a message carries it: its labels, ASCII letters lowercased, so that
/// names compare as DNS compares them (RFC 4343).
struct DNSName: Hashable, CustomStringConvertible {
    var labels: [[UInt8]]

    init(labels: [[UInt8]]) {
        self.labels = labels.map { $0.map(Self.lowercased) }
    }

    /// The name written as text ("xmpp.example.org", a trailing dot ignored).
    init(_ text: String) {
        var labels = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init)
        if labels.last?.isEmpty == true { labels.removeLast() }
        self.init(labels: labels)
    }

    /// Dotted text for messages, "." for the root; bytes outside printable ASCII as "\DDD"
    /// (RFC 1035 §5.1), so a hostile name cannot break a line.
    var description: String {
        guard !labels.isEmpty else { return "." }
        return labels.map { label in
            label.map { byte in
                (0x21...0x7E).contains(byte) && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\")
                    ? String(UnicodeScalar(byte)) : "\\" + String(String(1000 + Int(byte)).dropFirst())
            }.joined()
        }.joined(separator: ".")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 0x20 : byte
    }
}

/// A cursor over a DNS message that throws instead of reading out of bounds.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func u16() throws(EndpointError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw DNSMessage.malformed("the message is truncated") }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func skip(_ count: Int) throws(EndpointError) {
        guard count <= bytes.count - offset else { throw DNSMessage.malformed("the message is truncated") }
        offset += count
    }

    /// The name at `start`, following compression pointers, and where it ends in place
    /// (after its terminating zero or its first compression pointer).
    ///
    /// Each pointer must lead before the start of the stretch of labels it ends, so the
    /// positions read keep moving backwards across jumps and a chain cannot loop.
    func name(at start: Int) throws(EndpointError) -> (name: DNSName, end: Int) {
        var labels: [[UInt8]] = []
        var position = start
        var stretchStart = start
        var end: Int?
        var wireLength = 1  // the terminating root label
        while true {
            guard position < bytes.count else { throw DNSMessage.malformed("a name runs past the end") }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    return (DNSName(labels: labels), end ?? position + 1)
                }
                let labelStart = position + 1
                guard length <= bytes.count - labelStart else {
                    throw DNSMessage.malformed("a name runs past the end")
                }
                wireLength += length + 1
                guard wireLength <= DNSMessage.maximumNameLength else {
                    throw DNSMessage.malformed("a name is longer than 255 bytes")
                }
                labels.append(Array(bytes[labelStart..<labelStart + length]))
                position = labelStart + length
            case 0xC0:
                guard position + 1 < bytes.count else { throw DNSMessage.malformed("a name runs past the end") }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < stretchStart else {
                    throw DNSMessage.malformed("a compression pointer does not point backwards")
                }
                if end == nil { end = position + 2 }
                position = target
                stretchStart = target
            default:
                throw DNSMessage.malformed("a name uses an unsupported label type")
            }
        }
    }
}
