@testable import XMPPProtocol

/// `DNSMessage.parseSRVAnswers` and `parseAddressAnswers` on any bytes, and the RFC 2782
/// order of the SRV records. Promises checked: a target is "." or a lowercased host name of
/// letters, digits, '-' and '_' within 255 bytes; ordering keeps every record and sorts
/// priorities; addresses are of the family asked for, and no more than the bytes can hold.
enum DNSFuzz {
    static func run(_ bytes: [UInt8]) {
        for family in IPAddress.Family.allCases {
            guard let addresses = try? DNSMessage.parseAddressAnswers(bytes, family: family) else { continue }
            require(addresses.allSatisfy { $0.family == family }, "an address of another family than \(family)")
            require(addresses.count <= bytes.count / 12, "\(addresses.count) addresses from \(bytes.count) bytes")
        }
        let records: [SRVRecord]
        do {
            records = try DNSMessage.parseSRVAnswers(bytes)
        } catch {
            return
        }
        require(records.count <= bytes.count / 11, "\(records.count) records from \(bytes.count) bytes")
        for record in records {
            let target = record.target
            require(target == "." || (!target.isEmpty && target.utf8.count <= 255 && !target.hasPrefix(".") && !target.hasSuffix(".")),
                    "the SRV target \(target.debugDescription) is no host name")
            require(target == "." || target.utf8.allSatisfy(isHostNameByte), "the SRV target \(target.debugDescription) holds other bytes")
        }
        var random = SystemRandomNumberGenerator()
        let ordered = SRVOrdering.order(records, random: &random)
        require(ordered.count == records.count, "ordering \(records.count) records gave \(ordered.count)")
        require(zip(ordered, ordered.dropFirst()).allSatisfy { $0.priority <= $1.priority }, "the order does not sort priorities")
    }

    private static func isHostNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }
}
