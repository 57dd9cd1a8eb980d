import XCTest
import XMPPProtocol

/// The handshakes against real proxies on the loopback interface: microsocks (Debian) for
/// SOCKS5, with and without username/password, and Tests/Support/http-connect-proxy for
/// HTTP CONNECT; each tunnel leads to a listener of the test and carries bytes both ways.
final class ProxyRealPeerTests: XCTestCase {
    private let credentials = (user: "proxy-user", password: "Proxy-Pass-7")

    private func configuration(
        _ kind: ProxyConfiguration.Kind, port: UInt16, user: String? = nil, password: String? = nil
    ) -> ProxyConfiguration {
        ProxyConfiguration(kind: kind, host: "127.0.0.1", port: port, username: user, password: password)
    }

    private func assertFails(
        through proxy: ProxyConfiguration, to target: ProxyTarget, with expected: ProxyError,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: proxy.port, deadline: .after(seconds: 5))
        defer { tcp.close() }
        XCTAssertThrowsError(
            try ProxyHandshake.open(on: tcp, proxy: proxy, to: target, deadline: .after(seconds: 5)), file: file, line: line
        ) {
            XCTAssertEqual($0 as? ProxyError, expected, file: file, line: line)
        }
    }

    // MARK: microsocks

    func testMicrosocksWithAnAddressAndWithAName() throws {
        let microsocks = try ProxyProcess.microsocks()
        let first = try TunnelTarget()
        try assertTunnel(
            through: configuration(.socks5, port: microsocks.port), port: microsocks.port,
            to: .address(.loopbackIPv4, port: first.port), reaching: first)
        let second = try TunnelTarget()
        try assertTunnel(
            through: configuration(.socks5h, port: microsocks.port), port: microsocks.port,
            to: .name("localhost", port: second.port), reaching: second)
    }

    func testMicrosocksWithUsernameAndPassword() throws {
        let microsocks = try ProxyProcess.microsocks(credentials: credentials)
        let target = try TunnelTarget()
        let proxy = configuration(.socks5h, port: microsocks.port, user: credentials.user, password: credentials.password)
        try assertTunnel(through: proxy, port: microsocks.port, to: .name("localhost", port: target.port), reaching: target)

        try assertFails(
            through: configuration(.socks5h, port: microsocks.port, user: credentials.user, password: "wrong"),
            to: .name("localhost", port: target.port),
            with: .authenticationRefused(proxy: "socks5h://127.0.0.1:\(microsocks.port)"))
        try assertFails(
            through: configuration(.socks5h, port: microsocks.port), to: .name("localhost", port: target.port),
            with: .refused(
                proxy: "socks5h://127.0.0.1:\(microsocks.port)", target: "localhost:\(target.port)",
                reason:
                    "it accepts none of the authentication methods offered (no authentication); it may want a user name and password"
            ))
    }

    func testMicrosocksReportsARefusedTarget() throws {
        let microsocks = try ProxyProcess.microsocks()
        let closed = try closedLoopbackPort()
        try assertFails(
            through: configuration(.socks5, port: microsocks.port), to: .address(.loopbackIPv4, port: closed),
            with: .refused(
                proxy: "socks5://127.0.0.1:\(microsocks.port)", target: "127.0.0.1:\(closed)", reason: "connection refused"))
    }

    // MARK: Tests/Support/http-connect-proxy

    func testHTTPConnectWithANameAndWithAnAddress() throws {
        let proxy = try ProxyProcess.httpConnect()
        let first = try TunnelTarget()
        try assertTunnel(
            through: configuration(.http, port: proxy.port), port: proxy.port,
            to: .name("localhost", port: first.port), reaching: first)
        let second = try TunnelTarget()
        try assertTunnel(
            through: configuration(.http, port: proxy.port), port: proxy.port,
            to: .address(.loopbackIPv4, port: second.port), reaching: second)
        XCTAssertEqual(
            proxy.logLines,
            [
                "CONNECT localhost:\(first.port) HTTP/1.1\tcredentials: none\tstatus: 200",
                "CONNECT 127.0.0.1:\(second.port) HTTP/1.1\tcredentials: none\tstatus: 200",
            ])
    }

    func testHTTPConnectWithBasicAuthentication() throws {
        let proxy = try ProxyProcess.httpConnect(credentials: credentials)
        let target = try TunnelTarget()
        let name = "http://127.0.0.1:\(proxy.port)"
        try assertTunnel(
            through: configuration(.http, port: proxy.port, user: credentials.user, password: credentials.password),
            port: proxy.port, to: .name("localhost", port: target.port), reaching: target)
        try assertFails(
            through: configuration(.http, port: proxy.port), to: .name("localhost", port: target.port),
            with: .authenticationRequired(proxy: name))
        try assertFails(
            through: configuration(.http, port: proxy.port, user: credentials.user, password: "wrong"),
            to: .name("localhost", port: target.port), with: .authenticationRefused(proxy: name))
        let request = "CONNECT localhost:\(target.port) HTTP/1.1"
        XCTAssertEqual(
            proxy.logLines,
            [
                "\(request)\tcredentials: given\tstatus: 200",
                "\(request)\tcredentials: none\tstatus: 407",
                "\(request)\tcredentials: wrong\tstatus: 407",
            ])
        XCTAssertFalse(proxy.logLines.joined().contains(credentials.password))
    }

    func testHTTPConnectReportsARefusedTarget() throws {
        let proxy = try ProxyProcess.httpConnect()
        let closed = try closedLoopbackPort()
        try assertFails(
            through: configuration(.http, port: proxy.port), to: .name("localhost", port: closed),
            with: .refused(
                proxy: "http://127.0.0.1:\(proxy.port)", target: "localhost:\(closed)", reason: "it answered \"502 Bad Gateway\"")
        )
    }
}
