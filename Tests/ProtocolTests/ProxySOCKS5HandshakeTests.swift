import XCTest
import XMPPProtocol

/// SOCKS5 (RFC 1928, RFC 1929) against a scripted proxy: the bytes sent, every reply the
/// proxy may give, and that nothing beyond the reply is read.
/// CONNECT to xmpp.example.org:5222 by name.
private let nameRequest: [UInt8] = [5, 1, 0, 3, 16] + wireBytes("xmpp.example.org") + [0x14, 0x66]
/// Success, bound to 10.0.0.1:40000.
private let success: [UInt8] = [5, 0, 0, 1, 10, 0, 0, 1, 0x9C, 0x40]

final class ProxySOCKS5HandshakeTests: XCTestCase {
    private let plain = ProxyConfiguration(kind: .socks5h, host: "127.0.0.1", port: 1080)
    private let withCredentials = ProxyConfiguration(
        kind: .socks5h, host: "127.0.0.1", port: 1080, username: "alice-proxy", password: "s3cret-Pw")
    private let target = ProxyTarget.name("xmpp.example.org", port: 5222)

    private func assertFails(
        _ proxy: ProxyConfiguration, to target: ProxyTarget? = nil, through fake: ScriptedProxy, seconds: Double = 5,
        with expected: ProxyError, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try fake.open(proxy, to: target ?? self.target, seconds: seconds), file: file, line: line)
        {
            XCTAssertEqual($0 as? ProxyError, expected, file: file, line: line)
            let text = "\($0)"
            XCTAssertFalse(
                text.contains("alice-proxy") || text.contains("s3cret-Pw"), "credentials in: \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), file: file, line: line)
        }
    }

    // MARK: What the client sends

    func testWithoutCredentialsItOffersNoAuthenticationAndSendsTheNameAfterTheAnswer() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receive(3)
            // A client that sent its request behind the greeting would have it waiting now.
            if peer.hasPendingInput { throw TestSetupError("the request came before the method was chosen") }
            peer.send([5, 0])
            try peer.receive(nameRequest.count)
            peer.send(success)
            peer.waitForClientToClose()
        }
        try fake.open(plain, to: target)
        XCTAssertEqual(fake.received(), [5, 1, 0] + nameRequest)
    }

    func testAddressesAreSentAsIPv4AndIPv6() throws {
        let v4 = try XCTUnwrap(IPAddress("192.0.2.7"))
        let v6 = try XCTUnwrap(IPAddress("2001:db8::1"))
        for (address, request) in [
            (v4, [5, 1, 0, 1] + v4.bytes + [0, 80]),
            (v6, [5, 1, 0, 4] + v6.bytes + [0, 80]),
        ] {
            let fake = try ScriptedProxy { peer in
                try peer.receive(3)
                peer.send([5, 0])
                try peer.receive(request.count)
                peer.send(success)
                peer.waitForClientToClose()
            }
            try fake.open(ProxyConfiguration(kind: .socks5, host: "127.0.0.1"), to: .address(address, port: 80))
            XCTAssertEqual(fake.received(), [5, 1, 0] + request)
        }
    }

    func testWithCredentialsItOffersBothMethodsAndAuthenticates() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receive(4)
            peer.send([5, 2])
            try peer.receive(2 + 11 + 1 + 9)
            peer.send([1, 0])
            try peer.receive(nameRequest.count)
            peer.send(success)
            peer.waitForClientToClose()
        }
        try fake.open(withCredentials, to: target)
        let authentication: [UInt8] = [1, 11] + wireBytes("alice-proxy") + [9] + wireBytes("s3cret-Pw")
        XCTAssertEqual(fake.received(), [5, 2, 0, 2] + authentication + nameRequest)
    }

    func testWithCredentialsAProxyThatWantsNoneIsUsedWithout() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receive(4)
            peer.send([5, 0])
            try peer.receive(nameRequest.count)
            peer.send(success)
            peer.waitForClientToClose()
        }
        try fake.open(withCredentials, to: target)
        XCTAssertEqual(fake.received(), [5, 2, 0, 2] + nameRequest)
    }

    func testSocks5RefusesANameAndOverlongNamesAreRefusedBeforeSending() throws {
        let fake = try ScriptedProxy { peer in peer.waitForClientToClose() }
        assertFails(
            ProxyConfiguration(kind: .socks5, host: "127.0.0.1"), through: fake,
            with: .invalidTarget(
                proxy: "socks5://127.0.0.1:1080",
                reason: "socks5:// is given addresses, so the name must be resolved first (socks5h:// lets the proxy resolve it)")
        )
        XCTAssertEqual(fake.received(), [])

        let second = try ScriptedProxy { peer in peer.waitForClientToClose() }
        assertFails(
            plain, to: .name(String(repeating: "a", count: 256), port: 5222), through: second,
            with: .invalidTarget(proxy: "socks5h://127.0.0.1:1080", reason: "SOCKS5 takes host names of 1 to 255 bytes"))
        XCTAssertEqual(second.received(), [])
    }

    // MARK: The proxy's answers

    func testEveryReplyCodeIsRefusedInWords() throws {
        let words = [
            1: "general SOCKS server failure", 2: "connection not allowed by ruleset", 3: "network unreachable",
            4: "host unreachable", 5: "connection refused", 6: "TTL expired", 7: "command not supported",
            8: "address type not supported", 9: "unknown reply code 9", 255: "unknown reply code 255",
        ]
        for (code, reason) in words.sorted(by: { $0.key < $1.key }) {
            let fake = try ScriptedProxy { peer in
                try peer.receive(3)
                peer.send([5, 0])
                try peer.receive(nameRequest.count)
                peer.send([5, UInt8(code), 0, 1, 0, 0, 0, 0, 0, 0])
            }
            assertFails(
                plain, through: fake,
                with: .refused(proxy: "socks5h://127.0.0.1:1080", target: "xmpp.example.org:5222", reason: reason))
            _ = fake.received()
        }
    }

    func testTheErrorMessageSaysWhatTheProxySaid() {
        let error = ProxyError.refused(
            proxy: "socks5h://127.0.0.1:9050", target: "xmpp.example.org:5222", reason: "host unreachable")
        XCTAssertEqual(
            "\(error)", "the proxy socks5h://127.0.0.1:9050 did not open a connection to xmpp.example.org:5222: host unreachable")
    }

    func testEveryBoundAddressTypeIsReadWhole() throws {
        let replies: [[UInt8]] = [
            [5, 0, 0, 1] + [127, 0, 0, 1] + [0, 1],
            [5, 0, 0, 4] + [UInt8](repeating: 0, count: 15) + [1] + [0, 1],
            [5, 0, 0, 3, 11] + wireBytes("proxy.local") + [0, 1],
            [5, 0, 0, 3, 0] + [0, 1],
        ]
        for reply in replies {
            let fake = try ScriptedProxy { peer in
                try peer.receive(3)
                peer.send([5, 0])
                try peer.receive(nameRequest.count)
                // One byte at a time: the reply is read however it arrives.
                for byte in reply { peer.send([byte]) }
                // The tunnel: our first bytes, then the server's answer.
                let hello = try peer.receive(5)
                peer.send(hello.reversed())
            }
            let tcp = try fake.connect()
            try ProxyHandshake.open(on: tcp, proxy: plain, to: target, deadline: .after(seconds: 5))
            try tcp.write(wireBytes("hello"), deadline: .after(seconds: 5))
            XCTAssertEqual(try readAll(5, from: tcp), wireBytes("olleh"), "after \(reply)")
            tcp.close()
            _ = fake.received()
        }
    }

    func testBytesAfterTheReplyAreNotReadAsPartOfItAndMakeItFail() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receive(3)
            peer.send([5, 0])
            try peer.receive(nameRequest.count)
            peer.send(success + wireBytes("<?xml"))
            peer.waitForClientToClose()
        }
        // All five bytes are still there after the reply: none was taken as part of it.
        assertFails(plain, through: fake, with: .unexpectedData(proxy: "socks5h://127.0.0.1:1080", count: 5))
        _ = fake.received()
    }

    func testATunnelClosedAtOnceFails() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receive(3)
            peer.send([5, 0])
            try peer.receive(nameRequest.count)
            peer.sendAndClose(success)
        }
        assertFails(
            plain, through: fake,
            with: .transport(
                proxy: "socks5h://127.0.0.1:1080",
                .connectionLost("the tunnel to xmpp.example.org:5222 closed as soon as it opened")))
        _ = fake.received()
    }

    func testMethodChoicesThatCannotBeUsed() throws {
        let cases: [(ProxyConfiguration, [UInt8], ProxyError)] = [
            (plain, [5, 2], .authenticationRequired(proxy: "socks5h://127.0.0.1:1080")),
            (
                plain, [5, 0xFF],
                .refused(
                    proxy: "socks5h://127.0.0.1:1080", target: "xmpp.example.org:5222",
                    reason:
                        "it accepts none of the authentication methods offered (no authentication); it may want a user name and password"
                )
            ),
            (
                withCredentials, [5, 0xFF],
                .refused(
                    proxy: "socks5h://127.0.0.1:1080", target: "xmpp.example.org:5222",
                    reason: "it accepts none of the authentication methods offered (no authentication, username/password)")
            ),
            (
                plain, [5, 1],
                .malformedReply(
                    proxy: "socks5h://127.0.0.1:1080", reason: "it chose authentication method 1, which was not offered")
            ),
            (
                plain, [4, 0],
                .malformedReply(proxy: "socks5h://127.0.0.1:1080", reason: "it answered with version 4, not SOCKS5")
            ),
        ]
        for (proxy, answer, expected) in cases {
            let fake = try ScriptedProxy { peer in
                try peer.receive(proxy.hasCredentials ? 4 : 3)
                peer.send(answer)
                peer.waitForClientToClose()
            }
            assertFails(proxy, through: fake, with: expected)
            XCTAssertEqual(fake.received(), proxy.hasCredentials ? [5, 2, 0, 2] : [5, 1, 0], "nothing after the greeting")
        }
    }

    func testRefusedCredentials() throws {
        let fake = try ScriptedProxy { peer in
            try peer.receive(4)
            peer.send([5, 2])
            try peer.receive(23)
            peer.send([1, 1])
            peer.waitForClientToClose()
        }
        assertFails(withCredentials, through: fake, with: .authenticationRefused(proxy: "socks5h://127.0.0.1:1080"))
        XCTAssertEqual(fake.received().count, 4 + 23, "no CONNECT after refused credentials")
    }

    func testTruncatedAndMalformedReplies() throws {
        let cases: [([UInt8], ProxyError)] = [
            (
                [5, 0, 0, 1, 127, 0],
                .malformedReply(
                    proxy: "socks5h://127.0.0.1:1080", reason: "the connection closed in the middle of its reply to CONNECT")
            ),
            (
                [5, 0],
                .malformedReply(
                    proxy: "socks5h://127.0.0.1:1080", reason: "the connection closed in the middle of its reply to CONNECT")
            ),
            (
                [5, 0, 0, 9, 0, 0],
                .malformedReply(
                    proxy: "socks5h://127.0.0.1:1080", reason: "its reply to CONNECT has the unknown address type 9")
            ),
            (
                [0x48, 0x54, 0x54, 0x50],
                .malformedReply(
                    proxy: "socks5h://127.0.0.1:1080", reason: "it answered with version 72, not SOCKS5")
            ),
        ]
        for (reply, expected) in cases {
            let fake = try ScriptedProxy { peer in
                try peer.receive(3)
                peer.send([5, 0])
                try peer.receive(nameRequest.count)
                peer.send(reply)
            }
            assertFails(plain, through: fake, with: expected)
            _ = fake.received()
        }
        let silent = try ScriptedProxy { peer in
            try peer.receive(3)
            peer.send([5])
        }
        assertFails(
            plain, through: silent,
            with: .malformedReply(
                proxy: "socks5h://127.0.0.1:1080", reason: "the connection closed in the middle of its answer to the greeting"))
        _ = silent.received()
    }

    func testASilentProxyTimesOutAtTheDeadline() throws {
        for answersGreeting in [false, true] {
            let fake = try ScriptedProxy { peer in
                try peer.receive(3)
                if answersGreeting { peer.send([5, 0]) }
                peer.waitForClientToClose()
            }
            let started = Deadline.now()
            assertFails(plain, through: fake, seconds: 0.3, with: .timedOut(proxy: "socks5h://127.0.0.1:1080"))
            let elapsed = Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            XCTAssertGreaterThanOrEqual(elapsed, 0.29)
            XCTAssertLessThan(elapsed, 3)
            _ = fake.received()
        }
    }
}
