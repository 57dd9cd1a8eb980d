/// Opens the byte stream to the account's server: endpoints from the given server or DNS SRV,
/// TCP to each in turn, and TLS from the first byte on direct-TLS endpoints (XEP-0368).
enum Connector {
    /// A connected transport and what the later stages need to know about it.
    struct Connected {
        var transport: Transport
        var tcp: TCPConnection
        var tls: TLSConnection?
        var endpoint: Endpoint
        /// "host (address)" for messages.
        var peerName: String
        /// The TCP connect's round trip, and those of a direct-TLS handshake.
        var roundTrips: Int
        /// For STARTTLS: the TLS context made during the TCP connect.
        var tlsContext: Result<TLSContext, TransportError>
    }

    /// The longest one endpoint may take to connect while others remain to be tried, so a
    /// black-holed first address does not eat the whole `--timeout`.
    static let perEndpointConnectLimit = 10.0

    static func connect(settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?) throws(XMPPError) -> Connected {
        let domain = settings.jid.domainpart
        let endpoints: [Endpoint]
        do {
            endpoints = try EndpointResolver.endpoints(
                domain: domain, server: settings.server, mode: settings.tlsMode, deadline: deadline)
        } catch {
            switch error {
            case .invalidServer(let server):
                throw .unreachable("invalid server address '\(server)': expected HOST or HOST:PORT")
            case .serviceUnavailable(let domain):
                throw .unreachable("\(domain) says in DNS that it offers no XMPP client service", remedy: .checkDomainOrServer)
            case .dnsFailed(let reason):
                throw .unreachable("DNS look-up for \(domain) failed: \(reason)", remedy: .checkDomainOrServer)
            }
        }
        if let tracer {
            let source = settings.server == nil ? "DNS" : "the given server address"
            tracer(.stage("endpoints for \(domain) from \(source): \(endpoints.map(\.description).joined(separator: ", "))"))
        }
        // Making a TLS context takes milliseconds (OpenSSL's configuration, the trust store):
        // done once, while the first TCP handshake is on its way.
        let tlsConfiguration = TLSUpgrade.configuration(for: settings)
        var tlsContext: Result<TLSContext, TransportError>?
        let prepareTLS = {
            if tlsContext == nil {
                tlsContext = Result { () throws(TransportError) in try TLSContext(configuration: tlsConfiguration) }
            }
        }
        var failures: [String] = []
        for (index, endpoint) in endpoints.enumerated() {
            let isLast = index == endpoints.count - 1
            let attemptDeadline = isLast ? deadline : deadline.earlier(.after(seconds: perEndpointConnectLimit))
            let addresses: [IPAddress]
            do {
                addresses = try HostResolver().addresses(of: endpoint.host, deadline: attemptDeadline)
            } catch {
                // The last endpoint's look-up has the whole deadline: its running out is ours.
                if case .timedOut = error, isLast || deadline.hasPassed {
                    throw .timedOut("resolving \(endpoint.host) (\(error.reason))")
                }
                failures.append("\(endpoint.host) port \(endpoint.port): \(error.reason)")
                continue
            }
            let tcp: TCPConnection
            do {
                tcp = try TCPConnection.connect(
                    to: addresses, port: endpoint.port, deadline: attemptDeadline, whileConnecting: prepareTLS)
            } catch {
                if case .timedOut = error, deadline.hasPassed {
                    throw .timedOut("connecting to \(endpoint.host) port \(endpoint.port)")
                }
                failures.append(describeConnectFailure(error, endpoint: endpoint))
                continue
            }
            prepareTLS()
            let context = tlsContext!
            let peerName = "\(endpoint.host) (\(tcp.remoteAddress))"
            tracer?(.stage("connected to \(endpoint.host) port \(endpoint.port) (\(tcp.remoteAddress))\(endpoint.directTLS ? ", direct TLS" : "")"))
            guard endpoint.directTLS else {
                return Connected(
                    transport: tcp, tcp: tcp, tls: nil, endpoint: endpoint, peerName: peerName, roundTrips: 1,
                    tlsContext: context)
            }
            let tls = try TLSUpgrade.handshake(
                tcp: tcp, context: context, settings: settings, peerName: peerName, deadline: deadline, tracer: tracer)
            return Connected(
                transport: tls, tcp: tcp, tls: tls, endpoint: endpoint, peerName: peerName,
                roundTrips: 1 + tls.handshakeRoundTrips, tlsContext: context)
        }
        let summary = failures.isEmpty ? "no address to connect to" : failures.joined(separator: "; ")
        throw .unreachable("cannot connect to the server of \(domain): \(summary)", remedy: .checkServerIsRunning)
    }

    private static func describeConnectFailure(_ error: TransportError, endpoint: Endpoint) -> String {
        let target = "\(endpoint.host) port \(endpoint.port)"
        switch error {
        case .timedOut: return "\(target): timed out"
        case .system(_, let message): return "\(target): \(message)"
        case .connectionLost(let message): return "\(target): \(message)"
        case .closed: return "\(target): closed"
        case .tls: return "\(target): TLS failed"
        }
    }
}

/// The TLS handshake on a TCP connection, shared by direct TLS and STARTTLS.
enum TLSUpgrade {
    static func configuration(for settings: ConnectionSettings) -> TLSConfiguration {
        TLSConfiguration(
            serverName: settings.jid.domainpart, caFile: settings.caFile,
            verifyCertificate: !settings.insecure, alpn: ["xmpp-client"])
    }

    /// `context` was made from `configuration(for: settings)`.
    static func handshake(
        tcp: TCPConnection, context: Result<TLSContext, TransportError>, settings: ConnectionSettings,
        peerName: String, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> TLSConnection {
        let tls: TLSConnection
        do {
            tls = try TLSConnection.handshake(
                over: tcp, context: context, configuration: configuration(for: settings), deadline: deadline)
        } catch {
            switch error {
            case .tls(let failure): throw .tls(failure, server: peerName)
            case .timedOut: throw .timedOut("during the TLS handshake with \(peerName)")
            default: throw StreamConnection.mapTransportError(error, while: "during the TLS handshake", peer: peerName)
            }
        }
        let verified = settings.insecure ? "certificate NOT verified (verification turned off)" : "certificate verified for \(settings.jid.domainpart)"
        tracer?(.stage("TLS: \(tls.protocolVersion), \(tls.cipher), \(verified)"))
        return tls
    }
}
