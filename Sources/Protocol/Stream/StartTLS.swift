/// STARTTLS (RFC 6120 §5): upgrade a plain TCP stream to TLS before anything of the
/// account is sent. A server that does not offer it is refused: never send credentials
/// unencrypted.
enum StartTLS {
    static func negotiate(
        stream: StreamConnection, features: XMLElement, tcp: TCPConnection,
        settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> TLSConnection {
        guard features.child("starttls", namespace: Namespace.tls) != nil else {
            throw .tlsUnavailable(
                "\(stream.peerName) does not offer STARTTLS, and xmpp-cli never logs in without TLS",
                remedy: .tryDirectTLS)
        }
        stream.queue(XMLElement("starttls", namespace: Namespace.tls))
        let answer = try stream.nextElement(deadline: deadline, waitingFor: "the answer to STARTTLS")
        guard answer.namespace == Namespace.tls, answer.name == "proceed" else {
            if answer.namespace == Namespace.tls, answer.name == "failure" {
                throw .tlsUnavailable("\(stream.peerName) refused STARTTLS; check the server's TLS set-up")
            }
            throw .protocolViolation("expected <proceed/> after STARTTLS, got <\(answer.name)>")
        }
        return try TLSUpgrade.handshake(tcp: tcp, settings: settings, peerName: stream.peerName, deadline: deadline, tracer: tracer)
    }
}
