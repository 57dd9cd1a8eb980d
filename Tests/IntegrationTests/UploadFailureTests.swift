import Foundation
import XCTest

/// What Prosody will not do on demand: the fake server (scenario upload-slot) hands out
/// slots on Tests/Support/http/fake-upload-server, which refuses, fails, hangs, drops the
/// connection or shows an untrusted certificate. Each is its exit code of CLI.md with one
/// line that says what happened; a slot's forbidden header is never sent; and a 200 MB file
/// goes up in flat memory.
final class UploadFailureTests: XCTestCase {
    private struct Run {
        let result: CLIResult
        let requests: [[String: Any]]
        let peakRSSKiB: Int
    }

    /// `upload FILE` against the fake server, its slots on an upload server in `mode` with
    /// the test certificate (or `certificate`), under Tests/Support/peak-rss.
    private func upload(
        _ file: URL, mode: String, certificate: (pem: String, key: String)? = nil, timeout: Int = 20,
        uploadPort: Int? = nil, arguments: [String] = [], connections: Int? = nil
    ) throws -> Run {
        let scratch = try makeScratchDirectory()
        let certificates = try TestCertificates.directory
        let http = try FakeUploadServer(
            mode: mode, certificate: certificate?.pem ?? certificates.appendingPathComponent("server.pem").path,
            key: certificate?.key ?? certificates.appendingPathComponent("server.key").path)
        let xmpp = try FakeServer(
            scenario: "upload-slot", scratch: scratch, connections: connections, extraArguments: ["--upload-port", String(uploadPort ?? http.port)])
        let rssFile = scratch.appendingPathComponent("peak-rss")
        let child = try ChildProcess(
            SupportPaths.support.appendingPathComponent("peak-rss"),
            [rssFile.path, try SupportPaths.cliBinary().path, "upload", "-j", "alice@localhost", "--server", xmpp.address,
             "--tls", "starttls", "--ca-file", try TestCertificates.caFile, "--timeout", String(timeout)] + arguments + [file.path],
            environment: isolatedEnvironment.merging(["XMPP_PASSWORD": FakeServer.password]) { _, new in new },
            outputIn: scratch)
        let outcome = try child.wait(timeout: TimeInterval(timeout) + 30)
        let rss = Int((try? String(contentsOf: rssFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        let result = CLIResult(exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr, command: "xmpp-cli upload \(file.path) (\(mode))")
        return Run(result: result, requests: http.requests(), peakRSSKiB: rss)
    }

    private func smallFile() throws -> URL {
        try UploadHarness.randomFile("status.png", size: 50_000, in: try makeScratchDirectory())
    }

    func testThePutCarriesTheSlotsPermittedHeadersOnly() throws {
        let run = try upload(try smallFile(), mode: "status:201")
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        let headers = try XCTUnwrap(run.requests.first?["headers"] as? [String: String], "\(run.requests)")
        XCTAssertEqual(run.requests.first?["method"] as? String, "PUT")
        XCTAssertEqual(headers["authorization"], "Bearer test-token")
        XCTAssertNil(headers["x-evil"], "a header XEP-0363 does not permit was sent")
        XCTAssertEqual(headers["content-type"], "image/png")
        XCTAssertEqual(headers["content-length"], "50000")
        XCTAssertTrue(run.result.stdout.hasPrefix("https://upload.localhost:"), run.result.summary)
    }

    func testARefusalIsExit1WithTheStatusLine() throws {
        let run = try upload(try smallFile(), mode: "status:403")
        assertFailure(run.result, exitCode: 1)
        XCTAssertTrue(run.result.stderr.contains("HTTP/1.1 403 Forbidden"), run.result.summary)
        XCTAssertEqual(run.result.stdout, "")
    }

    func testAServerFailureIsExit69() throws {
        let run = try upload(try smallFile(), mode: "status:503")
        assertFailure(run.result, exitCode: 69)
        XCTAssertTrue(run.result.stderr.contains("503"), run.result.summary)
    }

    /// A failure worth retrying (69) is retried with --retry: the second attempt uploads.
    func testAServerFailureIsRetriedWithRetry() throws {
        let run = try upload(try smallFile(), mode: "status:503,201", arguments: ["--retry", "1", "-v"], connections: 2)
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        XCTAssertEqual(run.requests.count, 2, "\(run.requests)")
        XCTAssertTrue(run.result.stderr.contains("503"), "the retry says why: \(run.result.summary)")
        XCTAssertTrue(run.result.stdout.hasPrefix("https://upload.localhost:"), run.result.summary)
    }

    func testAConnectionDroppedOrRefusedIsExit69() throws {
        let dropped = try upload(try smallFile(), mode: "close")
        assertFailure(dropped.result, exitCode: 69)
        let unreachable = try upload(try smallFile(), mode: "status:201", uploadPort: try closedPort())
        assertFailure(unreachable.result, exitCode: 69)
        XCTAssertTrue(unreachable.result.stderr.contains("upload.localhost"), unreachable.result.summary)
    }

    func testAServerThatNeverAnswersIsExit75WithinTheTimeout() throws {
        let started = Date()
        let run = try upload(try smallFile(), mode: "hang", timeout: 4)
        assertFailure(run.result, exitCode: 75)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "the deadline was not kept")
        XCTAssertTrue(run.result.stderr.contains("--timeout"), run.result.summary)
    }

    /// A certificate the connection does not trust: exit 77, and not a byte of the file (nor
    /// the slot's Authorization) went to that server.
    func testAnUntrustedCertificateIsExit77BeforeAnythingIsSent() throws {
        let hostile = try TestCertificates.hostileDirectory
        let run = try upload(
            try smallFile(), mode: "status:201",
            certificate: (hostile.appendingPathComponent("self-signed.pem").path, hostile.appendingPathComponent("self-signed.key").path))
        assertFailure(run.result, exitCode: 77)
        XCTAssertTrue(run.result.stderr.contains("not trusted"), run.result.summary)
        XCTAssertTrue(run.requests.isEmpty, "\(run.requests)")
    }

    /// 200 MB read from the file as it is sent: the peak RSS stays under 40 MB, and the
    /// server got every byte (its SHA-256 is the file's).
    func testA200MBFileIsStreamedInFlatMemory() throws {
        let file = try UploadHarness.sparseFile("backup.tar", size: 200_000_000, in: try makeScratchDirectory())
        let run = try upload(file, mode: "status:201", timeout: 120, arguments: ["--format", "json"])
        XCTAssertEqual(run.result.exitCode, 0, run.result.summary)
        XCTAssertGreaterThan(run.peakRSSKiB, 0)
        XCTAssertLessThan(run.peakRSSKiB, 40 * 1000, "peak RSS \(run.peakRSSKiB) KiB uploading 200 MB")
        XCTAssertEqual(run.requests.first?["body_bytes"] as? Int, 200_000_000)
        let expected = try UploadHarness.sha256(of: file)
        XCTAssertEqual(run.requests.first?["body_sha256"] as? String, expected)
        let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.result.stdout.utf8)) as? [String: Any], run.result.stdout)
        XCTAssertEqual(record["sha256"] as? String, expected)
        XCTAssertEqual(record["size"] as? Int, 200_000_000)
    }
}
