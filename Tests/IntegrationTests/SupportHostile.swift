import Foundation
import XCTest

/// Runs of `xmpp-cli` against the hostile fake-server scenarios
/// (Tests/Support/fakeserver/hostile_*.py), and the four things each run must show:
/// - the exit status CLI.md gives for what the server did;
/// - reached within `--timeout` plus a grace for a loaded machine (past it the client is
///   killed and the test fails): a bound on the deadline, not a benchmark;
/// - a peak resident set size under `peakRSSLimitKiB`;
/// - nothing sent that the flow must stop before: never the password in any form, and
///   none of the markers the test names (`<auth`, `<message`, ...).
enum Hostile {
    /// The client's `--timeout`: small, so scenarios that run into it stay short.
    static let timeout = 3
    static let grace: TimeInterval = 4
    /// Generous: the client's baseline is under 20 MiB.
    static let peakRSSLimitKiB = 64 * 1024
    static let body = "hostile body"

    // What a flow may have to stop before, as it appears in what the client sent.
    static let authentication = "<auth"
    static let saslResponse = "<response"
    static let message = "<message"
    /// The stream header a client sends once it has gone on to TLS (the one before TLS
    /// names no account, and its `<starttls/>` goes with it, asking for nothing yet).
    static let streamOverTLS = " from='alice@"
    /// Anything of the account (its localpart): nothing of it goes out before TLS is verified.
    static let account = "alice"

    /// The password as the client could give it away: in clear, in base64, or as the
    /// SASL PLAIN payload.
    static let passwordForms: [String] = [
        FakeServer.password,
        Data(FakeServer.password.utf8).base64EncodedString(),
        Data("\0alice\0\(FakeServer.password)".utf8).base64EncodedString(),
    ]

    /// The command run against the scenario.
    enum Client {
        /// `send -m BODY RECIPIENT...`
        case send(_ recipients: [String] = ["bob@localhost"])
        /// `listen --count 1 --format json`: the first message printed ends it.
        case listen
        /// `roster list --format json`
        case rosterList

        func arguments(connection: [String]) -> [String] {
            switch self {
            case .send(let recipients): return ["send"] + connection + ["-m", Hostile.body] + recipients
            case .listen: return ["listen"] + connection + ["--count", "1", "--format", "json"]
            case .rosterList: return ["roster", "list"] + connection + ["--format", "json"]
            }
        }
    }

    /// Which CA the client trusts: the usual test CA (the fake server's normal
    /// certificate), or the one of the bad-certificate scenarios.
    enum Trust {
        case standard, hostileCA
    }

    /// One run: the client's result, every byte it sent (TLS decrypted), its peak RSS.
    struct Run {
        let result: CLIResult
        let clientBytes: String
        let peakRSSKiB: Int
        let server: FakeServer
    }

    /// Starts the fake server playing `scenario` and runs `client` as alice@`domain`
    /// against it, under Tests/Support/peak-rss.
    /// `afterExit` runs once the client has exited, before the server's log is read.
    /// What the per-server cache says of a server that offered stream management at the
    /// last login: the client then enables it with the bind request (at first contact a
    /// one-shot command confirms with a ping instead).
    static let remembersStreamManagement = "xmpp-cli server cache 1\nstream-management yes\n"

    /// `remembered`: the per-server cache the client starts with (nil: none, a first contact).
    static func run(
        _ scenario: String, client: Client, timeout: Int, trust: Trust, domain: String, scratch: URL,
        remembered: String? = nil, afterExit: (FakeServer) throws -> Void = { _ in }
    ) throws -> Run {
        let hostileCertificates = try TestCertificates.hostileDirectory
        let server = try FakeServer(
            scenario: scenario, scratch: scratch,
            environment: ["FAKESERVER_HOSTILE_CERTS": hostileCertificates.path])
        let cacheHome = scratch.appendingPathComponent("cache-\(scenario)")
        if let remembered {
            let servers = cacheHome.appendingPathComponent("xmpp-cli/servers")
            try FileManager.default.createDirectory(at: servers, withIntermediateDirectories: true)
            try Data(remembered.utf8).write(
                to: servers.appendingPathComponent("\(domain)%40127.0.0.1%3A\(server.port)%2Cstarttls"))
        }
        let caFile = trust == .standard
            ? try TestCertificates.caFile : hostileCertificates.appendingPathComponent("ca.pem").path
        let connection = [
            "-j", "alice@\(domain)", "--server", server.address, "--tls", "starttls",
            "--ca-file", caFile, "--timeout", String(timeout),
        ]
        let rssFile = scratch.appendingPathComponent("peak-rss-\(scenario)")
        let child = try ChildProcess(
            SupportPaths.support.appendingPathComponent("peak-rss"),
            [rssFile.path, try SupportPaths.cliBinary().path] + client.arguments(connection: connection),
            environment: isolatedEnvironment.merging(["XMPP_PASSWORD": FakeServer.password, "XDG_CACHE_HOME": cacheHome.path]) { _, new in new },
            outputIn: scratch)
        let outcome = try child.wait(timeout: TimeInterval(timeout) + grace)
        try afterExit(server)
        let rss = (try? String(contentsOf: rssFile, encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard let rss else { throw HarnessError.unexpectedOutput("peak-rss wrote no figure for \(scenario)") }
        let result = CLIResult(
            exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr,
            command: "xmpp-cli " + client.arguments(connection: connection).joined(separator: " "))
        return Run(result: result, clientBytes: try server.clientBytes(), peakRSSKiB: rss, server: server)
    }
}

extension XCTestCase {
    /// Runs `client` against the fake server playing `scenario` and checks the four
    /// properties (see `Hostile`): exit status `expected` (a failure also gets exactly one
    /// line on stderr, as every failure does), within the deadline, memory, and nothing of
    /// the password nor any of `forbidden` in what the client sent. Returns the run for
    /// checks of the scenario's own; `afterExit` as for `Hostile.run`.
    @discardableResult
    func assertHostile(
        _ scenario: String, exits expected: Int32, client: Hostile.Client = .send(),
        neverSends forbidden: [String] = [], timeout: Int = Hostile.timeout,
        trust: Hostile.Trust = .standard, domain: String = "localhost", remembered: String? = nil,
        afterExit: (FakeServer) throws -> Void = { _ in },
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Hostile.Run {
        let run = try Hostile.run(
            scenario, client: client, timeout: timeout, trust: trust, domain: domain,
            scratch: try makeScratchDirectory(), remembered: remembered, afterExit: afterExit)
        let result = run.result
        if expected == 0 {
            XCTAssertEqual(result.exitCode, 0, "\(scenario): \(result.summary)", file: file, line: line)
        } else {
            assertFailure(result, exitCode: expected, file: file, line: line)
        }
        XCTAssertFalse(
            result.stderr.contains(FakeServer.password) || result.stdout.contains(FakeServer.password),
            "\(scenario): the output gives away the password: \(result.summary)", file: file, line: line)
        XCTAssertLessThan(
            run.peakRSSKiB, Hostile.peakRSSLimitKiB, "\(scenario): peak RSS \(run.peakRSSKiB) KiB",
            file: file, line: line)
        for marker in Hostile.passwordForms + forbidden where run.clientBytes.contains(marker) {
            XCTFail("\(scenario): the client sent \(marker): \(run.clientBytes.prefix(4000))", file: file, line: line)
        }
        return run
    }
}
