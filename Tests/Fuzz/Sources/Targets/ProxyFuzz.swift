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
        // The same URL with other credentials must read the same, apart from what is said
        // about the credentials themselves: nothing else may depend on them.
        // As the parser reads it: without the blanks around it.
        let isBlank: (UInt8) -> Bool = { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let bytes = Array(Array(url.utf8).drop(while: isBlank).reversed().drop(while: isBlank).reversed())
        let schemeEnd = position(of: Array("://".utf8), in: bytes).map { $0 + 3 } ?? 0
        let standIn = bytes[schemeEnd...].lastIndex(of: UInt8(ascii: "@")).map { at in
            // Other credentials of the same shape: a user name and a password where there are.
            let userinfo = bytes[schemeEnd..<at]
            let colon = userinfo.firstIndex(of: UInt8(ascii: ":"))
            let user = userinfo[..<(colon ?? at)]
            var other = user.isEmpty ? "" : "u"
            if let colon { other += userinfo[(colon + 1)...].isEmpty ? ":" : ":p" }
            return String(decoding: Array(bytes[..<schemeEnd]) + Array(other.utf8) + Array(bytes[at...]), as: UTF8.self)
        }
        do {
            let proxy = try ProxyConfiguration.parse(url)
            requireSafeOnStandardError(proxy.displayName, "a proxy's display name")
            if let standIn {
                do {
                    let other = try ProxyConfiguration.parse(standIn)
                    require(other.displayName == proxy.displayName, "the display name of \(url.debugDescription) depends on its credentials")
                    require("\(other)" == "\(proxy)", "the description of \(url.debugDescription) depends on its credentials")
                } catch {
                    require(false, "\(url.debugDescription) parses, but not with other credentials: \(error)")
                }
            }
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
            guard let standIn, !saysCredentials(error) else { return }
            do {
                _ = try ProxyConfiguration.parse(standIn)
                require(false, "\(url.debugDescription) fails for its credentials without saying so: \(error)")
            } catch let other {
                require(other == error, "the error for \(url.debugDescription) depends on its credentials: \(error)")
            }
        }
    }

    /// Whether `error` is about the user name or password (which it never quotes).
    private static func saysCredentials(_ error: ProxyError) -> Bool {
        holds(error.description, "user name") || holds(error.description, "password")
    }

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
