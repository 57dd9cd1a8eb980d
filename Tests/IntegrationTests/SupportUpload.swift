import Foundation
import XCTest

/// What an independent HTTP client (Tests/Support/http/download, Python's own TLS) got
/// from a URL: for an aesgcm:// URL (XEP-0454), the bytes it decrypted.
struct Download: Decodable {
    let status: Int
    let size: Int
    let sha256: String
    let contentType: String?

    enum CodingKeys: String, CodingKey {
        case status, size, sha256
        case contentType = "content_type"
    }
}

/// The files, downloads and servers of the upload tests.
enum UploadHarness {
    static let download = SupportPaths.support.appendingPathComponent("http/download")
    static let fakeUploadServer = SupportPaths.support.appendingPathComponent("http/fake-upload-server")

    /// Fetches `url` (https or aesgcm) trusting the test CA; fails the test unless it is a 200.
    static func fetch(_ url: String, on server: ProsodyServer, file: StaticString = #filePath, line: UInt = #line) throws -> Download {
        let outcome = try runProcess(
            SupportPaths.python, [download.path, url, "--ca-file", server.caFile, "--timeout", "60"],
            timeout: 90, outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0, let line = outcome.stdout.split(separator: "\n").last else {
            XCTFail("download \(url) exited \(outcome.exitCode): \(outcome.stdout) \(outcome.stderr)", file: file, line: line)
            throw HarnessError.unexpectedOutput(outcome.stderr)
        }
        return try JSONDecoder().decode(Download.self, from: Data(line.utf8))
    }

    /// A file of `size` random bytes (with `marker` at its start, for grep) in `directory`.
    static func randomFile(_ name: String, size: Int, marker: String = "", in directory: URL) throws -> URL {
        var bytes = Data(marker.utf8)
        var generator = SystemRandomNumberGenerator()
        bytes.reserveCapacity(size)
        while bytes.count + 8 <= size {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        while bytes.count < size { bytes.append(UInt8.random(in: 0...255)) }
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    /// A sparse file of `size` bytes: as large as needed, and free to make.
    static func sparseFile(_ name: String, size: Int, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: Data("sparse".utf8))
        guard truncate(url.path, off_t(size)) == 0 else { throw HarnessError.unexpectedOutput("truncate \(url.path) failed") }
        return url
    }

    /// `sha256sum FILE`: the digest as hex, by a tool of its own.
    static func sha256(of file: URL) throws -> String {
        let outcome = try runProcess(
            URL(fileURLWithPath: "/usr/bin/sha256sum"), [file.path], timeout: 120, outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0, let digest = outcome.stdout.split(separator: " ").first else {
            throw HarnessError.unexpectedOutput("sha256sum: \(outcome.stderr)")
        }
        return String(digest)
    }

    /// The files the upload component holds (each upload is one), by name.
    static func storedFiles(on server: ProsodyServer) throws -> Set<String> {
        guard let directory = server.upload?.dataDirectory else { throw HarnessError.unexpectedOutput("the server has no upload component") }
        return Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
    }

    /// The connection options and password for `account` on `server`.
    static func connection(_ account: TestAccount, _ server: ProsodyServer) -> [String] {
        ["-j", account.jid, "--server", server.starttlsAddress, "--tls", "starttls", "--ca-file", server.caFile, "--timeout", "60"]
    }

    /// `xmpp-cli ARGUMENTS` in a pseudo-terminal (Tests/Support/pty/answer-prompt.py, which
    /// answers no prompt here): what the terminal showed, stdout and stderr together.
    static func runOnTerminal(_ arguments: [String], environment: [String: String]) throws -> ProcessOutcome {
        var full = isolatedEnvironment.merging(environment) { _, new in new }
        full["TERM"] = full["TERM"] ?? "xterm"
        full.merge(environment) { _, new in new }
        return try runProcess(
            SupportPaths.python,
            [SupportPaths.support.appendingPathComponent("pty/answer-prompt.py").path, "--prompt", "never shown", "--timeout", "60", "--"]
                + [try SupportPaths.cliBinary().path] + arguments,
            environment: full, timeout: 90, outputIn: FileManager.default.temporaryDirectory)
    }
}

/// Tests/Support/http/fake-upload-server: an HTTPS server that answers every upload with one
/// status, never answers, or closes the connection, for what Prosody will not do on demand.
final class FakeUploadServer {
    let port: Int
    let scratch: URL
    private let child: ChildProcess

    init(mode: String, certificate: String, key: String) throws {
        scratch = try makeTemporaryDirectory("xmpp-cli-fake-upload")
        let portFile = scratch.appendingPathComponent("port")
        child = try ChildProcess(
            SupportPaths.python,
            [
                UploadHarness.fakeUploadServer.path, "--cert", certificate, "--key", key, "--port-file", portFile.path,
                "--mode", mode, "--log", scratch.appendingPathComponent("log").path, "--timeout", "60",
            ],
            outputIn: scratch)
        port = try waitForPortFile(portFile, of: child, what: "fake-upload-server")
    }

    /// The requests it received, one JSON object each.
    func requests() -> [[String: Any]] {
        let text = (try? String(contentsOf: scratch.appendingPathComponent("log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    deinit {
        child.terminate()
        try? FileManager.default.removeItem(at: scratch)
    }
}
