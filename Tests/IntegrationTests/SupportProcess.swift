import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the test harness itself could not do its part; a test that meets one fails.
enum HarnessError: Error, CustomStringConvertible, Sendable {
    case missing(String)
    case failedToStart(String)
    case timedOut(String)
    case unexpectedOutput(String)

    var description: String {
        switch self {
        case .missing(let what): return "missing: \(what)"
        case .failedToStart(let what): return "failed to start: \(what)"
        case .timedOut(let what): return "timed out: \(what)"
        case .unexpectedOutput(let what): return "unexpected output: \(what)"
        }
    }
}

/// What a finished child process left behind.
struct ProcessOutcome {
    let exitCode: Int32
    let stdout: String
    let stderr: String
    /// stdout as bytes, for output that need not be UTF-8.
    let stdoutData: Data
}

/// A child process whose stdout and stderr go to files (no pipes that could fill up and
/// stall it), with a bounded wait and a sure kill.
final class ChildProcess {
    let command: String
    private let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL
    private var stdinURL: URL?

    /// Starts `executable` with `arguments`; `stdin` nil means /dev/null, so the child never
    /// sees a terminal. `environment` replaces the inherited one when given.
    init(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
        stdin: Data? = nil, outputIn directory: URL
    ) throws {
        command = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        let name = UUID().uuidString
        stdoutURL = directory.appendingPathComponent("\(name).stdout")
        stderrURL = directory.appendingPathComponent("\(name).stderr")
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        for url in [stdoutURL, stderrURL] {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw HarnessError.failedToStart("cannot create \(url.path)")
            }
        }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        if let stdin {
            let url = directory.appendingPathComponent("\(name).stdin")
            try stdin.write(to: url)
            stdinURL = url
            process.standardInput = try FileHandle(forReadingFrom: url)
        } else {
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        }
        do {
            try process.run()
        } catch {
            throw HarnessError.failedToStart("\(command): \(error)")
        }
    }

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    /// Waits until the child exits; past `timeout` seconds it is killed and this throws.
    @discardableResult
    func wait(timeout: TimeInterval) throws -> ProcessOutcome {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(10_000)
        }
        if process.isRunning {
            terminate()
            let partial = output()
            throw HarnessError.timedOut(
                "\(command) still running after \(timeout)s; stdout: \(partial.stdout) stderr: \(partial.stderr)")
        }
        return output()
    }

    /// The output so far (complete once the child has exited).
    func output() -> ProcessOutcome {
        let out = (try? Data(contentsOf: stdoutURL)) ?? Data()
        let err = (try? Data(contentsOf: stderrURL)) ?? Data()
        return ProcessOutcome(
            exitCode: process.isRunning ? -1 : process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self),
            stdoutData: out)
    }

    /// SIGTERM, a short grace period, then SIGKILL.
    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        terminate()
        for url in [stdoutURL, stderrURL, stdinURL].compactMap({ $0 }) {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

/// Runs a helper to completion and returns its outcome; throws if it does not finish.
func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
    stdin: Data? = nil, timeout: TimeInterval, outputIn directory: URL
) throws -> ProcessOutcome {
    try ChildProcess(
        executable, arguments, environment: environment, stdin: stdin, outputIn: directory
    ).wait(timeout: timeout)
}

/// A fresh directory under the system temporary folder.
func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
