/// A proxy to open the TCP connection through, as `--proxy` or `ALL_PROXY` names it.
///
/// The password (and the user name with it) is a secret: descriptions, mirrors and
/// `dump()` show neither, and `displayName`, which every message uses, never has them.
public struct ProxyConfiguration: Sendable, Equatable, SecretHolding {
    /// The protocol spoken to the proxy.
    public enum Kind: String, Sendable, CaseIterable {
        /// SOCKS5 (RFC 1928) with addresses: host names are resolved by the client.
        case socks5
        /// SOCKS5 with host names: the proxy resolves them (what makes `.onion` reachable).
        case socks5h
        /// HTTP CONNECT (RFC 9110 §9.3.6); the proxy resolves names.
        case http

        /// Whether the target's host name is sent to the proxy rather than resolved first.
        public var proxyResolvesNames: Bool { self != .socks5 }
    }

    /// The port a proxy URL without one means, as curl reads it.
    public static let defaultPort: UInt16 = 1080

    public var kind: Kind
    /// A host name or an address literal; IPv6 without brackets.
    public var host: String
    public var port: UInt16
    /// Sent to the proxy (SOCKS5 username/password, HTTP Basic), never shown.
    public var username: String?
    public var password: String?

    public init(kind: Kind, host: String, port: UInt16 = defaultPort, username: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// The proxy's host when it is an address literal, so that it needs no name resolution.
    public var address: IPAddress? { IPAddress(host) }

    /// Whether there is anything to authenticate with.
    public var hasCredentials: Bool { username != nil || password != nil }

    /// "socks5h://127.0.0.1:9050", "http://[::1]:3128": how every message names the proxy.
    /// Never the credentials, not even the user name.
    public var displayName: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(kind.rawValue)://\(shownHost):\(port)"
    }
}

extension ProxyConfiguration {
    public var visibleFields: KeyValuePairs<String, Any> {
        [
            "kind": kind, "host": host, "port": port,
            "username": (username == nil ? nil : Redacted()) as Any,
            "password": (password == nil ? nil : Redacted()) as Any,
        ]
    }
}
