import Foundation

/// Test certificates for the fake server, made once by Tests/Support/certs/generate (and
/// generate-hostile for the bad-certificate scenarios) and kept in the build folder
/// between runs.
enum TestCertificates {
    static var directory: URL {
        get throws { try generated.get() }
    }
    static var caFile: String { get throws { try directory.appendingPathComponent("ca.pem").path } }
    /// The certificates of fakeserver/hostile_tls.py, with a CA of their own (`ca.pem`).
    static var hostileDirectory: URL {
        get throws { try hostileGenerated.get() }
    }

    private static let generated = generate(with: SupportPaths.generateCertificates, into: "certs")
    private static let hostileGenerated = generate(
        with: SupportPaths.support.appendingPathComponent("certs/generate-hostile"), into: "hostile-certs")

    private static func generate(with script: URL, into folder: String) -> Result<URL, HarnessError> {
        let directory = SupportPaths.buildScratch.appendingPathComponent(folder)
        let name = "certs/\(script.lastPathComponent)"
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let outcome = try runProcess(
                SupportPaths.bash, [script.path, directory.path],
                timeout: 60, outputIn: FileManager.default.temporaryDirectory)
            guard outcome.exitCode == 0 else {
                return .failure(.failedToStart("\(name): \(outcome.stderr)"))
            }
            return .success(directory)
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(.failedToStart("\(name): \(error)"))
        }
    }
}

/// The port a helper server writes to `file` (renamed into place once it listens): the test
/// waits for that file, not for a time, and fails at once if the server exits first.
func waitForPortFile(_ file: URL, of child: ChildProcess, what: String, timeout: TimeInterval = 10) throws -> Int {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if let text = try? String(contentsOf: file, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return port
        }
        guard child.isRunning else { throw HarnessError.failedToStart("\(what): \(child.output().stderr)") }
        guard Date() < deadline else {
            child.terminate()
            throw HarnessError.timedOut("\(what) wrote no port")
        }
        usleep(20_000)  // the file's appearance has no descriptor to poll; 20 ms between looks
    }
}

/// Tests/Support/fakeserver/fakeserver.py playing one scenario for one connection, on a
/// free loopback port; it logs every byte the client sends.
final class FakeServer {
    static let password = "fake-Pa55-w0rd"

    let scenario: String
    let port: Int
    let logFile: URL
    var address: String { "127.0.0.1:\(port)" }
    private let child: ChildProcess

    /// `environment` adds variables for the scenario (FAKESERVER_HOSTILE_CERTS, say).
    /// `connections` overrides how many connections the scenario serves before it exits;
    /// `extraArguments` go to fakeserver.py (`--upload-port N`).
    init(
        scenario: String, scratch: URL, password: String = FakeServer.password,
        environment: [String: String] = [:], connections: Int? = nil, extraArguments: [String] = []
    ) throws {
        self.scenario = scenario
        let certificates = try TestCertificates.directory
        let portFile = scratch.appendingPathComponent("fakeserver-\(scenario).port")
        logFile = scratch.appendingPathComponent("fakeserver-\(scenario).log")
        child = try ChildProcess(
            SupportPaths.python,
            [
                SupportPaths.fakeServer.path, "--scenario", scenario, "--once",
                "--port-file", portFile.path, "--log", logFile.path, "--password", password,
                "--cert", certificates.appendingPathComponent("server.pem").path,
                "--key", certificates.appendingPathComponent("server.key").path,
                "--timeout", "30",
            ] + (connections.map { ["--connections", String($0)] } ?? []) + extraArguments,
            environment: Peer.peerEnvironment(password: password).merging(environment) { _, new in new },
            outputIn: scratch)
        port = try waitForPortFile(portFile, of: child, what: "fakeserver.py \(scenario)")
    }

    /// What the scenario recorded so far (`ServerState.record`): one dictionary per event,
    /// with "connection" (1, 2, ...) and "event" among its keys.
    func recordedEvents() throws -> [[String: Any]] {
        let file = URL(fileURLWithPath: logFile.path + ".events")
        let lines = ((try? Data(contentsOf: file)) ?? Data()).split(separator: UInt8(ascii: "\n"))
        return try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw HarnessError.unexpectedOutput("fakeserver.py \(scenario): an event is not an object")
            }
            return object
        }
    }

    /// Gives the server `timeout` seconds to finish its connection (a client that never
    /// connected leaves it waiting: it is then stopped) and returns what the client sent.
    func clientBytes(timeout: TimeInterval = 5) throws -> String {
        do {
            let outcome = try child.wait(timeout: timeout)
            guard outcome.exitCode == 0 else {
                throw HarnessError.unexpectedOutput(
                    "fakeserver.py \(scenario) exited \(outcome.exitCode): \(outcome.stderr)")
            }
        } catch HarnessError.timedOut {
            // Still waiting for a client or for more bytes: what it logged is the answer.
        }
        return String(decoding: (try? Data(contentsOf: logFile)) ?? Data(), as: UTF8.self)
    }
}
