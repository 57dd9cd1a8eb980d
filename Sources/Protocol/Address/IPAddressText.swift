/// Recognises textual IP addresses, for JID domainparts and `--server` values.
enum IPAddressText {
    /// The canonical (RFC 5952, as `inet_ntop` writes it) form of an IPv6 address without
    /// brackets, or nil if `text` is not one. Zone identifiers are not accepted.
    static func canonicalIPv6(_ text: String) -> String? {
        guard let address = IPAddress(text), address.family == .ipv6 else { return nil }
        return address.description
    }

    /// Whether `text` is a dotted-quad IPv4 address ("192.0.2.1").
    static func isIPv4(_ text: String) -> Bool {
        IPAddress(text)?.family == .ipv4
    }
}
