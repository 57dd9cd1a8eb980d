/// XEP-0474 (SASL SCRAM Downgrade Protection, 0.5.0): the server puts into its
/// server-first-message an `h` attribute, the hash of the mechanisms and channel-binding
/// types it advertised. The attribute is part of SCRAM's AuthMessage, so the server's
/// signature covers it; comparing it with the hash of what we received shows whether
/// someone between us stripped mechanisms or binding types from the offer.
public struct SCRAMDowngradeProtection: Sendable, Equatable {
    /// The mechanism names as advertised in the profile used (SASL1 or SASL2, not both).
    public var mechanisms: [String]
    /// The XEP-0440 channel-binding types, or nil when the server advertised none.
    public var channelBindingTypes: [String]?

    public init(mechanisms: [String], channelBindingTypes: [String]?) {
        self.mechanisms = mechanisms
        self.channelBindingTypes = channelBindingTypes
    }

    /// The base64 of `hash(S)`: S is the sorted mechanisms joined by %x1E, then, where
    /// channel-binding types were advertised, %x1F and the sorted types joined by %x1E.
    /// Sorting is by octets ("i;octet", RFC 4790 §9.3).
    public func expectedValue(_ hash: HashAlgorithm) -> String {
        var text = Array(Self.sortedByOctets(mechanisms).joined(separator: "\u{1E}").utf8)
        if let channelBindingTypes {
            text.append(0x1F)
            text.append(contentsOf: Self.sortedByOctets(channelBindingTypes).joined(separator: "\u{1E}").utf8)
        }
        return Base64.encode(Digest.hash(hash, text))
    }

    /// Throws unless `received` (the `h` of the server-first-message) matches. A server that
    /// sends no `h` does not implement XEP-0474, and nothing is checked.
    func verify(_ received: String?, hash: HashAlgorithm) throws(SASLError) {
        guard let received else { return }
        let expected = expectedValue(hash)
        guard Digest.constantTimeEquals(Array(received.utf8), Array(expected.utf8)) else {
            let types = channelBindingTypes.map { "; channel bindings: \($0.joined(separator: " "))" } ?? ""
            throw .downgradeDetected(
                "the server signed a different list than the one received (mechanisms: \(mechanisms.joined(separator: " "))\(types))")
        }
    }

    private static func sortedByOctets(_ names: [String]) -> [String] {
        names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
