/// The client side of an HTTP CONNECT tunnel (RFC 9110 §9.3.6) through an HTTP/1.x proxy.
///
/// Any 2xx opens the tunnel; its header lines mean nothing to a tunnel and are skipped
/// (a 2xx to CONNECT has no body, whatever Content-Length says).
struct HTTPConnectHandshake {
    let channel: ProxyChannel
    let proxy: ProxyConfiguration
    let target: ProxyTarget

    func run() throws(ProxyError) {
        try channel.write(try request())
        let statusLine = try readHead()
        let status = try Self.parse(statusLine: statusLine, proxy: proxy.displayName)
        guard !(200...299).contains(status.code) else { return }
        if status.code == 407 {
            throw proxy.hasCredentials
                ? .authenticationRefused(proxy: proxy.displayName) : .authenticationRequired(proxy: proxy.displayName)
        }
        throw .refused(proxy: proxy.displayName, target: target.description, reason: "it answered \"\(status.text)\"")
    }

    private func request() throws(ProxyError) -> [UInt8] {
        if case .name(let name, _) = target {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
                throw .invalidTarget(
                    proxy: proxy.displayName, reason: "an HTTP proxy takes host names of visible ASCII characters")
            }
        }
        let authority = target.description
        var text = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if proxy.hasCredentials {
            let credentials = Array("\(proxy.username ?? ""):\(proxy.password ?? "")".utf8)
            text += "Proxy-Authorization: Basic \(Base64.encode(credentials))\r\n"
        }
        return Array((text + "\r\n").utf8)
    }

    /// Reads the status line and headers, never a byte beyond the empty line after them.
    private func readHead() throws(ProxyError) -> String {
        var head = HTTPReplyHead()
        while !head.isComplete {
            guard head.safeReadCount > 0 else {
                throw .malformedReply(proxy: proxy.displayName, reason: "its reply's headers are longer than 16 KiB")
            }
            let chunk = try channel.read(atMost: head.safeReadCount)
            guard !chunk.isEmpty else {
                let reason =
                    head.bytes.isEmpty
                    ? "it closed the connection without answering CONNECT"
                    : "the connection closed in the middle of its reply's headers"
                throw .malformedReply(proxy: proxy.displayName, reason: reason)
            }
            head.append(chunk)
            if head.isNotHTTP {
                throw .malformedReply(proxy: proxy.displayName, reason: "its answer to CONNECT is not an HTTP reply")
            }
        }
        return head.statusLine ?? ""
    }

    struct Status: Equatable {
        var code: Int
        /// "407 Proxy Authentication Required", as the proxy wrote it (cut short).
        var text: String
    }

    /// "HTTP/1.1 200 Connection established": version 1.0 or 1.1, three digits, a reason.
    static func parse(statusLine: String, proxy: String) throws(ProxyError) -> Status {
        let utf8 = Array(statusLine.utf8)
        guard utf8.count >= 12, utf8[..<7].elementsEqual("HTTP/1.".utf8),
            utf8[7] == UInt8(ascii: "0") || utf8[7] == UInt8(ascii: "1"), utf8[8] == UInt8(ascii: " "),
            utf8[9..<12].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            utf8.count == 12 || utf8[12] == UInt8(ascii: " "),
            let code = Int(String(decoding: utf8[9..<12], as: UTF8.self))
        else {
            throw .malformedReply(proxy: proxy, reason: "its status line is not HTTP/1.0 or HTTP/1.1 with a status code")
        }
        let text = String(decoding: utf8[9...], as: UTF8.self)
        return Status(code: code, text: text.count > 120 ? String(text.prefix(120)) + "…" : text)
    }
}
