/// An `http` or `https` URL as far as a client needs it: scheme, host and port. Only what an
/// upload slot may hold is accepted: no user information, no spaces or control characters.
public struct HTTPURL: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    /// A host name or an address literal; IPv6 without brackets.
    public let host: String
    public let port: UInt16
    /// The URL as given.
    public let text: String

    public var description: String { text }

    public var isHTTPS: Bool { scheme == "https" }

    /// nil for anything but a well-formed absolute http(s) URL.
    public init?(_ text: String) {
        guard text.utf8.count <= 8_192, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
            let schemeEnd = text.firstIndex(of: ":"), text[schemeEnd...].hasPrefix("://")
        else { return nil }
        let scheme = text[..<schemeEnd].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let rest = text[text.index(schemeEnd, offsetBy: 3)...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return nil }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard IPAddress(String(host))?.family == .ipv6 else { return nil }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
        }
        guard !host.isEmpty else { return nil }
        var port: UInt16 = scheme == "https" ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt16(portText), number > 0
            else { return nil }
            port = number
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.text = text
    }

    /// The URL without its scheme: what follows "://" (XEP-0454's aesgcm URLs are built on it).
    public var withoutScheme: Substring {
        text[text.index(text.firstIndex(of: ":")!, offsetBy: 3)...]
    }
}
