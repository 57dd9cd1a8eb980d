import XCTest
import XMPPProtocol

/// HTTP CONNECT against a scripted proxy: the request, the replies that open a tunnel and
/// those that do not, and that nothing beyond the reply's empty line is read.
final class ProxyHTTPConnectHandshakeTests: XCTestCase {
    private let plain = ProxyConfiguration(kind: .http, host: "127.0.0.1", port: 3128)
    private let withCredentials = ProxyConfiguration(
        kind: .http, host: "127.0.0.1", port: 3128, username: "alice-proxy", password: "s3cret-Pw")
    private let target = ProxyTarget.name("xmpp.example.org", port: 5222)
    private let proxyName = "http://127.0.0.1:3128"

    private func assertFails(
        _ proxy: ProxyConfiguration? = nil, through fake: ScriptedProxy, seconds: Double = 5,
        with expected: ProxyError, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try fake.open(proxy ?? plain, to: target, seconds: seconds), file: file, line: line) {
            XCTAssertEqual($0 as? ProxyError, expected, file: file, line: line)
            let text = "\($0)"
            XCTAssertFalse(
                text.contains("alice-proxy") || text.contains("s3cret-Pw"), "credentials in: \(text)", file: file, line: line)
        }
    }

    /// A proxy that reads the request, sends `reply`, and then echoes one tunnel line reversed.
    private func proxy(replying reply: String) throws -> ScriptedProxy {
        try ScriptedProxy { peer in
            try peer.receiveHTTPHead()
            peer.send(reply)
            peer.waitForClientToClose()
        }
    }

    // MARK: The request

    func testTheRequestNamesTheTargetTwice() throws {
        let cases: [(ProxyTarget, String)] = [
            (target, "xmpp.example.org:5222"),
            (.address(try XCTUnwrap(IPAddress("192.0.2.7")), port: 5223), "192.0.2.7:5223"),
            (.address(try XCTUnwrap(IPAddress("2001:db8::1")), port: 5222), "[2001:db8::1]:5222"),
        ]
        for (target, authority) in cases {
            let fake = try proxy(replying: "HTTP/1.1 200 Connection established\r\n\r\n")
            try fake.open(plain, to: target)
            XCTAssertEqual(
                String(decoding: fake.received(), as: UTF8.self),
                "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n\r\n")
        }
    }

    func testCredentialsGoInProxyAuthorization() throws {
        let fake = try proxy(replying: "HTTP/1.1 200 OK\r\n\r\n")
        try fake.open(withCredentials, to: target)
        XCTAssertEqual(
            String(decoding: fake.received(), as: UTF8.self),
            "CONNECT xmpp.example.org:5222 HTTP/1.1\r\nHost: xmpp.example.org:5222\r\n"
                + "Proxy-Authorization: Basic \(Base64.encode(wireBytes("alice-proxy:s3cret-Pw")))\r\n\r\n")
    }

    func testANameThatCannotGoInARequestLineIsRefusedBeforeSending() throws {
        let fake = try ScriptedProxy { peer in peer.waitForClientToClose() }
        XCTAssertThrowsError(try fake.open(plain, to: .name("evil.example\r\nX-Injected: 1", port: 5222))) {
            XCTAssertEqual(
                $0 as? ProxyError,
                .invalidTarget(proxy: proxyName, reason: "an HTTP proxy takes host names of visible ASCII characters"))
        }
        XCTAssertEqual(fake.received(), [])
    }

    // MARK: Replies that open the tunnel

    func testAny2xxOpensTheTunnelAndTheTunnelStartsRightAfterTheEmptyLine() throws {
        let replies = [
            "HTTP/1.1 200 Connection established\r\n\r\n",
            "HTTP/1.0 200 OK\r\nProxy-Agent: test\r\nContent-Length: 12\r\n\r\n",
            "HTTP/1.1 204\r\n\r\n",
            "HTTP/1.1 299 Fine\n\n",
            "HTTP/1.0 200 OK\nVia: 1.1 proxy\r\n\n",
            "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Padding: \(String(repeating: "p", count: 80))\r\n", count: 170) + "\r\n",
        ]
        for reply in replies {
            let fake = try ScriptedProxy { peer in
                try peer.receiveHTTPHead()
                // In small pieces: the reply is read however it arrives.
                for piece in Array(reply.utf8).chunked(into: 3) { peer.send(piece) }
                let hello = try peer.receive(5)
                peer.send(hello.reversed())
            }
            let tcp = try fake.connect()
            try ProxyHandshake.open(on: tcp, proxy: plain, to: target, deadline: .after(seconds: 5))
            try tcp.write(wireBytes("hello"), deadline: .after(seconds: 5))
            XCTAssertEqual(try readAll(5, from: tcp), wireBytes("olleh"), reply)
            tcp.close()
            _ = fake.received()
        }
    }

    func testBytesAfterTheEmptyLineAreNotReadAsPartOfTheReplyAndMakeItFail() throws {
        for ending in ["\r\n\r\n", "\n\n", "\r\n\n"] {
            let fake = try proxy(replying: "HTTP/1.1 200 Connection established\(ending)<?xml version='1.0'?>")
            assertFails(through: fake, with: .unexpectedData(proxy: proxyName, count: 21))
            _ = fake.received()
        }
    }

    // MARK: Replies that do not

    func testRefusalsAreReportedWithTheStatusLine() throws {
        let cases: [(ProxyConfiguration, String, ProxyError)] = [
            (
                plain, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
                .refused(proxy: proxyName, target: "xmpp.example.org:5222", reason: "it answered \"502 Bad Gateway\"")
            ),
            (
                plain, "HTTP/1.0 403 Forbidden\r\n\r\n",
                .refused(proxy: proxyName, target: "xmpp.example.org:5222", reason: "it answered \"403 Forbidden\"")
            ),
            (
                plain, "HTTP/1.1 301\r\n\r\n",
                .refused(proxy: proxyName, target: "xmpp.example.org:5222", reason: "it answered \"301\"")
            ),
            (
                plain, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n\r\n",
                .authenticationRequired(proxy: proxyName)
            ),
            (withCredentials, "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", .authenticationRefused(proxy: proxyName)),
        ]
        for (proxy, reply, expected) in cases {
            let fake = try self.proxy(replying: reply)
            assertFails(proxy, through: fake, with: expected)
            _ = fake.received()
        }
        XCTAssertEqual(
            "\(ProxyError.refused(proxy: proxyName, target: "xmpp.example.org:5222", reason: "it answered \"502 Bad Gateway\""))",
            "the proxy http://127.0.0.1:3128 did not open a connection to xmpp.example.org:5222: it answered \"502 Bad Gateway\"")
        XCTAssertEqual(
            "\(ProxyError.authenticationRequired(proxy: proxyName))",
            "the proxy http://127.0.0.1:3128 requires a user name and password, and the proxy URL has none")
    }

    func testGarbageIsRefusedAsSoonAsItIsSeen() throws {
        let notHTTP = ProxyError.malformedReply(proxy: proxyName, reason: "its answer to CONNECT is not an HTTP reply")
        let badStatus = ProxyError.malformedReply(
            proxy: proxyName, reason: "its status line is not HTTP/1.0 or HTTP/1.1 with a status code")
        let cases: [(String, ProxyError)] = [
            // No empty line follows: only seeing it is not HTTP can end the wait before the deadline.
            ("SSH-2.0-OpenSSH_9.2\r\n", notHTTP),
            ("\u{5}\u{0}", notHTTP),
            ("\r\nHTTP/1.1 200 OK\r\n\r\n", notHTTP),
            ("HTTP/2.0 200 OK\r\n\r\n", badStatus),
            ("HTTP/1.1 2000 OK\r\n\r\n", badStatus),
            ("HTTP/1.1 OK\r\n\r\n", badStatus),
            ("HTTP/1.1 20x OK\r\n\r\n", badStatus),
        ]
        for (reply, expected) in cases {
            let fake = try proxy(replying: reply)
            assertFails(through: fake, seconds: 3, with: expected)
            _ = fake.received()
        }
    }

    func testOverlongHeadersAreRefused() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receiveHTTPHead()
            peer.send("HTTP/1.1 200 OK\r\n")
            // Endless headers; the client stops reading, closes, and the sends fail.
            let header = wireBytes("X-Padding: \(String(repeating: "p", count: 1000))\r\n")
            for _ in 0..<40 { peer.send(header) }
            peer.waitForClientToClose()
        }
        assertFails(through: fake, with: .malformedReply(proxy: proxyName, reason: "its reply's headers are longer than 16 KiB"))
        _ = fake.received()
    }

    func testTruncatedReplies() throws {
        let cases: [(String, String)] = [
            ("", "it closed the connection without answering CONNECT"),
            ("HTTP/1.1 200 Connection established\r\n", "the connection closed in the middle of its reply's headers"),
            ("HTTP/1.1 200 Conn", "the connection closed in the middle of its reply's headers"),
        ]
        for (reply, reason) in cases {
            let fake = try ScriptedProxy { peer in
                try peer.receiveHTTPHead()
                peer.sendAndClose(wireBytes(reply))
            }
            assertFails(through: fake, with: .malformedReply(proxy: proxyName, reason: reason))
            _ = fake.received()
        }
    }

    func testASlowProxyTimesOutAtTheDeadline() throws {
        for partial in ["", "HTTP/1.1 200 OK\r\n"] {
            let fake = try proxy(replying: partial)
            let started = Deadline.now()
            assertFails(through: fake, seconds: 0.3, with: .timedOut(proxy: proxyName))
            let elapsed = Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            XCTAssertGreaterThanOrEqual(elapsed, 0.29)
            XCTAssertLessThan(elapsed, 3)
            _ = fake.received()
        }
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
