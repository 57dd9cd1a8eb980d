/// The client side of SOCKS5 (RFC 1928): method negotiation, username/password
/// authentication (RFC 1929) when the proxy URL has credentials, and CONNECT.
///
/// Each step waits for the proxy's answer before the next is sent: a proxy may choose
/// another method than the one we would guess, and some close on a request that came early.
struct SOCKS5Handshake {
    let channel: ProxyChannel
    let proxy: ProxyConfiguration
    let target: ProxyTarget

    private enum Method {
        static let noAuthentication: UInt8 = 0x00
        static let usernamePassword: UInt8 = 0x02
        static let noneAcceptable: UInt8 = 0xFF
    }

    private static let version: UInt8 = 0x05
    private static let connectCommand: UInt8 = 0x01

    func run() throws(ProxyError) {
        let request = try connectRequest()
        try negotiateMethod()
        try channel.write(request)
        try readConnectReply()
    }

    // MARK: Method negotiation

    private func negotiateMethod() throws(ProxyError) {
        let offered = proxy.hasCredentials ? [Method.noAuthentication, Method.usernamePassword] : [Method.noAuthentication]
        try channel.write([Self.version, UInt8(offered.count)] + offered)
        let reply = try channel.read(exactly: 2, of: "its answer to the greeting")
        guard reply[0] == Self.version else { throw notSOCKS5(version: reply[0]) }
        switch reply[1] {
        case Method.noAuthentication:
            return
        case Method.usernamePassword where proxy.hasCredentials:
            try authenticate()
        case Method.usernamePassword:
            throw .authenticationRequired(proxy: proxy.displayName)
        case Method.noneAcceptable:
            let reason =
                proxy.hasCredentials
                ? "it accepts none of the authentication methods offered (no authentication, username/password)"
                : "it accepts none of the authentication methods offered (no authentication); it may want a user name and password"
            throw .refused(proxy: proxy.displayName, target: target.description, reason: reason)
        case let other:
            throw .malformedReply(
                proxy: proxy.displayName, reason: "it chose authentication method \(other), which was not offered")
        }
    }

    /// RFC 1929: version 1, then the user name and the password, each after its length.
    private func authenticate() throws(ProxyError) {
        try proxy.checkCredentialLengths()
        let username = Array((proxy.username ?? "").utf8)
        let password = Array((proxy.password ?? "").utf8)
        let request: [UInt8] = [0x01, UInt8(username.count)] + username + [UInt8(password.count)] + password
        try channel.write(request)
        // Only the status is looked at: proxies answer with version 1 or 5 here.
        let reply = try channel.read(exactly: 2, of: "its answer to the user name and password")
        guard reply[1] == 0x00 else { throw .authenticationRefused(proxy: proxy.displayName) }
    }

    // MARK: CONNECT

    private func connectRequest() throws(ProxyError) -> [UInt8] {
        var request: [UInt8] = [Self.version, Self.connectCommand, 0x00]
        switch target {
        case .address(let address, _):
            request += [address.family == .ipv4 ? 0x01 : 0x04] + address.bytes
        case .name(let name, _):
            let bytes = Array(name.utf8)
            guard !bytes.isEmpty, bytes.count <= 255 else {
                throw .invalidTarget(proxy: proxy.displayName, reason: "SOCKS5 takes host names of 1 to 255 bytes")
            }
            request += [0x03, UInt8(bytes.count)] + bytes
        }
        return request + [UInt8(target.port >> 8), UInt8(target.port & 0xFF)]
    }

    /// VER REP RSV ATYP, then the bound address, whose length its type decides, and a port.
    private func readConnectReply() throws(ProxyError) {
        let what = "its reply to CONNECT"
        let head = try channel.read(exactly: 4, of: what)
        guard head[0] == Self.version else { throw notSOCKS5(version: head[0]) }
        guard head[1] == 0x00 else {
            throw .refused(proxy: proxy.displayName, target: target.description, reason: Self.words(forReply: head[1]))
        }
        let addressLength: Int
        switch head[3] {
        case 0x01: addressLength = 4
        case 0x04: addressLength = 16
        case 0x03: addressLength = Int(try channel.read(exactly: 1, of: what)[0])
        case let other:
            throw .malformedReply(proxy: proxy.displayName, reason: "its reply to CONNECT has the unknown address type \(other)")
        }
        _ = try channel.read(exactly: addressLength + 2, of: what)
    }

    private func notSOCKS5(version: UInt8) -> ProxyError {
        .malformedReply(proxy: proxy.displayName, reason: "it answered with version \(version), not SOCKS5")
    }

    /// RFC 1928 §6.
    static func words(forReply code: UInt8) -> String {
        switch code {
        case 0x01: "general SOCKS server failure"
        case 0x02: "connection not allowed by ruleset"
        case 0x03: "network unreachable"
        case 0x04: "host unreachable"
        case 0x05: "connection refused"
        case 0x06: "TTL expired"
        case 0x07: "command not supported"
        case 0x08: "address type not supported"
        default: "unknown reply code \(code)"
        }
    }
}
