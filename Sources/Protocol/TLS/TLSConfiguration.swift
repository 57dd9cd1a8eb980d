/// How a `TLSConnection` authenticates the server: the name it must prove, whom to trust,
/// and the ALPN protocols to offer.
public struct TLSConfiguration: Sendable {
    /// The JID's domain: sent as SNI, and the DNS-ID the certificate must match (RFC 6125;
    /// an IP address literal is matched against the certificate's IP addresses instead).
    public var serverName: String
    /// A PEM file whose CA certificates are trusted in addition to the system store.
    public var caFile: String?
    /// False only for `--insecure`: the certificate is then not checked at all.
    public var verifyCertificate: Bool
    /// ALPN protocol names to offer, in order of preference: "xmpp-client" for direct TLS
    /// (XEP-0368); harmless on STARTTLS.
    public var alpn: [String]
    /// Whether to ask the server to staple its certificate's OCSP response (for reports:
    /// the response is not checked, only whether one came).
    public var requestsOCSPStatus = false

    public init(
        serverName: String, caFile: String? = nil, verifyCertificate: Bool = true,
        alpn: [String] = ["xmpp-client"]
    ) {
        self.serverName = serverName
        self.caFile = caFile
        self.verifyCertificate = verifyCertificate
        self.alpn = alpn
    }
}
