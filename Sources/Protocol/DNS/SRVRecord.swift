/// One DNS SRV resource record (RFC 2782).
///
/// `target` is lowercased and has no trailing dot; the root domain, which means "service
/// not available", is ".".
public struct SRVRecord: Equatable, Sendable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: String

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    /// Whether the target is the root domain, RFC 2782's "decidedly not available".
    public var isUnavailableMarker: Bool { target == "." }
}

/// Looks up the SRV records for one owner name, such as "_xmpp-client._tcp.example.org".
///
/// `SystemSRVLookup` asks the system resolver; tests supply canned answers.
public protocol SRVLookup {
    /// The records for `name`; an empty array when the name or the records do not exist
    /// (NXDOMAIN, NODATA). Throws `.dnsFailed` for anything else.
    func lookup(_ name: String, deadline: Deadline) throws(EndpointError) -> [SRVRecord]
}
