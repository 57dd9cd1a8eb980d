/// STARTTLS (RFC 6120 §5): upgrade a plain TCP stream to TLS before anything of the
/// account is sent. A server that does not offer it is refused: never send credentials
/// unencrypted.
enum StartTLS {
    /// Reads the features that answer the stream header, and the answer to `<starttls/>`,
    /// which goes out with the header: xmpp-cli never logs in without TLS, so the request
    /// needs nothing from the features, and asking at once saves a round trip. Returns the
    /// TLS connection, handshake done and certificate verified.
    static func negotiate(
        stream: StreamConnection, tcp: TCPConnection, context: Result<TLSContext, TransportError>,
        settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> TLSConnection {
        stream.queue(XMLElement("starttls", namespace: Namespace.tls))
        let features = try stream.readHeaderAndFeatures(deadline: deadline)
        guard features.child("starttls", namespace: Namespace.tls) != nil else {
            throw .tlsUnavailable(
                "\(stream.peerName) does not offer STARTTLS, and xmpp-cli never logs in without TLS",
                remedy: .tryDirectTLS)
        }
        let answer = try stream.nextElement(deadline: deadline, waitingFor: "the answer to STARTTLS")
        guard answer.namespace == Namespace.tls, answer.name == "proceed" else {
            if answer.namespace == Namespace.tls, answer.name == "failure" {
                throw .tlsUnavailable("\(stream.peerName) refused STARTTLS; check the server's TLS set-up")
            }
            throw .protocolViolation("expected <proceed/> after STARTTLS, got <\(answer.name)>")
        }
        let tls = try TLSUpgrade.handshake(
            tcp: tcp, context: context, settings: settings, peerName: stream.peerName, deadline: deadline, tracer: tracer)
        stream.countRoundTrips(tls.handshakeRoundTrips)
        return tls
    }
}
