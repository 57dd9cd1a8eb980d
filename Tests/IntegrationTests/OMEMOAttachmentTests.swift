import Foundation
import XCTest

/// `send --omemo --attach` (XEP-0454) against slixmpp-omemo and Prosody's mod_http_file_share:
/// the peer decrypts an aesgcm:// URL, an independent client downloads and decrypts the file
/// with it and gets the same bytes, and neither the file's contents nor its key reach the
/// server's disk.
final class OMEMOAttachmentTests: OMEMOTestCase {
    override class var serverArguments: [String] { ["--upload", String(4 * 1024 * 1024)] }

    func testAnEncryptedAttachmentIsDecryptedByThePeerAndTheDownloader() throws {
        let cli = client(server.alice)
        let bob = try startPeer(server.bob, store: "bob-store")
        let marker = omemoToken("file-contents")
        let file = try UploadHarness.randomFile("chart.png", size: 150_000, marker: marker, in: scratch)

        let result = try cli.run(["send"], ["--omemo", "-m", "the chart", "--attach", file.path, server.bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let text = try bob.nextMessage(from: server.alice.jid)
        try assertDecrypted(text, "the chart", from: cli)
        let attachment = try bob.nextMessage(from: server.alice.jid)
        XCTAssertEqual(attachment.encrypted, true, attachment.line)
        let url = try XCTUnwrap(attachment.body, attachment.line)
        XCTAssertTrue(url.hasPrefix("aesgcm://upload.localhost:\(server.upload!.port)/"), url)
        XCTAssertTrue(url.contains(".png#"), "the extension is kept for the receiving client: \(url)")
        XCTAssertFalse(url.contains("chart"), "the file's name is not given to the server: \(url)")
        let fragment = try XCTUnwrap(url.split(separator: "#").last.map(String.init))
        XCTAssertEqual(fragment.count, 88, "a 12-byte IV and a 32-byte key in hex: \(url)")

        let downloaded = try UploadHarness.fetch(url, on: server)
        XCTAssertEqual(downloaded.size, 150_000)
        XCTAssertEqual(downloaded.sha256, try UploadHarness.sha256(of: file))
        XCTAssertFalse(try OMEMOServerFiles.contain(marker, on: server), "the file's contents are on the server in the clear")
        XCTAssertFalse(try OMEMOServerFiles.contain(String(fragment.suffix(64)), on: server), "the file's key is on the server")
        XCTAssertFalse(try OMEMOServerFiles.contain("the chart", on: server), "the text is on the server in the clear")

        // The other way: the peer sends the aesgcm:// URL back, and listen shows it as the url.
        let listener = try cli.startListener(["--format", "json", "--count", "1"])
        try bob.send(url, to: server.alice.jid)
        let heard = try listener.wait(timeout: 30)
        XCTAssertEqual(heard.exitCode, 0, heard.summary)
        let record = try ListenHarness.object(try XCTUnwrap(ListenHarness.lines(heard.stdout).last, heard.summary))
        XCTAssertEqual(record["encrypted"] as? String, "omemo", heard.stdout)
        XCTAssertEqual(record["url"] as? String, url, heard.stdout)
    }
}
