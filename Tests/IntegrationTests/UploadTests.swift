import Foundation
import XCTest

/// `upload` and `send --attach` against Prosody's own mod_http_file_share (a 4 MiB limit, so
/// oversize files are cheap), checked by independent clients: slixmpp receives the
/// messages, and Python's HTTP client downloads every URL and compares SHA-256.
final class UploadTests: XCTestCase {
    private static let limit = 4 * 1024 * 1024
    private static let prosody = ClassProsody(extraArguments: ["--upload", String(limit)])

    private var server: ProsodyServer!
    private var scratch: URL!

    override class func tearDown() {
        prosody.stop()
        super.tearDown()
    }

    override func setUpWithError() throws {
        server = try Self.prosody.get()
        scratch = try makeScratchDirectory()
    }

    private func xmppCLI(_ arguments: [String], as account: TestAccount? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        let account = account ?? server.alice
        return try runCLI(
            [arguments[0]] + UploadHarness.connection(account, server) + arguments.dropFirst(),
            environment: ["XMPP_PASSWORD": account.password].merging(environment) { _, new in new }, timeout: 90)
    }

    func testUploadPrintsURLsThatAnotherClientDownloadsIntact() throws {
        let graph = try UploadHarness.randomFile("graph.png", size: 2_500_000, in: scratch)
        let log = try UploadHarness.randomFile("build 42.log", size: 1_000, in: scratch)
        let result = try xmppCLI(["upload", "--format", "json", graph.path, log.path])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(records.count, 2, result.stdout)
        for (record, (file, type)) in zip(records, [(graph, "image/png"), (log, "text/plain")]) {
            let url = try XCTUnwrap(record["url"] as? String)
            XCTAssertTrue(url.hasPrefix("https://upload.localhost:\(server.upload!.port)/"), url)
            XCTAssertEqual(record["file"] as? String, file.path)
            XCTAssertEqual(record["content_type"] as? String, type)
            let expected = try UploadHarness.sha256(of: file)
            XCTAssertEqual(record["sha256"] as? String, expected)
            let downloaded = try UploadHarness.fetch(url, on: server)
            XCTAssertEqual(downloaded.sha256, expected)
            XCTAssertEqual(downloaded.size, record["size"] as? Int)
            XCTAssertEqual(downloaded.contentType, type)
        }
        // Text: the URLs, one a line, in the order given.
        let text = try xmppCLI(["upload", log.path, graph.path])
        XCTAssertEqual(text.exitCode, 0, text.summary)
        let urls = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(urls.count, 2, text.stdout)
        XCTAssertTrue(urls[0].hasSuffix("/build%2042.log") || urls[0].hasSuffix("/build 42.log"), urls[0])
        XCTAssertEqual(try UploadHarness.fetch(urls[1], on: server).sha256, try UploadHarness.sha256(of: graph))
    }

    func testSendAttachDeliversTheTextThenEachFileWithAnOutOfBandURL() throws {
        let graph = try UploadHarness.randomFile("load.png", size: 300_000, in: scratch)
        let report = try UploadHarness.randomFile("report.pdf", size: 20_000, in: scratch)
        let bob = try Peer.receive(as: server.bob, on: server, count: 3, scratch: scratch)
        let result = try xmppCLI(
            ["send", "--format", "json", "-m", "nightly graphs", "--attach", graph.path, "--attach", report.path, server.bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let messages = try bob.messages()
        XCTAssertEqual(messages.map(\.body).first, "nightly graphs")
        XCTAssertNil(messages.first?.oobURL)
        XCTAssertEqual(messages.count, 3)
        // --format json: a record per message, the files' with their URLs.
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.map { $0["id"] as? String }, messages.map(\.id), result.stdout)
        XCTAssertEqual(records.map { $0["url"] as? String }, messages.map(\.oobURL), result.stdout)
        XCTAssertEqual(records.map { $0["acked"] as? Bool }, [true, true, true], result.stdout)
        for (message, file) in zip(messages.dropFirst(), [graph, report]) {
            let url = try XCTUnwrap(message.oobURL, "no out-of-band URL: \(message)")
            XCTAssertEqual(message.body, url, "the body is the URL, for clients without XEP-0066")
            XCTAssertTrue(url.hasSuffix("/" + file.lastPathComponent), url)
            XCTAssertEqual(try UploadHarness.fetch(url, on: server).sha256, try UploadHarness.sha256(of: file))
        }
    }

    /// The service found is remembered in the server cache, so the next upload asks it for a
    /// slot at once (two round trips fewer); one that has gone is looked for again.
    func testTheServiceIsRememberedAndLookedForAgainWhenItHasGone() throws {
        let file = try UploadHarness.randomFile("again.txt", size: 5_000, in: scratch)
        let cache = ["XDG_CACHE_HOME": scratch.appendingPathComponent("cache").path]
        let first = try xmppCLI(["upload", "-v", file.path], environment: cache)
        XCTAssertEqual(first.exitCode, 0, first.summary)
        XCTAssertTrue(first.stderr.contains("upload service upload.localhost, files up to \(Self.limit) bytes"), first.summary)
        let second = try xmppCLI(["upload", "-v", file.path], environment: cache)
        XCTAssertEqual(second.exitCode, 0, second.summary)
        XCTAssertTrue(second.stderr.contains("upload service upload.localhost (as the last upload found)"), second.summary)

        let servers = scratch.appendingPathComponent("cache/xmpp-cli/servers")
        let cacheFile = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: servers, includingPropertiesForKeys: nil).first)
        let remembered = try String(contentsOf: cacheFile, encoding: .utf8)
        XCTAssertTrue(remembered.contains("upload-service upload.localhost \(Self.limit)\n"), remembered)
        try remembered.replacingOccurrences(of: "upload-service upload.localhost \(Self.limit)", with: "upload-service gone.localhost")
            .write(to: cacheFile, atomically: true, encoding: .utf8)
        let third = try xmppCLI(["upload", "-v", file.path], environment: cache)
        XCTAssertEqual(third.exitCode, 0, third.summary)
        XCTAssertTrue(third.stderr.contains("looking for the service again"), third.summary)
        XCTAssertEqual(try UploadHarness.fetch(third.stdout.trimmingCharacters(in: .whitespacesAndNewlines), on: server).sha256, try UploadHarness.sha256(of: file))
        XCTAssertTrue(try String(contentsOf: cacheFile, encoding: .utf8).contains("upload-service upload.localhost \(Self.limit)\n"))
    }

    /// What `send --attach` sends, `listen` shows as the record's url (and --exec's XMPP_URL).
    func testListenShowsTheURLOfAnAttachment() throws {
        let graph = try UploadHarness.randomFile("cpu.png", size: 40_000, in: scratch)
        let carol = server.carol
        let listener = try ListenHarness.startListener(as: carol, on: server, ["--format", "json", "--count", "1"])
        let sent = try xmppCLI(["send", "--attach", graph.path, carol.jid])
        XCTAssertEqual(sent.exitCode, 0, sent.summary)
        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let record = try ListenHarness.object(try XCTUnwrap(ListenHarness.lines(result.stdout).last))
        let url = try XCTUnwrap(record["url"] as? String, result.stdout)
        XCTAssertEqual(record["body"] as? String, url)
        XCTAssertEqual(try UploadHarness.fetch(url, on: server).sha256, try UploadHarness.sha256(of: graph))
    }

    /// To a room: the text and the file, as groupchat, the file with its out-of-band URL.
    func testSendAttachToARoom() throws {
        let graph = try UploadHarness.randomFile("room-graph.png", size: 30_000, in: scratch)
        let erin = try ListenHarness.account("erin", on: server)
        let room = "uploads@conference.\(server.domain)"
        let listener = try ListenHarness.startListener(as: erin, on: server, ["--room", room, "--format", "json", "--count", "2"])
        let sent = try xmppCLI(["send", "--room", "--nick", "ci", "-m", "the graph", "--attach", graph.path, room])
        XCTAssertEqual(sent.exitCode, 0, sent.summary)
        let result = try listener.wait(timeout: 30)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let records = try ListenHarness.lines(result.stdout).map(ListenHarness.object)
        XCTAssertEqual(records.map { $0["type"] as? String }, ["groupchat", "groupchat"], result.stdout)
        XCTAssertEqual(records.map { $0["nick"] as? String }, ["ci", "ci"], result.stdout)
        XCTAssertEqual(records.first?["body"] as? String, "the graph")
        XCTAssertNil(records.first?["url"])
        let url = try XCTUnwrap(records.last?["url"] as? String, result.stdout)
        XCTAssertEqual(try UploadHarness.fetch(url, on: server).sha256, try UploadHarness.sha256(of: graph))
    }

    /// A file over the service's limit is refused before anything is uploaded or sent, and
    /// the message says what the limit is; the service's own refusal is the same.
    func testAFileOverTheLimitIsExit65AndNothingIsUploadedOrSent() throws {
        let small = try UploadHarness.randomFile("small.txt", size: 100, in: scratch)
        let large = try UploadHarness.sparseFile("dump.bin", size: Self.limit + 1, in: scratch)
        let before = try UploadHarness.storedFiles(on: server)

        let upload = try xmppCLI(["upload", small.path, large.path])
        assertFailure(upload, exitCode: 65)
        XCTAssertTrue(upload.stderr.contains("\(Self.limit) bytes"), upload.summary)
        XCTAssertTrue(upload.stderr.contains(large.path), upload.summary)
        XCTAssertEqual(upload.stdout, "")

        let bob = try Peer.receive(as: server.bob, on: server, count: 1, scratch: scratch)
        let send = try xmppCLI(["send", "-m", "not this one", "--attach", small.path, "--attach", large.path, server.bob.jid])
        assertFailure(send, exitCode: 65)
        XCTAssertEqual(try UploadHarness.storedFiles(on: server), before, "a file was uploaded")
        // What bob gets first is what was sent after: nothing of the refused run came.
        let marker = try xmppCLI(["send", "-m", "marker after the refusal", server.bob.jid])
        XCTAssertEqual(marker.exitCode, 0, marker.summary)
        XCTAssertEqual(try bob.messages().map(\.body), ["marker after the refusal"])
    }

    func testAMissingFileIsExit66BeforeConnecting() throws {
        let present = try UploadHarness.randomFile("present.txt", size: 10, in: scratch)
        let missing = scratch.appendingPathComponent("missing.png").path
        // No server at all: a run that connected would fail otherwise (69), not with 66.
        let closed = try closedPort()
        for command in [["upload", present.path, missing], ["send", "-m", "x", "--attach", missing, server.bob.jid]] {
            let result = try runCLI(
                [command[0], "-j", server.alice.jid, "--server", "127.0.0.1:\(closed)", "--timeout", "10"] + command.dropFirst(),
                environment: ["XMPP_PASSWORD": server.alice.password])
            assertFailure(result, exitCode: 66)
            XCTAssertTrue(result.stderr.contains(missing), result.summary)
        }
        let directory = try runCLI(["upload", "-j", server.alice.jid, "--server", "127.0.0.1:\(closed)", scratch.path], environment: ["XMPP_PASSWORD": "x"])
        assertFailure(directory, exitCode: 66)
    }

    /// On a terminal, a bar with percentage, bytes, rate and time, as curl draws it; none in
    /// a pipe, with -q, or with TERM=dumb.
    func testTheProgressBarIsDrawnOnATerminalOnly() throws {
        let file = try UploadHarness.randomFile("screenshot.png", size: 3_000_000, in: scratch)
        let environment = ["XMPP_PASSWORD": server.alice.password]
        let arguments = ["upload"] + UploadHarness.connection(server.alice, server) + [file.path]
        let shown = try UploadHarness.runOnTerminal(arguments, environment: environment)
        XCTAssertEqual(shown.exitCode, 0, shown.stdout + shown.stderr)
        XCTAssertTrue(shown.stdout.contains("\rscreenshot.png"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("100% [="), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("2.9 MiB / 2.9 MiB"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("MiB/s") || shown.stdout.contains("KiB/s"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("https://upload.localhost:"), shown.stdout)

        for (name, extra, variables) in [("TERM=dumb", [String](), ["TERM": "dumb"]), ("-q", ["-q"], [:])] {
            let plain = try UploadHarness.runOnTerminal(arguments + extra, environment: environment.merging(variables) { _, new in new })
            XCTAssertEqual(plain.exitCode, 0, "\(name): \(plain.stdout)")
            XCTAssertFalse(plain.stdout.contains("%"), "\(name): \(plain.stdout)")
            XCTAssertTrue(plain.stdout.contains("https://upload.localhost:"), "\(name): \(plain.stdout)")
        }
        let piped = try xmppCLI(["upload", file.path])
        XCTAssertEqual(piped.exitCode, 0, piped.summary)
        XCTAssertEqual(piped.stderr, "", "nothing on stderr in a pipe")
    }

    /// The upload trusts what the XMPP connection trusts: the system store (here made the
    /// test CA through SSL_CERT_FILE) without --ca-file; and --insecure warns for it too.
    func testTheUploadHasTheTrustOfTheXMPPConnection() throws {
        let file = try UploadHarness.randomFile("trust.txt", size: 1_000, in: scratch)
        let base = ["upload", "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls", "--timeout", "30", file.path]
        let system = try runCLI(base, environment: ["XMPP_PASSWORD": server.alice.password, "SSL_CERT_FILE": server.caFile])
        XCTAssertEqual(system.exitCode, 0, system.summary)
        XCTAssertEqual(try UploadHarness.fetch(system.stdout.trimmingCharacters(in: .whitespacesAndNewlines), on: server).sha256, try UploadHarness.sha256(of: file))

        let insecure = try runCLI(base + ["--insecure"], environment: ["XMPP_PASSWORD": server.alice.password])
        XCTAssertEqual(insecure.exitCode, 0, insecure.summary)
        XCTAssertTrue(insecure.stderr.contains("upload service upload.localhost is NOT verified"), insecure.summary)
    }

    /// Through an HTTP CONNECT proxy with a password: the proxy's log shows the tunnel to the
    /// upload service, and the password is never printed.
    func testTheUploadGoesThroughTheProxy() throws {
        let file = try UploadHarness.randomFile("proxied.png", size: 200_000, in: scratch)
        let proxy = try TestProxy.httpConnect(credentials: (user: "proxy-user", password: "pr0xy-Pa55"))
        let result = try xmppCLI(
            ["upload", "-vv", file.path], environment: ["ALL_PROXY": "http://proxy-user:pr0xy-Pa55@127.0.0.1:\(proxy.port)"])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let log = try proxy.log()
        XCTAssertTrue(log.contains("CONNECT upload.localhost:\(server.upload!.port)"), log)
        XCTAssertTrue(log.contains("credentials: given"), log)
        XCTAssertFalse(result.stderr.contains("pr0xy-Pa55"), result.summary)
        // -vv shows the slot, but not the token that lets anyone use it.
        XCTAssertTrue(result.stderr.contains("<header name='Authorization'>[redacted]</header>"), result.summary)
        XCTAssertFalse(result.stderr.contains("Bearer"), result.summary)
        XCTAssertEqual(try UploadHarness.fetch(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), on: server).sha256, try UploadHarness.sha256(of: file))
        // NO_PROXY naming the upload host (and the XMPP server) takes the proxy out of the way.
        let direct = try xmppCLI(
            ["upload", file.path],
            environment: ["ALL_PROXY": "http://proxy-user:pr0xy-Pa55@127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost,127.0.0.1"])
        XCTAssertEqual(direct.exitCode, 0, direct.summary)
        XCTAssertEqual(try proxy.log().components(separatedBy: "CONNECT upload.localhost").count, 2, "the second upload went through the proxy")
    }
}
