#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Recognises textual IP addresses, for JID domainparts and `--server` values.
enum IPAddressText {
    /// The canonical (RFC 5952, as `inet_ntop` writes it) form of an IPv6 address without
    /// brackets, or nil if `text` is not one. Zone identifiers are not accepted.
    static func canonicalIPv6(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count < 64, text.utf8.allSatisfy(isIPv6TextByte) else { return nil }
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `text` is a dotted-quad IPv4 address ("192.0.2.1").
    static func isIPv4(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count < 16, text.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || isDigit($0) })
        else { return false }
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isIPv6TextByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
            || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }
}
