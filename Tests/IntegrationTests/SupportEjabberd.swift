import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The throwaway ejabberd of this test process, for what Prosody 0.12 cannot show:
/// SCRAM-SHA-512 and -256 and channel binding verified by a real server. Started on first use
/// by Tests/Support/ejabberd/start in a temporary directory, on free loopback ports, with the
/// accounts alice and bob; stopped when the process exits (and, should the process die, by
/// the watcher that start leaves behind). Failing to start is a test failure.
///
/// It listens twice: STARTTLS and direct TLS with TLS 1.3 available, and both again with
/// TLS 1.2 at most.
final class EjabberdServer: Sendable {
    let directory: URL
    let domain: String
    let host: String
    let starttlsPort: Int
    let directTLSPort: Int
    let tls12StarttlsPort: Int
    let tls12DirectTLSPort: Int
    /// The CA that signed the server certificate (PEM).
    let caFile: String
    let logFile: String
    let pid: Int32
    let alice: TestAccount
    let bob: TestAccount

    /// The server, started on first use; throws (so the test fails) if it cannot start.
    static var shared: EjabberdServer {
        get throws { try instance.get() }
    }

    private static let instance: Result<EjabberdServer, HarnessError> = {
        do {
            let server = try EjabberdServer.start()
            atexit { EjabberdServer.stopAtExit() }
            return .success(server)
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(.failedToStart("ejabberd: \(error)"))
        }
    }()

    /// Only a signal here: the exit path is no place for Foundation. The Erlang VM shuts down
    /// cleanly on SIGTERM; the watcher that start left behind removes the directory.
    private static func stopAtExit() {
        if case .success(let server) = instance { kill(server.pid, SIGTERM) }
    }

    private static func start() throws -> EjabberdServer {
        let directory = try makeTemporaryDirectory("xmpp-cli-ejabberd")
        let outcome = try runProcess(
            SupportPaths.bash,
            [
                SupportPaths.support.appendingPathComponent("ejabberd/start").path, directory.path,
                "--watch-pid", String(getpid()), "--cleanup",
            ],
            timeout: 60, outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0 else {
            throw HarnessError.failedToStart(
                "ejabberd (ejabberd/start exited \(outcome.exitCode)): \(outcome.stderr)\(outcome.stdout)")
        }
        let envFile = directory.appendingPathComponent("env")
        let values = parseEnvironmentFile(try String(contentsOf: envFile, encoding: .utf8))
        func value(_ key: String) throws -> String {
            guard let value = values[key], !value.isEmpty else {
                throw HarnessError.unexpectedOutput("\(envFile.path) lacks \(key)")
            }
            return value
        }
        func number(_ key: String) throws -> Int {
            guard let number = Int(try value(key)) else {
                throw HarnessError.unexpectedOutput("\(key) in \(envFile.path) is not a number")
            }
            return number
        }
        func account(_ name: String) throws -> TestAccount {
            TestAccount(jid: try value("XMPP_TEST_\(name)_JID"), password: try value("XMPP_TEST_\(name)_PASSWORD"))
        }
        return EjabberdServer(
            directory: directory, domain: try value("XMPP_TEST_DOMAIN"), host: try value("XMPP_TEST_HOST"),
            starttlsPort: try number("XMPP_TEST_STARTTLS_PORT"),
            directTLSPort: try number("XMPP_TEST_DIRECT_PORT"),
            tls12StarttlsPort: try number("XMPP_TEST_TLS12_STARTTLS_PORT"),
            tls12DirectTLSPort: try number("XMPP_TEST_TLS12_DIRECT_PORT"),
            caFile: try value("XMPP_TEST_CA"), logFile: try value("XMPP_TEST_LOG"),
            pid: Int32(try number("XMPP_TEST_PID")), alice: try account("ALICE"), bob: try account("BOB"))
    }

    private init(
        directory: URL, domain: String, host: String, starttlsPort: Int, directTLSPort: Int,
        tls12StarttlsPort: Int, tls12DirectTLSPort: Int, caFile: String, logFile: String, pid: Int32,
        alice: TestAccount, bob: TestAccount
    ) {
        self.directory = directory
        self.domain = domain
        self.host = host
        self.starttlsPort = starttlsPort
        self.directTLSPort = directTLSPort
        self.tls12StarttlsPort = tls12StarttlsPort
        self.tls12DirectTLSPort = tls12DirectTLSPort
        self.caFile = caFile
        self.logFile = logFile
        self.pid = pid
        self.alice = alice
        self.bob = bob
    }

    /// One of the four listeners.
    struct Listener: CustomStringConvertible {
        enum TLSMode: String { case starttls, direct }
        let port: Int
        let tls: TLSMode
        let tls12Only: Bool

        var description: String { "\(tls == .starttls ? "STARTTLS" : "direct TLS")\(tls12Only ? " (TLS 1.2 only)" : "")" }
    }

    func listener(_ tls: Listener.TLSMode, tls12Only: Bool) -> Listener {
        let port =
            switch (tls, tls12Only) {
            case (.starttls, false): starttlsPort
            case (.direct, false): directTLSPort
            case (.starttls, true): tls12StarttlsPort
            case (.direct, true): tls12DirectTLSPort
            }
        return Listener(port: port, tls: tls, tls12Only: tls12Only)
    }

    /// Connection options for `account` through `listener`.
    func connection(_ account: TestAccount, through listener: Listener) -> [String] {
        [
            "-j", account.jid, "--server", "\(host):\(listener.port)", "--tls", listener.tls.rawValue,
            "--ca-file", caFile, "--timeout", "20",
        ]
    }
}
