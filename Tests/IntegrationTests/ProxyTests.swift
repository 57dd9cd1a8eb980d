import Foundation
import XCTest

/// `--proxy`, `ALL_PROXY` and `NO_PROXY` against the real Prosody, through microsocks
/// (SOCKS5, with and without a password) and Tests/Support/http-connect-proxy (HTTP
/// CONNECT); slixmpp checks what arrives. Proxy credentials are never printed.
final class ProxyTests: XCTestCase {
    private let credentials = (user: "proxy-user", password: "pr0xy:Pa55@word")
    /// `credentials` as they go in a URL's userinfo.
    private let encodedCredentials = "proxy-user:pr0xy%3APa55%40word"

    private func send(
        _ body: String, proxyArguments: [String] = [], environment: [String: String] = [:], server: String? = nil,
        tls: String = "starttls", verbosity: String = "-v"
    ) throws -> CLIResult {
        let prosody = try ProsodyServer.shared
        let address = server ?? (tls == "direct" ? "localhost:\(prosody.directTLSPort)" : "localhost:\(prosody.starttlsPort)")
        return try runCLI(
            [
                "send", verbosity, "-j", prosody.alice.jid, "--server", address, "--tls", tls,
                "--ca-file", prosody.caFile, "--timeout", "20", "-m", body, prosody.bob.jid,
            ] + proxyArguments,
            environment: ["XMPP_PASSWORD": prosody.alice.password].merging(environment) { _, new in new })
    }

    private func assertDelivered(
        _ body: String, _ run: () throws -> CLIResult, file: StaticString = #filePath, line: UInt = #line
    ) throws -> CLIResult {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, scratch: try makeScratchDirectory())
        let result = try run()
        XCTAssertEqual(result.exitCode, 0, result.summary, file: file, line: line)
        guard result.exitCode == 0 else {
            _ = try? bob.stop()
            return result
        }
        XCTAssertEqual(try bob.messages().map(\.body), [body], file: file, line: line)
        return result
    }

    func testSOCKS5ResolvesTheNameHere() throws {
        let proxy = try TestProxy.microsocks()
        let result = try assertDelivered("through socks5") {
            try send("through socks5", proxyArguments: ["--proxy", "socks5://127.0.0.1:\(proxy.port)"])
        }
        XCTAssertTrue(result.stderr.contains("socks5://127.0.0.1:\(proxy.port) opened a tunnel to 127.0.0.1:"), result.summary)
    }

    /// socks5h with a password, from ALL_PROXY; over direct TLS; not even -vv shows the
    /// user name or password.
    func testSOCKS5HWithAPasswordFromAllProxyOverDirectTLS() throws {
        let proxy = try TestProxy.microsocks(credentials: credentials)
        let result = try assertDelivered("through socks5h") {
            try send(
                "through socks5h", environment: ["ALL_PROXY": "socks5h://\(encodedCredentials)@127.0.0.1:\(proxy.port)"],
                tls: "direct", verbosity: "-vv")
        }
        XCTAssertTrue(result.stderr.contains("socks5h://127.0.0.1:\(proxy.port) opened a tunnel to localhost:"), result.summary)
        for secret in [credentials.user, credentials.password, encodedCredentials, "pr0xy"] {
            XCTAssertFalse(result.stderr.contains(secret), "\(secret) in \(result.summary)")
        }
    }

    func testHTTPConnectWithAPassword() throws {
        let proxy = try TestProxy.httpConnect(credentials: credentials)
        let server = try ProsodyServer.shared
        _ = try assertDelivered("through http") {
            try send("through http", environment: ["all_proxy": "http://\(encodedCredentials)@127.0.0.1:\(proxy.port)"])
        }
        let log = try proxy.log()
        XCTAssertTrue(log.contains("CONNECT localhost:\(server.starttlsPort) HTTP/1.1"), log)
        XCTAssertTrue(log.contains("credentials: given"), log)
    }

    /// With socks5h there is no SRV look-up (the proxy cannot do one): the domain's own
    /// port 5222 is asked for, where nothing listens, and the proxy's refusal is exit 69
    /// in words.
    func testSOCKS5HSkipsSRVAndARefusalIsExit69InWords() throws {
        let proxy = try TestProxy.microsocks()
        let prosody = try ProsodyServer.shared
        let verbose = try runCLI(
            [
                "send", "-v", "-j", prosody.alice.jid, "--ca-file", prosody.caFile, "--timeout", "10", "-m", "never sent",
                prosody.bob.jid, "--proxy", "socks5h://127.0.0.1:\(proxy.port)",
            ],
            environment: ["XMPP_PASSWORD": prosody.alice.password])
        XCTAssertEqual(verbose.exitCode, 69, verbose.summary)
        XCTAssertTrue(verbose.stderr.contains("no DNS SRV look-up: the socks5h proxy resolves names itself"), verbose.summary)
        let quiet = try runCLI(
            [
                "send", "-j", prosody.alice.jid, "--ca-file", prosody.caFile, "--timeout", "10", "-m", "never sent",
                prosody.bob.jid, "--proxy", "socks5h://127.0.0.1:\(proxy.port)",
            ],
            environment: ["XMPP_PASSWORD": prosody.alice.password])
        assertFailure(quiet, exitCode: 69, secrets: [prosody.alice.password])
        XCTAssertTrue(
            quiet.stderr.contains("the proxy socks5h://127.0.0.1:\(proxy.port) did not open a connection to localhost:5222: connection refused"),
            quiet.summary)
    }

    func testAProxyThatWantsAPasswordSaysSoWithoutOne() throws {
        let proxy = try TestProxy.httpConnect(credentials: credentials)
        let result = try send("never sent", environment: ["ALL_PROXY": "http://127.0.0.1:\(proxy.port)"], verbosity: "-q")
        assertFailure(result, exitCode: 69, secrets: [credentials.password])
        XCTAssertTrue(result.stderr.contains("requires a user name and password"), result.summary)
    }

    /// NO_PROXY names the server: the proxy (here, nothing at all) is not used.
    func testNoProxyNamesTheServer() throws {
        let dead = try closedPort()
        _ = try assertDelivered("around the proxy") {
            try send("around the proxy", environment: ["ALL_PROXY": "socks5h://127.0.0.1:\(dead)", "NO_PROXY": "example.org, localhost"])
        }
    }

    func testAnInvalidProxyURLIsAUsageErrorOrAConfigurationError() throws {
        let flag = try send("never sent", proxyArguments: ["--proxy", "socks4://user:secret-word@127.0.0.1:1080"], verbosity: "-q")
        assertFailure(flag, exitCode: 64, secrets: ["secret-word"])
        let environment = try send("never sent", environment: ["ALL_PROXY": "ftp://127.0.0.1"], verbosity: "-q")
        assertFailure(environment, exitCode: 78)
        XCTAssertTrue(environment.stderr.contains("ALL_PROXY"), environment.summary)
    }

    /// The user name and password of `--proxy` stop showing in the process's arguments
    /// (`/proc/PID/cmdline`, what `ps` reads) once parsed.
    func testProxyCredentialsAreBlankedInTheArguments() throws {
        let proxy = try TestProxy.microsocks(credentials: credentials)
        let prosody = try ProsodyServer.shared
        let account = try ListenHarness.account("listener1", on: prosody)
        let listener = try BackgroundCLI(
            [
                "listen", "-v", "-j", account.jid, "--server", "localhost:\(prosody.starttlsPort)",
                "--ca-file", prosody.caFile, "--timeout", "20", "--duration", "20",
                "--proxy", "socks5h://\(encodedCredentials)@127.0.0.1:\(proxy.port)",
            ],
            environment: ["XMPP_PASSWORD": account.password])
        try listener.waitForStderr(containing: "listening as", timeout: 20)
        let commandLine = try String(contentsOfFile: "/proc/\(listener.pid)/cmdline", encoding: .utf8)
        listener.send(signal: SIGTERM)
        _ = try listener.wait()
        XCTAssertTrue(commandLine.contains("socks5h://"), commandLine)
        XCTAssertFalse(commandLine.contains("pr0xy"), commandLine)
        XCTAssertFalse(commandLine.contains(credentials.user), commandLine)
    }
}
