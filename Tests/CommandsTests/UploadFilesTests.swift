import Glibc
import XCTest

@testable import Commands
@testable import XMPPProtocol

/// What `upload` and `send --attach` make of a file before anything is sent: its name, type
/// and readability; the aesgcm:// URL of an encrypted one; and the progress bar's line.
final class UploadFilesTests: XCTestCase {
    func testTheNameSentIsTheBaseNameWithoutControlCharacters() {
        XCTAssertEqual(UploadFile.uploadName("/var/tmp/graph.png"), "graph.png")
        XCTAssertEqual(UploadFile.uploadName("report\u{1B}[31m.pdf"), "report[31m.pdf")
        XCTAssertEqual(UploadFile.uploadName("a\u{202E}gnp.exe"), "agnp.exe")
        XCTAssertEqual(UploadFile.uploadName("dir/"), "dir")
        XCTAssertEqual(UploadFile.uploadName("/"), "file")
        XCTAssertEqual(UploadFile.uploadName("x/.."), "file")
        XCTAssertEqual(UploadFile.uploadName("\u{7}\u{0}"), "file")
    }

    func testTheContentTypeIsGuessedFromTheExtension() {
        XCTAssertEqual(ContentTypes.guess(forName: "graph.PNG"), "image/png")
        XCTAssertEqual(ContentTypes.guess(forName: "build.log"), "text/plain")
        XCTAssertEqual(ContentTypes.guess(forName: "backup.tar.gz"), "application/gzip")
        XCTAssertEqual(ContentTypes.guess(forName: ".png"), "application/octet-stream")
        XCTAssertEqual(ContentTypes.guess(forName: "README"), "application/octet-stream")
    }

    func testAGivenContentTypeMustBeOne() throws {
        XCTAssertEqual(try Upload.checkContentType("text/plain; charset=utf-8"), "text/plain; charset=utf-8")
        for bad in ["png", "image/", "/png", "image/png\r\nX-Evil: 1", "image/p ng", "ima(ge/png"] {
            XCTAssertThrowsError(try Upload.checkContentType(bad), bad) { error in
                XCTAssertEqual((error as? Failure)?.status, .dataError)
            }
        }
    }

    func testAFileThatCannotBeReadOrIsNoRegularFileIsExit66() throws {
        XCTAssertThrowsError(try UploadFile(path: "/nonexistent/graph.png", contentType: nil)) { error in
            XCTAssertEqual((error as? Failure)?.status, .noInput)
        }
        XCTAssertThrowsError(try UploadFile(path: "/tmp", contentType: nil)) { error in
            XCTAssertEqual((error as? Failure)?.status, .noInput)
        }
    }

    func testTheBodyIsTheFileAndItsEncryptionIsTheOneTheURLCarries() throws {
        let path = FileManagerless.temporaryFile(contents: Digest.randomBytes(200_000))
        defer { unlink(path) }
        let file = try UploadFile(path: path, contentType: nil)
        let encryption = FileEncryption.random()
        let body = try UploadBody(file: file, encryption: encryption)
        XCTAssertEqual(body.length, 200_016)
        var sent: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 7_000)
        while true {
            let count = try XCTUnwrap(buffer.withUnsafeMutableBytes { body.read(into: $0) })
            if count == 0 { break }
            sent += buffer.prefix(count)
        }
        XCTAssertEqual(sent.count, 200_016)
        let plaintext = try XCTUnwrap(FileManagerless.contents(of: path))
        XCTAssertEqual(body.sha256(), Hex.encode(Digest.hash(.sha256, plaintext)))
        let url = encryption.url(for: try XCTUnwrap(HTTPURL("https://upload.example/f/abc.png#old")))
        XCTAssertTrue(url.hasPrefix("aesgcm://upload.example/f/abc.png#"), url)
        let secret = try XCTUnwrap(Hex.decode(String(url.split(separator: "#").last!)))
        XCTAssertEqual(secret.count, 44)
        let opened = try Cipher.gcmOpen(key: Array(secret[12...]), iv: Array(secret[..<12]), ciphertext: Array(sent.dropLast(16)), tag: Array(sent.suffix(16)))
        XCTAssertEqual(opened, plaintext)
    }

    func testAFileThatShrinksWhileBeingReadIsReported() throws {
        let path = FileManagerless.temporaryFile(contents: Digest.randomBytes(10_000))
        defer { unlink(path) }
        let file = try UploadFile(path: path, contentType: nil)
        let body = try UploadBody(file: file, encryption: nil)
        XCTAssertEqual(truncate(path, 5_000), 0)
        var buffer = [UInt8](repeating: 0, count: 8_192)
        XCTAssertEqual(buffer.withUnsafeMutableBytes { body.read(into: $0) }, 5_000)
        XCTAssertNil(buffer.withUnsafeMutableBytes { body.read(into: $0) })
        XCTAssertEqual(body.failure?.status, .noInput)
    }

    func testTheProgressLineFitsItsWidthAndSaysWhatCurlWould() {
        let line = ProgressBar.render(label: "graph.png", sent: 50 << 20, total: 200 << 20, elapsedSeconds: 5, width: 100)
        XCTAssertLessThanOrEqual(line.count, 100)
        XCTAssertTrue(line.hasPrefix("graph.png"), line)
        XCTAssertTrue(line.contains(" 25% ["), line)
        XCTAssertTrue(line.contains("50.0 MiB / 200.0 MiB"), line)
        XCTAssertTrue(line.contains("10.0 MiB/s"), line)
        XCTAssertTrue(line.contains("ETA  0:15"), line)
        let done = ProgressBar.render(label: "graph.png", sent: 200 << 20, total: 200 << 20, elapsedSeconds: 20, width: 100)
        XCTAssertTrue(done.contains("100% [====="), done)
        XCTAssertTrue(done.contains("done"), done)
        for width in [20, 40, 60, 200] {
            let narrow = ProgressBar.render(label: String(repeating: "x", count: 80), sent: 1, total: 3 << 20, elapsedSeconds: 1, width: width)
            XCTAssertLessThanOrEqual(narrow.count, max(width, 60), "width \(width): \(narrow)")
        }
        let hostile = ProgressBar.render(label: "\u{1B}]0;owned\u{7}.png", sent: 1, total: 2, elapsedSeconds: 1, width: 120)
        XCTAssertFalse(hostile.contains("\u{1B}"), hostile)
    }

    func testSizesAndDurationsAreWrittenAsPeopleReadThem() {
        XCTAssertEqual(ProgressBar.bytes(812), "812 B")
        XCTAssertEqual(ProgressBar.bytes(65_536), "64.0 KiB")
        XCTAssertEqual(ProgressBar.bytes(1_572_864), "1.5 MiB")
        XCTAssertEqual(ProgressBar.duration(7), "0:07")
        XCTAssertEqual(ProgressBar.duration(765), "12:45")
        XCTAssertEqual(ProgressBar.duration(3_723), "1:02:03")
    }
}

/// Temporary files without Foundation, as the code under test has none.
enum FileManagerless {
    static func temporaryFile(contents: [UInt8]) -> String {
        var template = Array("/tmp/xmpp-cli-upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0)
        contents.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return String(cString: template)
    }

    static func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            result += buffer.prefix(count)
        }
        return result
    }
}
