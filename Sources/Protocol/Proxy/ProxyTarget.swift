/// Where the tunnel through a proxy leads: the XMPP server's host and port.
public enum ProxyTarget: Sendable, Equatable, CustomStringConvertible {
    /// A host name for the proxy to resolve (socks5h, http).
    case name(String, port: UInt16)
    /// An address the client resolved (socks5; http may be given one too).
    case address(IPAddress, port: UInt16)

    public var port: UInt16 {
        switch self {
        case .name(_, let port), .address(_, let port): port
        }
    }

    /// "xmpp.example.org:5222", "192.0.2.1:5222", "[2001:db8::1]:5222": what HTTP CONNECT
    /// asks for, and how messages name the target.
    public var description: String {
        switch self {
        case .name(let name, let port):
            return "\(name):\(port)"
        case .address(let address, let port):
            return address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
    }
}
