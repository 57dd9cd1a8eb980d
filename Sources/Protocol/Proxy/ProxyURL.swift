/// Reading a proxy URL the way curl reads `ALL_PROXY`: `[scheme://][user[:password]@]host[:port][/]`.
///
/// No reason given in an error quotes the user name or password, since the URL holds them.
extension ProxyConfiguration {
    /// The schemes understood, in the words every "unsupported" message uses.
    static let supportedSchemes = "socks5://, socks5h:// or http://"

    /// Parses `url`. Without a scheme it means http://, and without a port 1080, as in curl.
    public static func parse(_ url: String) throws(ProxyError) -> ProxyConfiguration {
        var rest = Substring(url.trimmingBlanks())
        guard !rest.isEmpty else { throw .invalidURL("it is empty") }

        // Every split below is by scalar, not Character: a delimiter followed by a combining
        // mark is one Character with it, and would otherwise not be found, or be stepped over
        // with the mark (leaving, for an "@", the credentials in the host that errors quote).
        let kind: Kind
        if let separator = rest.unicodeScalars.firstRange(of: "://".unicodeScalars) {
            kind = try Self.kind(ofScheme: rest[..<separator.lowerBound])
            rest = rest[separator.upperBound...]
        } else {
            kind = .http
        }

        // The credentials end at the last "@", wherever it is: a password may hold "/" or
        // "@" unescaped, and no part of it may reach an error message as a "path" or "port".
        var username: String?
        var password: String?
        if let at = rest.unicodeScalars.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.unicodeScalars.index(after: at)...]
            if let colon = userinfo.unicodeScalars.firstIndex(of: ":") {
                username = try Self.percentDecoded(userinfo[..<colon], what: "user name")
                password = try Self.percentDecoded(userinfo[userinfo.unicodeScalars.index(after: colon)...], what: "password")
            } else if !userinfo.isEmpty {
                username = try Self.percentDecoded(userinfo, what: "user name")
            }
        }

        let authorityEnd = rest.unicodeScalars.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let afterAuthority = rest[authorityEnd...]
        guard afterAuthority.isEmpty || afterAuthority == "/" else {
            throw .invalidURL("a proxy URL has no path, query or fragment (only an optional \"/\" after the port)")
        }
        let (host, port) = try Self.hostAndPort(rest[..<authorityEnd])
        let proxy = ProxyConfiguration(kind: kind, host: host, port: port, username: username, password: password)
        try proxy.checkCredentialLengths()
        return proxy
    }

    /// SOCKS5 gives each of the user name and password one length byte (RFC 1929 §2).
    func checkCredentialLengths() throws(ProxyError) {
        guard kind != .http else { return }
        if let username, username.utf8.count > 255 { throw .invalidURL("the user name is longer than SOCKS5 allows (255 bytes)") }
        if let password, password.utf8.count > 255 { throw .invalidURL("the password is longer than SOCKS5 allows (255 bytes)") }
    }

    private static func kind(ofScheme scheme: Substring) throws(ProxyError) -> Kind {
        let lowered = scheme.lowercased()
        if let kind = Kind(rawValue: lowered) { return kind }
        let shown =
            lowered.utf8.count <= 16 && lowered.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
            ? "\(lowered)://" : "this scheme"
        switch lowered {
        case "socks4", "socks4a":
            throw .invalidURL("SOCKS4 (\(shown)) is not supported; use \(supportedSchemes)")
        case "https":
            throw .invalidURL("TLS to the proxy (https://) is not supported; use \(supportedSchemes)")
        default:
            throw .invalidURL("\(shown) is not supported; use \(supportedSchemes)")
        }
    }

    /// The host (IPv6 without its brackets) and the port, 1080 when none is written.
    private static func hostAndPort(_ authority: Substring) throws(ProxyError) -> (String, UInt16) {
        let host: Substring
        let portText: Substring?
        let scalars = authority.unicodeScalars
        if scalars.first == "[" {
            guard let close = scalars.firstIndex(of: "]") else { throw .invalidURL("an IPv6 address has no closing \"]\"") }
            host = authority[scalars.index(after: scalars.startIndex)..<close]
            guard IPAddress(String(host))?.family == .ipv6 else {
                throw .invalidURL("\"\(host)\" in brackets is not an IPv6 address")
            }
            let after = authority[scalars.index(after: close)...]
            guard after.unicodeScalars.isEmpty || after.unicodeScalars.first == ":" else {
                throw .invalidURL("unexpected text after the IPv6 address")
            }
            portText = after.unicodeScalars.isEmpty ? nil : Substring(after.unicodeScalars.dropFirst())
        } else if let colon = scalars.firstIndex(of: ":") {
            host = authority[..<colon]
            let port = authority[scalars.index(after: colon)...]
            guard !port.unicodeScalars.contains(":") else { throw .invalidURL("an IPv6 address must be written in brackets, as [::1]") }
            portText = port
        } else {
            host = authority
            portText = nil
        }
        guard !host.isEmpty else { throw .invalidURL("it names no host") }
        guard host.utf8.allSatisfy(Self.isHostNameByte) || IPAddress(String(host)) != nil else {
            throw .invalidURL("the host \"\(host.prefix(64))\" is neither a host name nor an IP address")
        }
        return (String(host), try Self.port(portText))
    }

    private static func port(_ text: Substring?) throws(ProxyError) -> UInt16 {
        guard let text, !text.isEmpty else { return defaultPort }
        guard text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let port = UInt16(text), port > 0
        else { throw .invalidURL("the port \"\(text.prefix(16))\" is not a number from 1 to 65535") }
        return port
    }

    /// Letters, digits, "-", "_" and ".": what a DNS name (or a .onion address) is made of.
    private static func isHostNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// RFC 3986 percent-decoding, to UTF-8. `what` names the part in the error, never its text.
    private static func percentDecoded(_ text: Substring, what: String) throws(ProxyError) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard input.count >= 2, let high = Hex.digitValue(input.removeFirst()), let low = Hex.digitValue(input.removeFirst()) else {
                throw .invalidURL("the \(what) has a \"%\" that is not followed by two hexadecimal digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("the \(what) is not UTF-8 once percent-decoded")
        }
        return decoded
    }
}

extension String {
    /// Without the spaces, tabs and line ends around it.
    func trimmingBlanks() -> Substring {
        // By scalar, as the splits: "\r\n" is one Character, and so is a blank with a mark.
        let scalars = unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return self[first..<scalars.index(after: last)]
    }
}

extension Substring {
    func trimmingBlanks() -> Substring { String(self).trimmingBlanks() }
}
