/// Opens the byte stream to the account's server: endpoints from the given server or DNS SRV,
/// each tried in turn until one opens, and TLS from the first byte on direct-TLS endpoints
/// (XEP-0368).
enum Connector {
    /// A connected transport and what the later stages need to know about it.
    struct Connected {
        var transport: Transport
        var tcp: TCPConnection
        var tls: TLSConnection?
        var endpoint: Endpoint
        /// "host (address)" for messages.
        var peerName: String
        /// The TCP connect's round trip, a proxy's handshake, and a direct-TLS handshake's.
        var roundTrips: Int
        /// For STARTTLS: the TLS context made during the TCP connect.
        var tlsContext: Result<TLSContext, TransportError>
    }

    /// The longest one endpoint may take to open while others remain to be tried, so a
    /// black-holed first endpoint does not eat the whole `--timeout`.
    static let perEndpointLimit = 10.0

    /// Tries the endpoints in order until one connects and `open` succeeds on it; returns
    /// what `open` made. `open` gets the connection and the endpoint's own deadline, and
    /// does what must succeed for the endpoint to count as working (STARTTLS, the stream's
    /// features): a failure there that another endpoint may not share (unreachable, timed
    /// out, lost, TLS, a stream that is not XMPP) moves on to the next endpoint, on a new
    /// connection. Nothing of the account has been sent on a failed attempt, unless `open`
    /// sent it: it must only send what the server has not processed when it fails.
    ///
    /// When every endpoint fails, the error names each and why. A certificate that did not
    /// verify stays that failure (never a reason to lower the standards elsewhere).
    /// `preferred`, the endpoint that worked last time, goes first if it is still one of them.
    static func openFirstWorking<Opened>(
        settings: ConnectionSettings, preferring preferred: Endpoint? = nil, deadline: Deadline, tracer: Tracer?,
        _ open: (Connected, Deadline) throws(XMPPError) -> Opened
    ) throws(XMPPError) -> Opened {
        var endpoints = try endpoints(settings: settings, deadline: deadline, tracer: tracer)
        if let preferred, let index = endpoints.firstIndex(of: preferred), index > 0 {
            endpoints.insert(endpoints.remove(at: index), at: 0)
            tracer?(.stage("trying \(preferred.description) first: it worked last time"))
        }
        let tlsContext = PreparedTLSContext(configuration: TLSUpgrade.configuration(for: settings))
        var failures: [(endpoint: Endpoint, error: XMPPError)] = []
        for (index, endpoint) in endpoints.enumerated() {
            let remaining = endpoints.count - index
            let attemptDeadline = remaining == 1
                ? deadline : deadline.earlier(.after(seconds: min(perEndpointLimit, deadline.remainingSeconds / Double(remaining))))
            do throws(XMPPError) {
                let connected = try connect(
                    to: endpoint, settings: settings, tlsContext: tlsContext, deadline: attemptDeadline, tracer: tracer)
                do throws(XMPPError) {
                    return try open(connected, attemptDeadline)
                } catch {
                    connected.transport.close()
                    throw error
                }
            } catch {
                guard movesOn(error) else { throw error }
                failures.append((endpoint, error))
                if remaining > 1 {
                    tracer?(.stage("\(endpoint.description) failed (\(error)); trying the next endpoint"))
                }
            }
        }
        // One endpoint's failure says it best itself, unless it is one of reaching it.
        if failures.count == 1, case let error = failures[0].error, !error.isUnreachable { throw error }
        throw summary(of: failures, domain: settings.jid.domainpart, deadline: deadline)
    }

    /// The endpoints for the account's domain, from `--server` or DNS.
    private static func endpoints(settings: ConnectionSettings, deadline: Deadline, tracer: Tracer?) throws(XMPPError) -> [Endpoint] {
        let domain = settings.jid.domainpart
        let endpoints: [Endpoint]
        let namesByProxy = settings.proxyFor(domain)?.kind == .socks5h
        do {
            if namesByProxy {
                if settings.server == nil {
                    tracer?(.stage("no DNS SRV look-up: the socks5h proxy resolves names itself and cannot look up SRV records"))
                }
                endpoints = try EndpointResolver.fallbackEndpoints(domain: domain, server: settings.server, mode: settings.tlsMode)
            } else {
                endpoints = try EndpointResolver.endpoints(
                    domain: domain, server: settings.server, mode: settings.tlsMode, deadline: deadline)
            }
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
            let source = settings.server != nil ? "the given server address" : namesByProxy ? "the domain (no SRV)" : "DNS"
            tracer(.stage("endpoints for \(domain) from \(source): \(endpoints.map(\.description).joined(separator: ", "))"))
        }
        return endpoints
    }

    /// One endpoint: its addresses, TCP (Happy Eyeballs), and on a direct-TLS endpoint the
    /// handshake, all within `deadline`.
    private static func connect(
        to endpoint: Endpoint, settings: ConnectionSettings, tlsContext: PreparedTLSContext, deadline: Deadline,
        tracer: Tracer?
    ) throws(XMPPError) -> Connected {
        let prepareTLS = { _ = tlsContext.result }
        let target = "\(endpoint.host) port \(endpoint.port)"
        let tcp: TCPConnection
        let peerName: String
        var roundTrips = 1
        if let proxy = settings.proxyFor(endpoint.host) {
            roundTrips += handshakeRoundTrips(proxy)
            tcp = try connectThrough(proxy, to: endpoint, prepareTLS: prepareTLS, deadline: deadline, tracer: tracer)
            peerName = "\(endpoint.host) (through \(proxy.displayName))"
            tracer?(.stage("connected to \(target) through \(proxy.displayName)\(endpoint.directTLS ? ", direct TLS" : "")"))
        } else {
            let addresses = try resolve(endpoint.host, target: target, deadline: deadline)
            let started = Deadline.now()
            tcp = try tcpConnect(addresses, port: endpoint.port, target: target, prepareTLS: prepareTLS, deadline: deadline, tracer: tracer)
            tracer?(.fact(.tcpConnected(endpoint: endpoint, address: tcp.remoteAddress, milliseconds: started.millisecondsSince)))
            peerName = "\(endpoint.host) (\(tcp.remoteAddress))"
            tracer?(.stage("connected to \(target) (\(tcp.remoteAddress))\(endpoint.directTLS ? ", direct TLS" : "")"))
        }
        guard endpoint.directTLS else {
            return Connected(
                transport: tcp, tcp: tcp, tls: nil, endpoint: endpoint, peerName: peerName, roundTrips: roundTrips,
                tlsContext: tlsContext.result)
        }
        let tls = try TLSUpgrade.handshake(
            tcp: tcp, context: tlsContext.result, settings: settings, peerName: peerName, deadline: deadline, tracer: tracer)
        return Connected(
            transport: tls, tcp: tcp, tls: tls, endpoint: endpoint, peerName: peerName,
            roundTrips: roundTrips + tls.handshakeRoundTrips, tlsContext: tlsContext.result)
    }

    /// The addresses of `host`, for connecting to `target`.
    static func resolve(_ host: String, target: String, deadline: Deadline) throws(XMPPError) -> [IPAddress] {
        do {
            return try HostResolver().addresses(of: host, deadline: deadline)
        } catch {
            if case .timedOut = error { throw .timedOut("resolving \(host) (\(error.reason))") }
            throw .unreachable("\(target): \(error.reason)", remedy: .checkDomainOrServer)
        }
    }

    /// TCP with Happy Eyeballs to `addresses`, each attempt traced.
    static func tcpConnect(
        _ addresses: [IPAddress], port: UInt16, target: String, prepareTLS: () -> Void, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> TCPConnection {
        do {
            return try TCPConnection.connect(
                to: addresses, port: port, deadline: deadline, whileConnecting: prepareTLS,
                report: { attempt in tracer?(.stage("TCP to \(target) at \(attempt.description)")) })
        } catch {
            throw describeConnectFailure(error, target: target)
        }
    }

    /// Whether another endpoint may do better than one that failed with `error`.
    private static func movesOn(_ error: XMPPError) -> Bool {
        switch error {
        case .tls(.configuration, _):
            return false  // ours (a CA file), the same everywhere
        case .unreachable, .timedOut, .connectionLost, .tls, .tlsUnavailable, .protocolViolation, .streamError:
            return true
        case .refusedBeforeSession, .authenticationFailed, .tokenRefused, .stanzaError, .refused:
            return false
        }
    }

    /// The error for a run in which every endpoint failed: a certificate failure if there
    /// was one, a timeout if the whole deadline went, else unreachable; each naming every
    /// endpoint and why it failed.
    private static func summary(of failures: [(endpoint: Endpoint, error: XMPPError)], domain: String, deadline: Deadline) -> XMPPError {
        let each = failures.map { failure in
            // What `connect` found unreachable names the host and port already.
            if case .unreachable(let what, _) = failure.error { return what }
            return "\(failure.endpoint.host) port \(failure.endpoint.port): \(failure.error)"
        }.joined(separator: "; ")
        if let certificate = failures.first(where: { if case .tls(.certificateNotTrusted, _) = $0.error { true } else { false } }),
            case .tls(.certificateNotTrusted(let reason), let server) = certificate.error
        {
            return .tls(.certificateNotTrusted("\(reason) (every endpoint of \(domain) failed: \(each))"), server: server)
        }
        if deadline.hasPassed {
            return .timedOut("connecting to the server of \(domain) (every endpoint failed: \(each))")
        }
        // What every endpoint's failure says to check, if they agree (the proxy, say).
        let remedies = failures.map(\.error.remedy)
        let remedy = remedies.allSatisfy { $0 == remedies.first } ? remedies.first ?? nil : nil
        return .unreachable("cannot connect to the server of \(domain): \(each)", remedy: remedy ?? .checkServerIsRunning)
    }

    static func describeConnectFailure(_ error: TransportError, target: String) -> XMPPError {
        switch error {
        case .timedOut: return .timedOut("connecting to \(target)")
        case .system(_, let message): return .unreachable("\(target): \(message)", remedy: .checkServerIsRunning)
        case .connectionLost(let message): return .unreachable("\(target): \(message)", remedy: .checkServerIsRunning)
        case .closed: return .unreachable("\(target): closed", remedy: .checkServerIsRunning)
        case .tls: return .unreachable("\(target): TLS failed", remedy: .checkServerIsRunning)
        }
    }
}

/// The TLS context of a connect, made the first time it is asked for: `Connector` asks while
/// the first TCP handshake is on its way, since making one takes milliseconds (OpenSSL's
/// configuration, the trust store), and every endpoint tried shares it.
final class PreparedTLSContext {
    private let configuration: TLSConfiguration
    private(set) lazy var result = Result { () throws(TransportError) in try TLSContext(configuration: configuration) }

    init(configuration: TLSConfiguration) {
        self.configuration = configuration
    }
}

extension XMPPError {
    fileprivate var isUnreachable: Bool {
        if case .unreachable = self { true } else { false }
    }
}

/// The TLS handshake on a TCP connection, shared by direct TLS and STARTTLS.
enum TLSUpgrade {
    static func configuration(for settings: ConnectionSettings) -> TLSConfiguration {
        var configuration = TLSConfiguration(
            serverName: settings.jid.domainpart, caFile: settings.caFile,
            verifyCertificate: !settings.insecure, alpn: ["xmpp-client"])
        configuration.requestsOCSPStatus = settings.requestsOCSPStatus
        return configuration
    }

    /// `context` was made from `configuration(for: settings)`.
    static func handshake(
        tcp: TCPConnection, context: Result<TLSContext, TransportError>, settings: ConnectionSettings,
        peerName: String, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> TLSConnection {
        let tls: TLSConnection
        let started = Deadline.now()
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
        if let tracer {
            tracer(.fact(.tlsEstablished(tls.facts(verified: !settings.insecure), milliseconds: started.millisecondsSince)))
            tracer(.stage("TLS: \(tls.protocolVersion), \(tls.cipher), \(verified)"))
        }
        return tls
    }
}
