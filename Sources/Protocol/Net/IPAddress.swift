#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address: what a host name resolves to and what a socket connects to.
///
/// Only the numeric forms `inet_pton` accepts are read: dotted-quad IPv4 ("192.0.2.1", no
/// shorthand such as "127.1") and IPv6 without brackets or zone ("2001:db8::1").
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Family: Sendable, CaseIterable {
        case ipv4, ipv6
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public var family: Family { bytes.count == 4 ? .ipv4 : .ipv6 }

    /// An IPv4 address from its 4 bytes, or an IPv6 address from its 16; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address written in `text`, or nil if `text` is not a numeric IPv4 or IPv6 address.
    public init?(_ text: String) {
        // The byte check keeps anything inet_pton might read differently (a NUL, a zone
        // "%eth0", brackets) away from it.
        guard !text.isEmpty, text.utf8.count < 46, text.utf8.allSatisfy(Self.isAddressTextByte) else { return nil }
        if text.utf8.contains(UInt8(ascii: ":")) {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &address) { Array($0) }
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &address) { Array($0) }
        }
    }

    public static let loopbackIPv4 = IPAddress(bytes: [127, 0, 0, 1])!
    public static let loopbackIPv6 = IPAddress(bytes: [UInt8](repeating: 0, count: 15) + [1])!

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch family {
        case .ipv4: return bytes[0] == 127
        case .ipv6: return self == Self.loopbackIPv6
        }
    }

    /// Whether this is a global unicast IPv6 address (2000::/3), the kind that reaches IPv6
    /// destinations on the Internet; link-local (fe80::/10) and unique local (fc00::/7)
    /// addresses do not.
    public var isGlobalIPv6: Bool {
        family == .ipv6 && bytes[0] & 0xE0 == 0x20
    }

    /// The canonical text, as `inet_ntop` writes it: "192.0.2.1", "2001:db8::1" (RFC 5952).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family == .ipv4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "(unprintable address)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func isAddressTextByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: ":"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
