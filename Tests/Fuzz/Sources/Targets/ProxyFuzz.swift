@testable import XMPPProtocol

/// What a proxy setting and a proxy's reply can be: the input's first line is a proxy URL
/// (`--proxy`, `ALL_PROXY`), the second a `NO_PROXY` list, the third a host, the rest an
/// HTTP reply head as a proxy sends it. Promises checked: a URL parses or fails with one
/// safe line that holds nothing of its user name and password; a parsed proxy's
/// `displayName` has no credentials and parses back to the same proxy without them;
/// `NO_PROXY` answers the same every time, and "*" excludes everything; a reply head is
/// never read past its empty line nor past its limit.
enum ProxyFuzz {
    static func run(_ bytes: [UInt8]) {
        let parts = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 3, omittingEmptySubsequences: false)
        let url = String(decoding: parts[0], as: UTF8.self)
        checkURL(url)
        if parts.count > 2 {
            let rules = NoProxyRules(String(decoding: parts[1], as: UTF8.self))
            let host = String(decoding: parts[2], as: UTF8.self)
            let excluded = rules.excludes(host: host)
            require(excluded == rules.excludes(host: host), "NO_PROXY answered twice differently for \(host.debugDescription)")
            if rules.excludesEverything { require(excluded, "\"*\" did not exclude \(host.debugDescription)") }
        }
        if parts.count > 3 { checkReplyHead(Array(parts[3])) }
    }

    private static func checkURL(_ url: String) {
        // ProxyURL's rule: everything between the scheme and the last "@" is credentials.
        let bytes = Array(url.utf8)
        let schemeEnd = position(of: Array("://".utf8), in: bytes).map { $0 + 3 } ?? 0
        let at = bytes[schemeEnd...].lastIndex(of: UInt8(ascii: "@"))
        let userinfo = at.map { Array(bytes[schemeEnd..<$0]) }
        let rest = at.map { Array(bytes[($0 + 1)...]) } ?? []
        // A secret worth looking for: long enough, not also written elsewhere in the URL, and
        // not part of a scheme's name, which messages and display names write out.
        let secret = userinfo.flatMap { info -> String? in
            guard info.count >= 6, position(of: info, in: rest) == nil else { return nil }
            let text = String(decoding: info, as: UTF8.self)
            return schemeNames.contains { holds($0, text) } ? nil : text
        }
        do {
            let proxy = try ProxyConfiguration.parse(url)
            requireSafeOnStandardError(proxy.displayName, "a proxy's display name")
            let shownAddress = String(proxy.displayName.utf8.dropFirst(proxy.kind.rawValue.utf8.count + 3)) ?? ""
            if let secret { require(!holds(shownAddress, secret), "the credentials of \(url.debugDescription) are shown") }
            // The description does not depend on the credentials at all.
            let standIn = ProxyConfiguration(
                kind: proxy.kind, host: proxy.host, port: proxy.port, username: proxy.username.map { _ in "u" },
                password: proxy.password.map { _ in "p" })
            require("\(proxy)" == "\(standIn)", "the description of \(url.debugDescription) shows its credentials")
            do {
                let again = try ProxyConfiguration.parse(proxy.displayName)
                require(
                    again.kind == proxy.kind && again.host == proxy.host && again.port == proxy.port && !again.hasCredentials,
                    "\(proxy.displayName.debugDescription) reads back as another proxy")
            } catch {
                require(false, "the display name \(proxy.displayName.debugDescription) does not parse: \(error)")
            }
        } catch {
            requireSafeOnStandardError(error.description, "a proxy URL's error")
            if let secret { require(!holds(error.description, secret), "the error for \(url.debugDescription) shows its credentials") }
        }
    }

    private static let schemeNames = ["socks5://", "socks5h://", "http://"]

    private static func position(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    private static func holds(_ text: String, _ part: String) -> Bool {
        position(of: Array(part.utf8), in: Array(text.utf8)) != nil
    }

    private static func checkReplyHead(_ reply: [UInt8]) {
        var head = HTTPReplyHead()
        var offset = 0
        while !head.isComplete, offset < reply.count {
            let count = head.safeReadCount
            guard count > 0 else { break }
            let end = min(reply.count, offset + count)
            head.append(Array(reply[offset..<end]))
            offset = end
        }
        require(head.bytes.count <= HTTPReplyHead.limit, "the reply head grew past its limit")
        require(Array(reply.prefix(head.bytes.count)) == head.bytes, "the reply head is not the reply's start")
        if head.isComplete {
            let tail = head.bytes.suffix(2)
            require(tail.last == UInt8(ascii: "\n"), "a complete head does not end a line")
            let withoutLast = head.bytes.dropLast()
            require(
                withoutLast.last == UInt8(ascii: "\n") || withoutLast.suffix(2).elementsEqual([UInt8(ascii: "\n"), UInt8(ascii: "\r")]),
                "a complete head does not end with an empty line")
        }
    }
}
