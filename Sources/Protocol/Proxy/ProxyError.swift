/// Why a proxy could not be used or would not open the tunnel.
///
/// Each case names the proxy by `ProxyConfiguration.displayName`, so no message ever holds
/// the user name or password; text the proxy sent is quoted as it came (cut short), and
/// escaping it is the job of whoever prints it.
public enum ProxyError: Error, Equatable, Sendable {
    /// The proxy URL cannot be used; the reason never quotes the URL's credentials.
    case invalidURL(String)
    /// The target cannot be put in this proxy's request (a name longer than SOCKS5's 255
    /// bytes, a name where socks5:// needs an address).
    case invalidTarget(proxy: String, reason: String)
    /// The proxy would not open the tunnel: its reply, in words.
    case refused(proxy: String, target: String, reason: String)
    /// The proxy asks for a user name and password and the URL has none.
    case authenticationRequired(proxy: String)
    /// The proxy did not accept the URL's user name and password.
    case authenticationRefused(proxy: String)
    /// The reply broke the proxy's protocol, or ended before it was whole.
    case malformedReply(proxy: String, reason: String)
    /// The proxy sent bytes beyond its reply before anything went through the tunnel. An
    /// XMPP client speaks first, so such a proxy is broken.
    case unexpectedData(proxy: String, count: Int)
    /// The deadline passed during the handshake.
    case timedOut(proxy: String)
    /// The connection to the proxy failed.
    case transport(proxy: String, TransportError)
}

extension ProxyError: CustomStringConvertible {
    /// One line for stderr.
    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid proxy URL: \(reason)"
        case .invalidTarget(let proxy, let reason):
            return "cannot ask the proxy \(proxy) for this server: \(reason)"
        case .refused(let proxy, let target, let reason):
            return "the proxy \(proxy) did not open a connection to \(target): \(reason)"
        case .authenticationRequired(let proxy):
            return "the proxy \(proxy) requires a user name and password, and the proxy URL has none"
        case .authenticationRefused(let proxy):
            return "the proxy \(proxy) did not accept the user name and password of the proxy URL"
        case .malformedReply(let proxy, let reason):
            return "the proxy \(proxy) sent a malformed reply: \(reason)"
        case .unexpectedData(let proxy, let count):
            let bytes = count == 1 ? "1 byte" : "\(count) bytes"
            return
                "the proxy \(proxy) sent \(bytes) after its reply, before anything was sent through it: it is not a working proxy"
        case .timedOut(let proxy):
            return "timed out waiting for the proxy \(proxy)"
        case .transport(let proxy, let error):
            return "the connection to the proxy \(proxy) failed: \(Self.words(for: error))"
        }
    }

    private static func words(for error: TransportError) -> String {
        switch error {
        case .timedOut: "timed out"
        case .connectionLost(let reason): "connection lost (\(reason))"
        case .closed: "the connection was closed"
        case .system(let call, let message): "\(call): \(message)"
        case .tls(let failure): "TLS: \(failure)"
        }
    }
}
