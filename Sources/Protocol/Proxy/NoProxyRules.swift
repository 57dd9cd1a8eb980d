/// The hosts to reach without the proxy, read from a `NO_PROXY` value as curl (7.86 and
/// later) reads it.
///
/// Entries are separated by commas, with blanks around them ignored. `*` as the whole value
/// matches every host. A host-name entry matches that name and every name under it
/// ("example.org" and ".example.org" both match "xmpp.example.org", never
/// "badexample.org"), without regard to case or a trailing dot. An address entry matches
/// that address, a CIDR entry ("192.168.0.0/16", "fe80::/10") every address in it; only a
/// host written as an address is compared with those, never a name that resolves to one.
/// An entry's ":port" is ignored.
public struct NoProxyRules: Sendable, Equatable {
    enum Entry: Sendable, Equatable {
        /// Lower-cased, without leading or trailing dots.
        case domain(String)
        case network(IPAddress, prefixLength: Int)
    }

    /// Whether the value was "*".
    public let excludesEverything: Bool
    let entries: [Entry]

    /// The rules a NO_PROXY value gives; an empty value excludes nothing. Entries that are
    /// not readable (an address with a bad prefix length) match nothing, as in curl.
    public init(_ value: String) {
        let trimmed = value.trimmingBlanks()
        excludesEverything = trimmed == "*"
        entries = excludesEverything ? [] : trimmed.split(separator: ",").compactMap { Self.entry($0.trimmingBlanks()) }
    }

    /// Whether `host` (a name, or an address literal, IPv6 with or without brackets) is to
    /// be reached directly.
    public func excludes(host: String) -> Bool {
        if excludesEverything { return true }
        var bare = Substring(host)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if let address = IPAddress(String(bare)) {
            return entries.contains { entry in
                guard case .network(let network, let prefixLength) = entry else { return false }
                return Self.address(address, isIn: network, prefixLength: prefixLength)
            }
        }
        let name = Self.withoutDots(bare).lowercased()
        guard !name.isEmpty else { return false }
        return entries.contains { entry in
            guard case .domain(let domain) = entry else { return false }
            return name == domain || name.hasSuffix("." + domain)
        }
    }

    private static func entry(_ text: Substring) -> Entry? {
        guard !text.isEmpty else { return nil }
        let (hostPart, prefixText) = splitPrefixLength(withoutPort(text))
        if let address = IPAddress(String(hostPart)) {
            let maximum = address.family == .ipv4 ? 32 : 128
            guard let prefixText else { return .network(address, prefixLength: maximum) }
            guard let prefixLength = Int(prefixText), (0...maximum).contains(prefixLength) else { return nil }
            return .network(address, prefixLength: prefixLength)
        }
        guard prefixText == nil else { return nil }
        let domain = withoutDots(hostPart).lowercased()
        return domain.isEmpty ? nil : .domain(domain)
    }

    /// "host:port" and "[v6]:port" lose the port; an IPv6 address without brackets has
    /// colons of its own and is left whole.
    private static func withoutPort(_ text: Substring) -> Substring {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return text }
            let inside = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            // "[fe80::]/10" keeps its prefix length.
            return after.hasPrefix("/") ? inside + after : inside
        }
        let colons = text.filter { $0 == ":" }.count
        guard colons == 1, let colon = text.firstIndex(of: ":") else { return text }
        return text[..<colon]
    }

    private static func splitPrefixLength(_ text: Substring) -> (Substring, Substring?) {
        guard let slash = text.firstIndex(of: "/") else { return (text, nil) }
        return (text[..<slash], text[text.index(after: slash)...])
    }

    /// One leading dot (".example.org" means what "example.org" does) and one trailing dot
    /// (the DNS root) dropped.
    private static func withoutDots(_ text: Substring) -> Substring {
        var text = text
        if text.hasSuffix(".") { text = text.dropLast() }
        if text.hasPrefix(".") { text = text.dropFirst() }
        return text
    }

    private static func address(_ address: IPAddress, isIn network: IPAddress, prefixLength: Int) -> Bool {
        guard address.family == network.family else { return false }
        let wholeBytes = prefixLength / 8
        guard address.bytes[..<wholeBytes] == network.bytes[..<wholeBytes] else { return false }
        let remainingBits = prefixLength % 8
        guard remainingBits > 0 else { return true }
        let mask = UInt8(0xFF) << (8 - remainingBits)
        return address.bytes[wholeBytes] & mask == network.bytes[wholeBytes] & mask
    }
}
