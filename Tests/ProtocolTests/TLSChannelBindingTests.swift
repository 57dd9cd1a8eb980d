import COpenSSL
import XCTest
import XMPPProtocol

final class TLSChannelBindingTests: XCTestCase {
    func testTLS13OffersTheExporterTheServerComputes() throws {
        let server = try startServer(.localhost)
        let connection = try connect(to: server)
        let bindings = connection.channelBindings()
        XCTAssertEqual(try echo("x\n", over: connection), "x\n")
        connection.close()

        XCTAssertEqual(bindings.map(\.type), ["tls-exporter"])
        XCTAssertEqual(bindings.first?.data.count, 32)
        let serverExporter = try XCTUnwrap(server.waitForReport()?.exporter)
        XCTAssertEqual(bindings.first?.data, serverExporter)
    }

    func testExporterDiffersBetweenConnections() throws {
        let first = try connect(to: try startServer(.localhost)).channelBindings()
        let second = try connect(to: try startServer(.localhost)).channelBindings()
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(second.count, 1)
        XCTAssertNotEqual(first.first?.data, second.first?.data)
    }

    /// tls-unique first: it is the type RFC 5802 requires of every binding server, so the one
    /// a server that does not list its types (XEP-0440) supports.
    func testTLS12OffersUniqueThenServerEndPointThenTheExporter() throws {
        let server = try startServer(.localhost) { $0.maximumVersion = xmppcli_TLS1_2_VERSION() }
        let connection = try connect(to: server)
        XCTAssertFalse(connection.isTLS13)
        XCTAssertEqual(connection.protocolVersion, "TLSv1.2")
        let bindings = connection.channelBindings()
        XCTAssertEqual(try echo("x\n", over: connection), "x\n")
        connection.close()

        // Both OpenSSL ends negotiate the extended master secret, so tls-unique and the
        // exporter are offered.
        XCTAssertEqual(bindings.map(\.type), ["tls-unique", "tls-server-end-point", "tls-exporter"])
        let report = try XCTUnwrap(server.waitForReport())
        // A full handshake: the client's Finished, as the server received it (12 bytes in TLS 1.2).
        XCTAssertEqual(bindings[0].data.count, 12)
        XCTAssertEqual(bindings[0].data, try XCTUnwrap(report.clientFinished))
        XCTAssertEqual(bindings[1].data, try certificates().digestOfDER(.localhost, algorithm: "sha256"))
        XCTAssertEqual(bindings[2].data, try XCTUnwrap(report.exporter))
    }

    func testUniqueDiffersBetweenConnections() throws {
        let tls12: (inout TLSTestServer.Options) -> Void = { $0.maximumVersion = xmppcli_TLS1_2_VERSION() }
        let first = try connect(to: try startServer(.localhost, tls12)).channelBindings()
        let second = try connect(to: try startServer(.localhost, tls12)).channelBindings()
        XCTAssertEqual(first.first?.type, "tls-unique")
        XCTAssertEqual(second.first?.type, "tls-unique")
        XCTAssertNotEqual(first.first?.data, second.first?.data)
    }

    /// Without the extended master secret a man in the middle can make two connections share
    /// their Finished messages and exporter (the triple handshake): only the certificate binds.
    func testTLS12WithoutExtendedMasterSecretOffersOnlyServerEndPoint() throws {
        let server = try startServer(.localhost) {
            $0.maximumVersion = xmppcli_TLS1_2_VERSION()
            $0.withoutExtendedMasterSecret = true
        }
        let connection = try connect(to: server)
        let bindings = connection.channelBindings()
        XCTAssertEqual(try echo("x\n", over: connection), "x\n")
        connection.close()
        XCTAssertEqual(bindings.map(\.type), ["tls-server-end-point"])
    }

    func testServerEndPointUsesTheCertificateSignatureHash() throws {
        let server = try startServer(.localhostSHA384) { $0.maximumVersion = xmppcli_TLS1_2_VERSION() }
        let connection = try connect(to: server)
        let endPoint = try XCTUnwrap(connection.channelBindings().first { $0.type == "tls-server-end-point" })
        XCTAssertEqual(endPoint.data.count, 48)
        XCTAssertEqual(endPoint.data, try certificates().digestOfDER(.localhostSHA384, algorithm: "sha384"))
    }
}
