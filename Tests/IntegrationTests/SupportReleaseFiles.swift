import Foundation
import XCTest

/// What `make deb` and `make dist` make of the release build: each made once per test
/// run, from `.build/integration-tests/release` (the release build scripts/run-tests starts
/// while the tests run, and InstalledBinaryTests installs), into a folder of its own.
final class ReleaseFiles: @unchecked Sendable {
    static let shared = ReleaseFiles()
    private let lock = NSLock()
    private var made: [String: Result<URL, any Error>] = [:]

    /// The file `make TARGET` (deb or dist) printed as its last line, made on first use.
    func file(_ target: String) throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if made[target] == nil { made[target] = Result { try Self.make(target) } }
        return try made[target]!.get()
    }

    /// `make TARGET` once more, into another folder: for comparing two makes of one build.
    func again(_ target: String) throws -> URL { try Self.make(target, folder: "\(target)-again") }

    private static func make(_ target: String, folder: String? = nil) throws -> URL {
        let output = SupportPaths.buildScratch.appendingPathComponent("release-files/\(folder ?? target)")
        try? FileManager.default.removeItem(at: output)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let outcome = try runProcess(
            URL(fileURLWithPath: "/usr/bin/make"),
            [
                "-s", "-C", SupportPaths.packageRoot.path, target, "DIST_DIR=\(output.path)",
                "RELEASE_SCRATCH=\(SupportPaths.buildScratch.appendingPathComponent("release").path)",
            ],
            timeout: 1800, outputIn: output)
        guard outcome.exitCode == 0, let last = outcome.stdout.split(separator: "\n").last else {
            throw HarnessError.unexpectedOutput("make \(target) exited \(outcome.exitCode): \(outcome.stderr)")
        }
        return URL(fileURLWithPath: String(last))
    }

    /// The version the files must carry: what this build's binary says (asked once).
    static func version() throws -> String { try debugVersion.get() }

    private static let debugVersion = Result { () throws -> String in
        let outcome = try runProcess(
            try SupportPaths.cliBinary(), ["--version"], timeout: 30, outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0 else { throw HarnessError.unexpectedOutput("--version: \(outcome.stderr)") }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension XCTestCase {
    /// `make TARGET` run again on the same build makes the same file, byte for byte: no time
    /// of the make and no owner of the build's files goes into it.
    func assertMakingAgainGivesTheSameFile(_ target: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let first = try ReleaseFiles.shared.file(target)
        let second = try ReleaseFiles.shared.again(target)
        XCTAssertEqual(first.lastPathComponent, second.lastPathComponent, file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second), "two makes of one build differ", file: file, line: line)
    }
}

/// A clean Debian 12 root (Tests/Support/debian-root/make, debootstrap), and commands run
/// as root in an overlay of it (Tests/Support/debian-root/run): what one test changes there
/// stays in its own `changes` folder.
struct DebianRoot {
    static let make = SupportPaths.support.appendingPathComponent("debian-root/make")
    static let runner = SupportPaths.support.appendingPathComponent("debian-root/run")
    let path: URL
    let changes: URL

    /// The root, made by debootstrap on first use (or found made by scripts/run-tests).
    static func overlay(scratch: URL) throws -> DebianRoot {
        let outcome = try runProcess(
            make, [SupportPaths.buildScratch.appendingPathComponent("debian-root").path],
            timeout: 1500, outputIn: scratch)
        guard outcome.exitCode == 0, let path = outcome.stdout.split(separator: "\n").last else {
            throw HarnessError.unexpectedOutput("debian-root/make exited \(outcome.exitCode): \(outcome.stderr)")
        }
        return DebianRoot(path: URL(fileURLWithPath: String(path)), changes: scratch.appendingPathComponent("root-changes"))
    }

    /// `command` inside, with `binds` (host folder: path inside, read-only) and the
    /// variables `environment` (and no others of this process).
    func run(
        _ command: [String], binds: [String: String] = [:], environment: [String: String] = [:],
        timeout: TimeInterval = 120, scratch: URL
    ) throws -> ProcessOutcome {
        var arguments = [path.path, changes.path]
        for (host, inside) in binds.sorted(by: { $0.key < $1.key }) { arguments += ["--bind", "\(host):\(inside)"] }
        for name in environment.keys.sorted() { arguments += ["--env", name] }
        return try runProcess(
            Self.runner, arguments + ["--"] + command,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            timeout: timeout, outputIn: scratch)
    }

    /// The upper folder of the overlay: every file the commands made or changed.
    var upper: URL { changes.appendingPathComponent("upper") }
}
