/// Turns a TCP connection to a proxy into a tunnel to the XMPP server.
///
/// The connection is made by the caller (to the proxy's address, within the same deadline);
/// after `open` returns, it leads to the target and nothing of what came through it has
/// been read: the stream, STARTTLS or direct TLS starts on it as on a direct connection.
public enum ProxyHandshake {
    /// Runs `proxy`'s handshake on `tcp` to reach `target`, every wait ending by `deadline`.
    ///
    /// socks5:// needs an `.address` target (names are resolved by the client); socks5h://
    /// and http:// send a `.name` to the proxy and also take an `.address`.
    public static func open(
        on tcp: TCPConnection, proxy: ProxyConfiguration, to target: ProxyTarget, deadline: Deadline
    ) throws(ProxyError) {
        let channel = ProxyChannel(tcp: tcp, proxy: proxy.displayName, deadline: deadline)
        switch proxy.kind {
        case .socks5, .socks5h:
            if proxy.kind == .socks5, case .name = target {
                throw .invalidTarget(
                    proxy: proxy.displayName,
                    reason:
                        "socks5:// is given addresses, so the name must be resolved first (socks5h:// lets the proxy resolve it)")
            }
            try SOCKS5Handshake(channel: channel, proxy: proxy, target: target).run()
        case .http:
            try HTTPConnectHandshake(channel: channel, proxy: proxy, target: target).run()
        }
        try channel.expectNothingMore(target: target)
    }
}
