import COpenSSL
import XCTest
import XMPPProtocol

final class TLSConnectionTests: XCTestCase {
    private typealias Leaf = TestCertificates.Leaf

    // MARK: Verification

    func testHandshakeWithTheCAFileVerifiesAndCarriesData() throws {
        let server = try startServer(.localhost)
        let connection = try connect(to: server)
        XCTAssertEqual(try echo("<stream:stream>\n", over: connection), "<stream:stream>\n")
        XCTAssertTrue(connection.isTLS13)
        XCTAssertEqual(connection.protocolVersion, "TLSv1.3")
        XCTAssertTrue(connection.cipher.hasPrefix("TLS_"), connection.cipher)
        XCTAssertEqual(connection.negotiatedALPN, "xmpp-client")
        let summary = connection.peerCertificateSummary
        XCTAssertTrue(summary.contains("subject CN=localhost"), summary)
        XCTAssertTrue(summary.contains("issuer CN=xmpp-cli test CA"), summary)
        XCTAssertTrue(summary.contains("names localhost"), summary)
        connection.close()

        let report = try XCTUnwrap(server.waitForReport())
        XCTAssertEqual(report.serverName, "localhost")
        XCTAssertTrue(report.closeNotifyReceived, "close() sends close_notify")
    }

    func testServerCloseNotifyReadsAsEndOfStream() throws {
        let server = try startServer(.localhost) { $0.closesFirst = true }
        let connection = try connect(to: server)
        XCTAssertEqual(try echo("bye\n", over: connection), "bye\n")
        XCTAssertEqual(try connection.read(maxCount: 100, deadline: .after(seconds: 5)), [])
        XCTAssertEqual(try connection.read(maxCount: 100, deadline: .after(seconds: 5)), [])
    }

    func testUnknownCAIsNotTrusted() throws {
        try assertRejected(
            .localhost, serverName: "localhost", trustingTestCA: false,
            reasonContains: ["unable to get local issuer certificate", "(server name: localhost)"])
    }

    func testWrongNameIsNotTrusted() throws {
        try assertRejected(
            .wrongName, serverName: "localhost",
            reasonContains: ["hostname mismatch", "server name: localhost", "certificate names: wrong.example"])
    }

    func testCommonNameIsNeverUsedAsTheServerIdentity() throws {
        try assertRejected(
            .commonNameOnly, serverName: "localhost",
            reasonContains: ["hostname mismatch", "certificate names: none"])
    }

    func testWildcardCoversOneLeftMostLabel() throws {
        let server = try startServer(.wildcard)
        let connection = try connect(to: server, serverName: "chat.example.test")
        XCTAssertEqual(try echo("ok\n", over: connection), "ok\n")

        try assertRejected(.wildcard, serverName: "a.chat.example.test", reasonContains: ["hostname mismatch"])
        try assertRejected(.wildcard, serverName: "example.test", reasonContains: ["hostname mismatch"])
    }

    func testPartialLabelWildcardIsRejected() throws {
        try assertRejected(.partialWildcard, serverName: "chat.example.test", reasonContains: ["hostname mismatch"])
    }

    func testIPAddressServerNameMatchesTheIPAddressEntryWithoutSNI() throws {
        let server = try startServer(.ipAddress)
        let connection = try connect(to: server, serverName: "127.0.0.1")
        XCTAssertEqual(try echo("ip\n", over: connection), "ip\n")
        connection.close()
        XCTAssertNil(try XCTUnwrap(server.waitForReport()).serverName)

        try assertRejected(.localhost, serverName: "127.0.0.1", reasonContains: ["IP address mismatch"])
    }

    func testInsecureSkipsVerification() throws {
        let server = try startServer(.wrongName)
        let connection = try connect(to: server, serverName: "localhost", trustingTestCA: false, verify: false)
        XCTAssertEqual(try echo("insecure\n", over: connection), "insecure\n")
    }

    func testMissingCAFileIsAConfigurationError() throws {
        let server = try startServer(.localhost)
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: server.port, deadline: .after(seconds: 5))
        let path = "/nonexistent/ca.pem"
        XCTAssertThrowsError(
            try TLSConnection.handshake(
                over: tcp, configuration: .init(serverName: "localhost", caFile: path), deadline: .after(seconds: 5))
        ) {
            guard case .tls(.configuration(let message))? = $0 as? TransportError else { return XCTFail("\($0)") }
            XCTAssertTrue(message.hasPrefix("cannot read CA file \(path): "), message)
            XCTAssertTrue(message.hasSuffix(": no such file or directory"), message)
        }
        XCTAssertEqual(tcp.fileDescriptor, -1, "the TCP connection is closed with the failed handshake")
    }

    func testCAFileWithoutCertificatesIsAConfigurationError() throws {
        let path = try certificates().directory + "/not-a-ca.pem"
        try "not PEM at all\n".write(toFile: path, atomically: true, encoding: .utf8)
        let listener = try LoopbackListener()
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        XCTAssertThrowsError(
            try TLSConnection.handshake(
                over: tcp, configuration: .init(serverName: "localhost", caFile: path), deadline: .after(seconds: 5))
        ) {
            guard case .tls(.configuration(let message))? = $0 as? TransportError else { return XCTFail("\($0)") }
            XCTAssertTrue(message.hasPrefix("cannot read CA file \(path): "), message)
        }
    }

    func testNonASCIIServerNameIsAConfigurationError() throws {
        let listener = try LoopbackListener()
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        XCTAssertThrowsError(
            try TLSConnection.handshake(
                over: tcp, configuration: configuration(serverName: "bücher.example"), deadline: .after(seconds: 5))
        ) {
            guard case .tls(.configuration(let message))? = $0 as? TransportError else { return XCTFail("\($0)") }
            XCTAssertTrue(message.contains("bücher.example"), message)
        }
    }

    // MARK: Protocol versions and failures

    func testServerOfferingOnlyTLS11IsRefused() throws {
        let options = { (options: inout TLSTestServer.Options) in
            options.minimumVersion = xmppcli_TLS1_1_VERSION()
            options.maximumVersion = xmppcli_TLS1_1_VERSION()
            options.legacySecurity = true
        }
        // The same server does complete a TLS 1.1 handshake with a client that allows it ...
        let probe = try startServer(.localhost, options)
        XCTAssertTrue(try legacyTLS11ClientConnects(port: probe.port))

        // ... but not with ours.
        let server = try startServer(.localhost, options)
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: server.port, deadline: .after(seconds: 5))
        XCTAssertThrowsError(try TLSConnection.handshake(over: tcp, configuration: configuration(), deadline: .after(seconds: 5)))
        {
            guard case .tls(.handshakeFailed(let reason))? = $0 as? TransportError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("protocol"), reason)
        }
        XCTAssertNotNil(try XCTUnwrap(server.waitForReport()).handshakeError)
    }

    func testSilentServerTimesOutTheHandshake() throws {
        let listener = try LoopbackListener()
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let started = Deadline.now()
        XCTAssertThrowsError(
            try TLSConnection.handshake(over: tcp, configuration: configuration(), deadline: .after(seconds: 0.3))
        ) {
            XCTAssertEqual($0 as? TransportError, .timedOut)
        }
        let elapsed = Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        XCTAssertGreaterThanOrEqual(elapsed, 0.29)
        XCTAssertLessThan(elapsed, 3)
    }

    func testPlainXMPPServerFailsTheHandshakeAtOnce() throws {
        let listener = try LoopbackListener()
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        server.send(Array("<?xml version='1.0'?><stream:stream xmlns='jabber:client'>".utf8))
        let started = Deadline.now()
        XCTAssertThrowsError(try TLSConnection.handshake(over: tcp, configuration: configuration(), deadline: .after(seconds: 5)))
        {
            guard case .tls(.handshakeFailed)? = $0 as? TransportError else { return XCTFail("\($0)") }
        }
        XCTAssertLessThan(Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9, 2)
    }

    func testServerClosingDuringTheHandshakeIsAConnectionLoss() throws {
        let listener = try LoopbackListener()
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        Thread {
            _ = server.receive(count: 5)  // the start of the ClientHello
            server.close()
        }.start()
        XCTAssertThrowsError(try TLSConnection.handshake(over: tcp, configuration: configuration(), deadline: .after(seconds: 5)))
        {
            guard case .connectionLost? = $0 as? TransportError else { return XCTFail("\($0)") }
        }
    }

    func testLargeWritesAndReadsSpanManyRecords() throws {
        let server = try startServer(.localhost)
        let connection = try connect(to: server)
        let payload = (0..<200_000).map { _ in UInt8.random(in: 0x21...0x7E) } + [UInt8(ascii: "\n")]
        try connection.write(payload, deadline: .after(seconds: 5))
        var echoed = try connection.read(maxCount: 7000, deadline: .after(seconds: 5))
        // The rest of a 16 KiB record is decrypted and waiting: a poll loop must not wait on the socket.
        XCTAssertEqual(echoed.count, 7000)
        XCTAssertTrue(connection.hasBufferedData)
        while echoed.count < payload.count {
            let chunk = try connection.read(maxCount: 7000, deadline: .after(seconds: 5))
            if chunk.isEmpty { break }
            XCTAssertLessThanOrEqual(chunk.count, 7000)
            echoed += chunk
        }
        XCTAssertEqual(echoed, payload)
        XCTAssertFalse(connection.hasBufferedData)
    }

    func testCloseFailsLaterCalls() throws {
        let server = try startServer(.localhost)
        let connection = try connect(to: server)
        connection.close()
        connection.close()
        XCTAssertEqual(connection.fileDescriptor, -1)
        XCTAssertThrowsError(try connection.read(maxCount: 1, deadline: .after(seconds: 1))) {
            XCTAssertEqual($0 as? TransportError, .closed)
        }
        XCTAssertThrowsError(try connection.write([1], deadline: .after(seconds: 1))) {
            XCTAssertEqual($0 as? TransportError, .closed)
        }
    }

    // MARK: Helpers

    private func assertRejected(
        _ leaf: Leaf, serverName: String, trustingTestCA: Bool = true, reasonContains expected: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let server = try startServer(leaf)
        XCTAssertThrowsError(
            try connect(to: server, serverName: serverName, trustingTestCA: trustingTestCA), file: file, line: line
        ) {
            guard case .tls(.certificateNotTrusted(let reason))? = $0 as? TransportError else {
                return XCTFail("expected certificateNotTrusted, got \($0)", file: file, line: line)
            }
            XCTAssertTrue(reason.hasPrefix("certificate verify failed: "), reason, file: file, line: line)
            for part in expected {
                XCTAssertTrue(reason.contains(part), "\"\(reason)\" lacks \"\(part)\"", file: file, line: line)
            }
        }
        // Nothing reached the server: its handshake failed with our alert.
        let report = try XCTUnwrap(server.waitForReport(), file: file, line: line)
        XCTAssertNotNil(report.handshakeError, file: file, line: line)
        XCTAssertEqual(report.received, [], file: file, line: line)
    }
}
