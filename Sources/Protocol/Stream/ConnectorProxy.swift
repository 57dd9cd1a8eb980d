/// Connecting through a proxy (`--proxy`): TCP to the proxy (its addresses raced as any
/// server's), then its handshake (SOCKS5, HTTP CONNECT) to the endpoint. With socks5:// the
/// endpoint's name is resolved here and its addresses asked for in turn; socks5h:// and
/// http:// hand the proxy the name.
extension Connector {
    /// The round trips of the proxy's handshake: HTTP CONNECT's request; SOCKS5's greeting
    /// and request, and its username/password exchange between them when the URL has them.
    static func handshakeRoundTrips(_ proxy: ProxyConfiguration) -> Int {
        switch proxy.kind {
        case .http: 1
        case .socks5, .socks5h: proxy.hasCredentials ? 3 : 2
        }
    }

    static func connectThrough(
        _ proxy: ProxyConfiguration, to endpoint: Endpoint, prepareTLS: () -> Void, deadline: Deadline, tracer: Tracer?
    ) throws(XMPPError) -> TCPConnection {
        let proxyTarget = "the proxy \(proxy.displayName)"
        let targets: [ProxyTarget]
        if proxy.kind.proxyResolvesNames {
            targets = [.name(endpoint.host, port: endpoint.port)]
        } else {
            targets = try resolve(endpoint.host, target: "\(endpoint.host) port \(endpoint.port)", deadline: deadline)
                .map { .address($0, port: endpoint.port) }
        }
        let proxyAddresses = try resolve(proxy.host, target: proxyTarget, deadline: deadline)
        var refusals: [String] = []
        for target in targets {
            let tcp = try tcpConnect(
                proxyAddresses, port: proxy.port, target: proxyTarget, prepareTLS: prepareTLS, deadline: deadline,
                tracer: tracer)
            do {
                try ProxyHandshake.open(on: tcp, proxy: proxy, to: target, deadline: deadline)
                tracer?(.stage("\(proxy.displayName) opened a tunnel to \(target)"))
                return tcp
            } catch {
                tcp.close()
                // Another address of the endpoint may be reachable from the proxy.
                if case .refused = error, targets.count > 1 {
                    refusals.append(error.description)
                    tracer?(.stage(error.description))
                    continue
                }
                throw xmppError(error)
            }
        }
        throw .unreachable(refusals.joined(separator: "; "), remedy: .checkProxy)
    }

    /// A proxy's failure as the connection's: what the proxy refused is unreachable (69),
    /// with the proxy's reply in words.
    private static func xmppError(_ error: ProxyError) -> XMPPError {
        switch error {
        case .timedOut: return .timedOut("waiting for the proxy (\(error))")
        case .authenticationRequired, .authenticationRefused: return .unreachable(error.description, remedy: .checkProxyCredentials)
        default: return .unreachable(error.description, remedy: .checkProxy)
        }
    }
}

extension ConnectionSettings {
    /// The proxy to reach `host` through: none where NO_PROXY names it.
    func proxyFor(_ host: String) -> ProxyConfiguration? {
        guard let proxy, !noProxy.excludes(host: host) else { return nil }
        return proxy
    }
}
