/// A place to open a TCP connection to, and whether TLS starts with the first byte.
///
/// `host` is a host name or an IP address without brackets; `directTLS` is true for
/// XEP-0368 direct TLS and false for a plain connection that negotiates STARTTLS.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var directTLS: Bool

    public init(host: String, port: UInt16, directTLS: Bool) {
        self.host = host
        self.port = port
        self.directTLS = directTLS
    }

    /// "host:port" ("[v6]:port" for IPv6), with the TLS kind: for progress messages.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "\(hostText):\(port) (\(directTLS ? "direct TLS" : "STARTTLS"))"
    }
}

/// How TLS is started (`--tls`): `auto` follows the SRV records of both kinds, `starttls`
/// and `direct` force one kind.
public enum TLSMode: String, Sendable, CaseIterable {
    case auto, starttls, direct
}

/// Why no endpoint list could be made.
public enum EndpointError: Error, Equatable, Sendable {
    /// The `--server` value is not "host", "host:port", "[v6]:port" or a bare IPv6 address;
    /// the payload is a one-line explanation naming the value.
    case invalidServer(String)
    /// The domain's SRV records say the service is decidedly not available (target ".").
    case serviceUnavailable(domain: String)
    /// The DNS look-up failed (timeout, server failure, malformed answer).
    case dnsFailed(String)

    /// One line saying what failed, for an error report.
    public var message: String {
        switch self {
        case .invalidServer(let explanation):
            return "invalid server: \(explanation)"
        case .serviceUnavailable(let domain):
            return "\(domain) does not offer XMPP client service (its SRV record has the target \".\")"
        case .dnsFailed(let explanation):
            return "DNS look-up failed: \(explanation)"
        }
    }
}
