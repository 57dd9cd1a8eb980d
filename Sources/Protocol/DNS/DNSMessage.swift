/// Reads the SRV records out of a DNS response message (RFC 1035 §4, RFC 2782).
///
/// The input is untrusted: every read is bounds-checked, compression pointers must point
/// strictly backwards (so no pointer chain can loop) and every malformation is thrown as
/// `EndpointError.dnsFailed`.
public enum DNSMessage {
    static let typeSRV: UInt16 = 33
    static let classIN: UInt16 = 1
    static let headerLength = 12
    /// RFC 1035 §3.1: a name is at most 255 octets on the wire.
    static let maximumNameLength = 255

    /// The SRV records of class IN in the answer section, in the order received. Other
    /// answers (a CNAME leading to the SRV owner, for one) are skipped. An NXDOMAIN
    /// response yields no records.
    public static func parseSRVAnswers(_ bytes: [UInt8]) throws(EndpointError) -> [SRVRecord] {
        var reader = DNSReader(bytes: bytes)
        _ = try reader.u16()  // id
        let flags = try reader.u16()
        let questionCount = try reader.u16()
        let answerCount = try reader.u16()
        _ = try reader.u16()  // authority records
        _ = try reader.u16()  // additional records

        guard flags & 0x8000 != 0 else { throw malformed("the message is a query, not a response") }
        switch flags & 0x000F {
        case 0: break
        case 3: return []  // NXDOMAIN
        case let code: throw EndpointError.dnsFailed("the DNS server answered with error code \(code)")
        }

        for _ in 0..<questionCount {
            reader.offset = try reader.nameEnd(at: reader.offset)
            try reader.skip(4)  // type, class
        }
        var records: [SRVRecord] = []
        for _ in 0..<answerCount {
            reader.offset = try reader.nameEnd(at: reader.offset)
            let type = try reader.u16()
            let recordClass = try reader.u16()
            try reader.skip(4)  // TTL
            let dataLength = Int(try reader.u16())
            let dataStart = reader.offset
            try reader.skip(dataLength)
            guard type == typeSRV, recordClass == classIN else { continue }

            var data = reader
            data.offset = dataStart
            guard dataLength >= 7 else { throw malformed("an SRV record is too short") }
            let priority = try data.u16()
            let weight = try data.u16()
            let port = try data.u16()
            let (labels, targetEnd) = try data.name(at: data.offset)
            guard targetEnd == dataStart + dataLength else {
                throw malformed("an SRV record's length does not match its content")
            }
            records.append(
                SRVRecord(priority: priority, weight: weight, port: port, target: try hostName(labels)))
        }
        return records
    }

    /// Joins labels into a lowercased host name without trailing dot, "." for the root.
    /// Only letters, digits, '-' and '_' are accepted: a target is used as a host name.
    static func hostName(_ labels: [ArraySlice<UInt8>]) throws(EndpointError) -> String {
        guard !labels.isEmpty else { return "." }
        var text: [UInt8] = []
        for label in labels {
            if !text.isEmpty { text.append(UInt8(ascii: ".")) }
            for byte in label {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): text.append(byte + 0x20)
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "_"):
                    text.append(byte)
                default:
                    throw malformed("an SRV target contains a byte that is not allowed in a host name")
                }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func malformed(_ reason: String) -> EndpointError {
        .dnsFailed("malformed DNS response: \(reason)")
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

    /// Where the name starting at `start` ends in place (after its terminating zero or its
    /// first compression pointer).
    func nameEnd(at start: Int) throws(EndpointError) -> Int {
        try name(at: start).end
    }

    /// The labels of the name at `start`, following compression pointers, and where the
    /// name ends in place.
    ///
    /// Each pointer must lead before the start of the stretch of labels it ends, so the
    /// positions read keep moving backwards across jumps and a chain cannot loop.
    func name(at start: Int) throws(EndpointError) -> (labels: [ArraySlice<UInt8>], end: Int) {
        var labels: [ArraySlice<UInt8>] = []
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
                    return (labels, end ?? position + 1)
                }
                let labelStart = position + 1
                guard length <= bytes.count - labelStart else {
                    throw DNSMessage.malformed("a name runs past the end")
                }
                wireLength += length + 1
                guard wireLength <= DNSMessage.maximumNameLength else {
                    throw DNSMessage.malformed("a name is longer than 255 bytes")
                }
                labels.append(bytes[labelStart..<labelStart + length])
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
