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

    func testTLS12PutsServerEndPointFirstThenTheExporter() throws {
        let server = try startServer(.localhost) { $0.maximumVersion = xmppcli_TLS1_2_VERSION() }
        let connection = try connect(to: server)
        XCTAssertFalse(connection.isTLS13)
        XCTAssertEqual(connection.protocolVersion, "TLSv1.2")
        let bindings = connection.channelBindings()
        XCTAssertEqual(try echo("x\n", over: connection), "x\n")
        connection.close()

        // Both OpenSSL ends negotiate the extended master secret, so the exporter is offered too.
        XCTAssertEqual(bindings.map(\.type), ["tls-server-end-point", "tls-exporter"])
        XCTAssertEqual(bindings.first?.data, try certificates().digestOfDER(.localhost, algorithm: "sha256"))
        XCTAssertEqual(bindings.last?.data, try XCTUnwrap(server.waitForReport()?.exporter))
    }

    func testServerEndPointUsesTheCertificateSignatureHash() throws {
        let server = try startServer(.localhostSHA384) { $0.maximumVersion = xmppcli_TLS1_2_VERSION() }
        let connection = try connect(to: server)
        let endPoint = try XCTUnwrap(connection.channelBindings().first { $0.type == "tls-server-end-point" })
        XCTAssertEqual(endPoint.data.count, 48)
        XCTAssertEqual(endPoint.data, try certificates().digestOfDER(.localhostSHA384, algorithm: "sha384"))
    }
}
