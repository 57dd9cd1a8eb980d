import XMPPProtocol

/// What the user decided about each device's identity key (CLI.md, "omemo"): blind trust
/// before verification, as Conversations does. A contact's new devices are trusted (`blind`)
/// until one of the contact's devices is trusted by hand; from then on new ones are
/// `undecided`, and not encrypted to, until trusted. `trust = manual` makes every new device
/// undecided. A device is known by its identity key: a device id that shows a new key is a
/// new device.
struct OMEMOTrust: Equatable {
    enum Level: String, CaseIterable {
        case trusted, blind, undecided, distrusted

        /// Whether messages are encrypted to (and so readable by) the device.
        var isTrusted: Bool { self == .trusted || self == .blind }
    }

    struct Entry: Equatable {
        var fingerprint: String
        var level: Level
    }

    private(set) var entries: [OMEMOAddress: Entry] = [:]

    /// The 64 hex digits the file and comparisons use (no spaces, no type byte).
    static func fingerprint(ofIdentityKey key: [UInt8]) -> String {
        OMEMODevice.fingerprint(ofIdentityKey: key).replacingSpaces()
    }

    /// A FINGERPRINT as people type it: any case, spaces or colons, with or without the
    /// `05` type byte; nil when it is not 32 bytes of hex.
    static func normalized(_ text: String) -> String? {
        var hex = String(text.lowercased().unicodeScalars.filter { $0 != " " && $0 != ":" })
        if hex.utf8.count == 66 && hex.hasPrefix("05") { hex.removeFirst(2) }
        guard hex.utf8.count == 64, Hex.decode(hex) != nil else { return nil }
        return hex
    }

    /// The level of `address` showing `identityKey`, recording a device seen for the first time.
    mutating func level(of address: OMEMOAddress, identityKey: [UInt8], blindTrust: Bool) -> Level {
        let fingerprint = Self.fingerprint(ofIdentityKey: identityKey)
        if let entry = entries[address], entry.fingerprint == fingerprint { return entry.level }
        let verified = entries.contains { $0.key.jid == address.jid && $0.value.level == .trusted }
        let level: Level = blindTrust && !verified ? .blind : .undecided
        entries[address] = Entry(fingerprint: fingerprint, level: level)
        return level
    }

    /// Sets the level of `jid`'s devices with `fingerprint`; how many there were.
    mutating func set(_ level: Level, jid: String, fingerprint: String) -> Int {
        let matching = entries.filter { $0.key.jid == jid && $0.value.fingerprint == fingerprint }.map(\.key)
        for address in matching { entries[address]?.level = level }
        return matching.count
    }

    func entry(_ address: OMEMOAddress) -> Entry? { entries[address] }

    // MARK: The `trust` file: a header, then "JID DEVICE FINGERPRINT LEVEL" lines.

    static let header = "xmpp-cli omemo trust 1"

    var formatted: String {
        ([Self.header] + entries.sorted { $0.key < $1.key }.map { "\($0.key.jid) \($0.key.device) \($0.value.fingerprint) \($0.value.level.rawValue)" })
            .joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String) -> OMEMOTrust? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(header), lines.last == "" else { return nil }
        var trust = OMEMOTrust()
        for line in lines.dropFirst().dropLast() {
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 4, let device = UInt32(words[1]), let fingerprint = normalized(words[2]),
                let level = Level(rawValue: words[3])
            else { return nil }
            trust.entries[OMEMOAddress(jid: words[0], device: device)] = Entry(fingerprint: fingerprint, level: level)
        }
        _ = lines.removeLast()
        return trust
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { String(unicodeScalars.filter { $0 != " " }) }
}
