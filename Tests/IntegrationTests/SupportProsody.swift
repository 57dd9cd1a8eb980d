import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An account registered on the test server.
struct TestAccount: Sendable {
    let jid: String
    let password: String
}

/// The throwaway Prosody of this test process: started on first use by
/// Tests/Support/prosody/start in a temporary directory, on free loopback ports, with the
/// accounts alice, bob and carol; stopped when the process exits (and, should the process
/// die, by the watcher that start leaves behind). Failing to start is a test failure.
final class ProsodyServer: Sendable {
    let directory: URL
    let domain: String
    let host: String
    let starttlsPort: Int
    let directTLSPort: Int
    /// The CA that signed the server certificate (PEM).
    let caFile: String
    /// A CA that signed nothing here: trusting only it must fail.
    let untrustedCAFile: String
    let logFile: String
    let pid: Int32
    /// With `start --upload`: the HTTP upload component's host, its HTTPS port, and where
    /// it keeps the files uploaded (nil otherwise).
    let upload: UploadComponent?
    let alice: TestAccount
    let bob: TestAccount
    let carol: TestAccount

    /// `--server` values for the two listeners.
    var starttlsAddress: String { "\(host):\(starttlsPort)" }
    var directTLSAddress: String { "\(host):\(directTLSPort)" }

    /// The server, started on first use; throws (so the test fails) if it cannot start.
    static var shared: ProsodyServer {
        get throws { try instance.get() }
    }

    private static let instance: Result<ProsodyServer, HarnessError> = {
        do {
            let server = try ProsodyServer.start()
            atexit { ProsodyServer.stopAtExit() }
            return .success(server)
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(.failedToStart("Prosody: \(error)"))
        }
    }()

    /// A second server of this test process that also offers SASL2 with inline Bind2,
    /// stream management and FAST (`start --sasl2`), started on first use like `shared`.
    /// Its own instance, so that the tokens and sessions of those tests touch no other.
    static var sasl2: ProsodyServer {
        get throws { try sasl2Instance.get() }
    }

    private static let sasl2Instance: Result<ProsodyServer, HarnessError> = {
        do {
            let server = try ProsodyServer.start(extraArguments: ["--sasl2"])
            atexit { ProsodyServer.stopSASL2AtExit() }
            return .success(server)
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(.failedToStart("Prosody with SASL2: \(error)"))
        }
    }()

    private static func stopSASL2AtExit() {
        if case .success(let server) = sasl2Instance { kill(server.pid, SIGTERM) }
    }

    /// Only a signal here: the exit path is no place for Foundation. The watcher that start
    /// left behind sees this process go and removes the directory.
    private static func stopAtExit() {
        if case .success(let server) = instance { kill(server.pid, SIGTERM) }
    }

    /// A server of the caller's own, for a test that stops or restarts it; `stop()` it after.
    /// (It is also stopped when the test process ends, like the shared one.)
    static func startOwn(extraArguments: [String] = []) throws -> ProsodyServer {
        try start(extraArguments: extraArguments)
    }

    /// Stops this server (at once: its data is thrown away) and waits until it has.
    func stop() {
        _ = try? runProcess(
            SupportPaths.bash, [SupportPaths.prosodyStart.deletingLastPathComponent().appendingPathComponent("stop").path, directory.path, "--now"],
            timeout: 30, outputIn: FileManager.default.temporaryDirectory)
    }

    /// Restarts this server as an administrator would: down for `seconds`, then up again with
    /// the same ports and data.
    func restart(downFor seconds: Int = 1) throws {
        let outcome = try runProcess(
            SupportPaths.bash,
            [SupportPaths.prosodyStart.deletingLastPathComponent().appendingPathComponent("restart").path, directory.path, String(seconds)],
            timeout: 60, outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0 else {
            throw HarnessError.failedToStart("Prosody restart (exit \(outcome.exitCode)): \(outcome.stderr)")
        }
    }

    private static func start(extraArguments: [String] = []) throws -> ProsodyServer {
        let directory = try makeTemporaryDirectory("xmpp-cli-prosody")
        let outcome = try runProcess(
            SupportPaths.bash,
            [SupportPaths.prosodyStart.path, directory.path, "--watch-pid", String(getpid()), "--cleanup"] + extraArguments,
            timeout: 90, outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0 else {
            throw HarnessError.failedToStart(
                "Prosody (prosody/start exited \(outcome.exitCode)): \(outcome.stderr)\(outcome.stdout)")
        }
        let envFile = directory.appendingPathComponent("env")
        let values = try parseEnvironmentFile(String(contentsOf: envFile, encoding: .utf8))
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
            TestAccount(
                jid: try value("XMPP_TEST_\(name)_JID"), password: try value("XMPP_TEST_\(name)_PASSWORD"))
        }
        return ProsodyServer(
            directory: directory, domain: try value("XMPP_TEST_DOMAIN"),
            host: try value("XMPP_TEST_HOST"),
            starttlsPort: try number("XMPP_TEST_STARTTLS_PORT"),
            directTLSPort: try number("XMPP_TEST_DIRECT_PORT"),
            caFile: try value("XMPP_TEST_CA"), untrustedCAFile: try value("XMPP_TEST_UNTRUSTED_CA"),
            logFile: try value("XMPP_TEST_LOG"), pid: Int32(try number("XMPP_TEST_PID")),
            upload: values["XMPP_TEST_UPLOAD_HOST"] == nil
                ? nil
                : UploadComponent(
                    host: try value("XMPP_TEST_UPLOAD_HOST"), port: try number("XMPP_TEST_UPLOAD_PORT"),
                    dataDirectory: URL(fileURLWithPath: try value("XMPP_TEST_UPLOAD_DATA"))),
            alice: try account("ALICE"), bob: try account("BOB"), carol: try account("CAROL"))
    }

    private init(
        directory: URL, domain: String, host: String, starttlsPort: Int, directTLSPort: Int,
        caFile: String, untrustedCAFile: String, logFile: String, pid: Int32, upload: UploadComponent?,
        alice: TestAccount, bob: TestAccount, carol: TestAccount
    ) {
        self.directory = directory
        self.domain = domain
        self.host = host
        self.starttlsPort = starttlsPort
        self.directTLSPort = directTLSPort
        self.caFile = caFile
        self.untrustedCAFile = untrustedCAFile
        self.logFile = logFile
        self.pid = pid
        self.upload = upload
        self.alice = alice
        self.bob = bob
        self.carol = carol
    }
}

/// Prosody's mod_http_file_share, as `start --upload` sets it up.
struct UploadComponent: Sendable {
    let host: String
    let port: Int
    /// Where the component stores what it was given, one file per upload.
    let dataDirectory: URL
}

/// KEY=VALUE lines, as prosody/start writes them.
func parseEnvironmentFile(_ text: String) -> [String: String] {
    var values: [String: String] = [:]
    for line in text.split(separator: "\n") {
        guard let equals = line.firstIndex(of: "=") else { continue }
        values[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return values
}

/// A loopback port that nothing listens on (the kernel just handed it out and it was closed).
func closedPort() throws -> Int {
    let scratch = FileManager.default.temporaryDirectory
    let outcome = try runProcess(
        SupportPaths.python, [SupportPaths.freePorts.path], timeout: 10, outputIn: scratch)
    guard outcome.exitCode == 0,
        let port = Int(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    else {
        throw HarnessError.unexpectedOutput("free-ports: \(outcome.stdout) \(outcome.stderr)")
    }
    return port
}
