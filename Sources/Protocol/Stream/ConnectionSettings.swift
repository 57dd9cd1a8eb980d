/// Everything needed to open an authenticated session, gathered by the command from flags,
/// environment and config. The password is held here and nowhere else, and never shown:
/// descriptions, reflection and `dump()` print `<redacted>` in its place.
public struct ConnectionSettings: Sendable, SecretHolding {
    public var jid: JID
    public var password: String
    /// `HOST[:PORT]` to connect to instead of looking up SRV records.
    public var server: String?
    public var tlsMode: TLSMode
    /// Extra trusted CA certificates (PEM).
    public var caFile: String?
    /// Skip certificate verification (`--insecure`).
    public var insecure: Bool
    /// The resource to ask for; `nil` lets the server assign one.
    public var resource: String?
    /// Whether to enable XEP-0198 stream management when offered.
    public var streamManagement: Bool
    /// Whether to ask for a resumable stream (XEP-0198 §5), for long-running commands.
    public var resumable = false
    /// The proxy to connect through (`--proxy`, `ALL_PROXY`), and the hosts it is not used
    /// for (`NO_PROXY`).
    public var proxy: ProxyConfiguration?
    public var noProxy = NoProxyRules("")
    /// Whether TLS asks for a stapled OCSP response, for reports (`doctor`).
    public var requestsOCSPStatus = false

    public init(
        jid: JID, password: String, server: String? = nil, tlsMode: TLSMode = .auto,
        caFile: String? = nil, insecure: Bool = false, resource: String? = nil,
        streamManagement: Bool = true
    ) {
        self.jid = jid
        self.password = password
        self.server = server
        self.tlsMode = tlsMode
        self.caFile = caFile
        self.insecure = insecure
        self.resource = resource
        self.streamManagement = streamManagement
    }
}

extension ConnectionSettings {
    public var visibleFields: KeyValuePairs<String, Any> {
        [
            "jid": jid, "password": Redacted(), "server": server as Any, "tlsMode": tlsMode, "caFile": caFile as Any,
            "insecure": insecure, "resource": resource as Any, "streamManagement": streamManagement,
            "resumable": resumable, "proxy": proxy.map(\.displayName) as Any,
        ]
    }
}
