import Foundation
import XCTest

/// `xmpp-cli raw` with stdin not a terminal: elements from stdin, every element received on
/// stdout, answers to get/set IQs awaited after EOF. Against Prosody, and against the fake
/// server where what the client sent (or did not send) must be seen byte for byte.
final class RawPipedTests: XCTestCase {
    private let version = "<query xmlns='jabber:iq:version'/>"

    /// `raw` as alice on Prosody over STARTTLS, with `stdin` piped in.
    private func rawAsAlice(_ extra: [String] = [], stdin: String) throws -> CLIResult {
        let server = try ProsodyServer.shared
        return try runCLI(
            [
                "raw", "-j", server.alice.jid, "--server", server.starttlsAddress, "--tls", "starttls",
                "--ca-file", server.caFile, "--timeout", "20",
            ] + extra,
            environment: ["XMPP_PASSWORD": server.alice.password], stdin: Data(stdin.utf8))
    }

    private func rawArguments(_ server: FakeServer) throws -> [String] {
        [
            "raw", "-j", "alice@localhost", "--server", server.address, "--tls", "starttls",
            "--ca-file", try TestCertificates.caFile, "--timeout", "20",
        ]
    }

    private func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n")
    }

    // Answers from Prosody

    func testVersionQueryShowsProsody() throws {
        let result = try rawAsAlice(stdin: "<iq type='get' to='localhost' id='version-1'>\(version)</iq>\n")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        let shown = lines(result.stdout)
        XCTAssertTrue(
            shown.first?.hasPrefix("<features xmlns='http://etherx.jabber.org/streams'>") ?? false,
            "the stream features come first: \(result.stdout)")
        XCTAssertTrue(shown.first?.contains("urn:ietf:params:xml:ns:xmpp-bind") ?? false, result.stdout)
        // One element a line: the whole answer, opening to closing tag, on one.
        let answer = shown.first { $0.contains("id='version-1'") }
        XCTAssertNotNil(answer, "no answer to version-1 in: \(result.stdout)")
        XCTAssertTrue(answer?.hasPrefix("<iq") ?? false, "\(answer ?? "")")
        XCTAssertTrue(answer?.hasSuffix("</iq>") ?? false, "\(answer ?? "")")
        XCTAssertTrue(answer?.contains("type='result'") ?? false, "\(answer ?? "")")
        XCTAssertTrue(answer?.contains("<name>Prosody</name>") ?? false, "\(answer ?? "")")
    }

    /// Two elements in one pipe, the second spread over lines: each is sent when complete,
    /// and the exit waits for both answers.
    func testTwoStanzasInOnePipeAreBothAnswered() throws {
        let input = """
            <iq type='get' to='localhost' id='first'>\(version)</iq><iq type='get'
                to='localhost'
                id='second'>
              \(version)
            </iq>

            """
        let result = try rawAsAlice(stdin: input)
        XCTAssertEqual(result.exitCode, 0, result.summary)
        for id in ["first", "second"] {
            let answer = lines(result.stdout).first { $0.contains("id='\(id)'") }
            XCTAssertNotNil(answer, "no answer to \(id) in: \(result.stdout)")
            XCTAssertTrue(answer?.contains("type='result'") ?? false, "\(answer ?? "")")
            XCTAssertTrue(answer?.contains("<name>Prosody</name>") ?? false, "\(answer ?? "")")
        }
    }

    func testPrettyIndentsChildren() throws {
        let result = try rawAsAlice(["--pretty"], stdin: "<iq type='get' to='localhost' id='pretty'>\(version)</iq>")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let shown = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = shown.firstIndex(where: { $0.hasPrefix("<iq ") && $0.contains("id='pretty'") }),
            shown.count > start + 6
        else {
            return XCTFail("no answer to 'pretty' in: \(result.stdout)")
        }
        XCTAssertEqual(shown[start + 1], "  <query xmlns='jabber:iq:version'>", result.stdout)
        XCTAssertEqual(shown[start + 2], "    <name>Prosody</name>", result.stdout)
        XCTAssertEqual(shown[start + 5], "  </query>", result.stdout)
        XCTAssertEqual(shown[start + 6], "</iq>", result.stdout)
        XCTAssertTrue(
            result.stdout.hasPrefix("<features xmlns='http://etherx.jabber.org/streams'>\n  <"),
            "the features are indented too: \(result.stdout)")
    }

    /// An unknown namespace addressed to the server gets service-unavailable: exit 1, with
    /// the error element printed and the IQ named on stderr.
    func testIQErrorExits1() throws {
        let result = try rawAsAlice(stdin: "<iq type='get' to='localhost' id='unknown-ns'><query xmlns='urn:example:nothing-here'/></iq>")
        assertFailure(result, exitCode: 1)
        XCTAssertTrue(result.stderr.contains("unknown-ns"), "the refused IQ is not named: \(result.summary)")
        let answer = lines(result.stdout).first { $0.contains("id='unknown-ns'") }
        XCTAssertTrue(answer?.contains("type='error'") ?? false, "no error answer in: \(result.stdout)")
        XCTAssertTrue(answer?.contains("<service-unavailable") ?? false, "\(answer ?? "")")
    }

    // Stages

    func testStageConnectedShowsStartTLS() throws {
        let result = try rawAsAlice(["--stage", "connected"], stdin: "")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let features = lines(result.stdout).first ?? ""
        XCTAssertTrue(features.contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"), result.stdout)
        XCTAssertFalse(features.contains("<mechanisms"), "SASL before TLS: \(result.stdout)")
    }

    /// After STARTTLS the SASL mechanisms are offered, and nothing of the account has been
    /// authenticated: no bind offered, no SASL exchange in the -v trace.
    func testStageTLSShowsMechanismsAndDoesNotAuthenticate() throws {
        let result = try rawAsAlice(["--stage", "tls", "-v"], stdin: "")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let features = lines(result.stdout).first ?? ""
        XCTAssertTrue(features.contains("<mechanism>SCRAM-SHA-1</mechanism>"), result.stdout)
        XCTAssertFalse(result.stdout.contains("urn:ietf:params:xml:ns:xmpp-bind"), "bind offered: \(result.stdout)")
        XCTAssertFalse(result.stdout.contains("<starttls"), result.stdout)
        XCTAssertTrue(result.stderr.contains("TLS: TLSv1."), "no TLS in the trace: \(result.stderr)")
        XCTAssertFalse(result.stderr.contains("authenticat"), "authenticated at --stage tls: \(result.stderr)")
    }

    func testStageAuthenticatedOffersBindButDoesNotBind() throws {
        let result = try rawAsAlice(["--stage", "authenticated", "-v"], stdin: "")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertTrue((lines(result.stdout).first ?? "").contains("urn:ietf:params:xml:ns:xmpp-bind"), result.stdout)
        XCTAssertTrue(result.stderr.contains("authenticated with SCRAM-SHA-1"), result.stderr)
        XCTAssertFalse(result.stderr.contains("bound as"), result.stderr)
    }

    // Bad input: checked before anything of it is sent

    /// A good element read first is sent and answered; the malformed one read after it is
    /// refused with where it went wrong, and none of its bytes reach the server.
    func testMalformedElementExits65AndNothingOfItIsSent() throws {
        let server = try FakeServer(scenario: "normal", scratch: try makeScratchDirectory())
        let run = try StreamingInputRun(try rawArguments(server), scratch: try makeScratchDirectory())
        try run.write("<iq type='get' id='before-the-mistake'><query xmlns='jabber:iq:roster'/></iq>\n")
        try run.waitForOutput(containing: "id='before-the-mistake'")
        let bad = "<message to='bob@localhost'><body>never-sent</bod></message>"
        try run.write(bad + "\n<presence/>\n")
        run.closeInput()
        let result = try run.finish()
        assertFailure(result, exitCode: 65, secrets: [FakeServer.password])
        // libxml2 notices the mismatch at the end of </bod>, on the second line of input.
        let column = "<message to='bob@localhost'><body>never-sent</bod>".count + 1
        XCTAssertTrue(result.stderr.contains("line 2, column \(column)"), result.summary)
        XCTAssertTrue(result.stderr.contains("nothing of that element was sent"), result.summary)
        let sent = try server.clientBytes()
        XCTAssertTrue(sent.contains("id='before-the-mistake'"), "the good element was not sent: \(sent)")
        XCTAssertFalse(sent.contains("never-sent"), "the bad element reached the server: \(sent)")
        XCTAssertFalse(sent.contains("<message"), "part of the bad element reached the server: \(sent)")
        XCTAssertFalse(sent.contains("<presence"), "input after the mistake was sent: \(sent)")
    }

    /// An element complete before the mistake is sent even when both arrive in one read, as
    /// it would be had it come in a read of its own: the outcome does not depend on timing.
    func testElementBeforeAMistakeInTheSameReadIsSent() throws {
        let server = try FakeServer(scenario: "normal", scratch: try makeScratchDirectory())
        let input = "<presence><status>before-the-mistake</status></presence><message><body>never-sent</bod></message>"
        let result = try runCLI(
            try rawArguments(server), environment: ["XMPP_PASSWORD": FakeServer.password], stdin: Data(input.utf8))
        assertFailure(result, exitCode: 65, secrets: [FakeServer.password])
        let sent = try server.clientBytes()
        XCTAssertTrue(sent.contains("before-the-mistake"), "the good element was not sent: \(sent)")
        XCTAssertFalse(sent.contains("never-sent"), "the bad element reached the server: \(sent)")
    }

    /// RFC 6120 §11: a comment is well-formed XML but not allowed on a stream.
    func testCommentInInputExits65WithItsPosition() throws {
        let server = try FakeServer(scenario: "normal", scratch: try makeScratchDirectory())
        let input = "<presence/>\n  <message to='bob@localhost'><!-- aside --><body>hidden</body></message>\n"
        let result = try runCLI(
            try rawArguments(server), environment: ["XMPP_PASSWORD": FakeServer.password], stdin: Data(input.utf8))
        assertFailure(result, exitCode: 65, secrets: [FakeServer.password])
        XCTAssertTrue(result.stderr.contains("comment"), result.summary)
        XCTAssertTrue(result.stderr.contains("RFC 6120"), result.summary)
        // The position points at the comment: from its first character to just after it.
        let before = "  <message to='bob@localhost'>".count
        let commentColumns = (before + 1)...(before + "<!-- aside -->".count + 1)
        let column = result.stderr.firstMatch(of: /line 2, column (\d+)/).flatMap { Int($0.1) }
        XCTAssertNotNil(column, "no line 2 position: \(result.summary)")
        XCTAssertTrue(commentColumns.contains(column ?? 0), "column \(column ?? 0) is not at the comment: \(result.summary)")
        let sent = try server.clientBytes()
        XCTAssertFalse(sent.contains("hidden"), "the restricted element reached the server: \(sent)")
        XCTAssertFalse(sent.contains("<message"), "the restricted element reached the server: \(sent)")
        XCTAssertTrue(sent.contains("<iq type='set'"), "the client never got as far as binding: \(sent)")
    }

    /// Input that ends inside an element: the complete ones before it are sent, the cut
    /// one is not, and the exit says where input ended.
    func testInputEndingInsideAnElementExits65() throws {
        let server = try FakeServer(scenario: "normal", scratch: try makeScratchDirectory())
        let input = "<iq type='get' id='whole'><query xmlns='jabber:iq:roster'/></iq>\n<iq type='get' id='cut'>\n<query"
        let run = try StreamingInputRun(try rawArguments(server), scratch: try makeScratchDirectory())
        try run.write(input)
        try run.waitForOutput(containing: "id='whole'")
        run.closeInput()
        let result = try run.finish()
        assertFailure(result, exitCode: 65, secrets: [FakeServer.password])
        XCTAssertTrue(result.stderr.contains("line 3, column 7"), result.summary)
        XCTAssertTrue(result.stderr.contains("end of input"), result.summary)
        let sent = try server.clientBytes()
        XCTAssertTrue(sent.contains("id='whole'"), sent)
        XCTAssertFalse(sent.contains("id='cut'"), "the cut element reached the server: \(sent)")
    }

    // Answers that never come

    func testMissingAnswerExits75AfterWait() throws {
        let server = try FakeServer(scenario: "silent-iq", scratch: try makeScratchDirectory())
        let started = Date()
        let result = try runCLI(
            try rawArguments(server) + ["--wait", "1"], environment: ["XMPP_PASSWORD": FakeServer.password],
            stdin: Data("<iq type='get' id='unanswered'><query xmlns='jabber:iq:roster'/></iq>".utf8))
        let elapsed = Date().timeIntervalSince(started)
        assertFailure(result, exitCode: 75, secrets: [FakeServer.password])
        XCTAssertTrue(result.stderr.contains("unanswered"), "the IQ is not named: \(result.summary)")
        XCTAssertTrue(result.stderr.contains("--wait"), "no hint at --wait: \(result.summary)")
        XCTAssertGreaterThanOrEqual(elapsed, 1, "gave up before --wait had passed")
        XCTAssertLessThan(elapsed, 10, "waited far longer than --wait 1")
        XCTAssertTrue(try server.clientBytes().contains("id='unanswered'"), "the IQ was never sent")
    }

    /// An IQ without an id gets one, so its answer can be matched: it is awaited like any.
    func testIQWithoutIdGetsOneAndIsAwaited() throws {
        let result = try rawAsAlice(stdin: "<iq type='get' to='localhost'>\(version)</iq>")
        XCTAssertEqual(result.exitCode, 0, result.summary)
        let answer = lines(result.stdout).first { $0.contains("<name>Prosody</name>") }
        XCTAssertNotNil(answer, "the answer was not awaited: \(result.stdout)")
        XCTAssertTrue(answer?.contains(" id='") ?? false, "\(answer ?? "")")
    }
}

/// `xmpp-cli` with stdin a pipe the test writes to while it runs, so that input arrives in
/// separate reads, each after the test has seen what the previous one did.
private final class StreamingInputRun {
    private let process = Process()
    private let input = Pipe()
    private let stdoutURL: URL
    private let stderrURL: URL
    private let command: String

    init(_ arguments: [String], scratch: URL) throws {
        stdoutURL = scratch.appendingPathComponent("stdout")
        stderrURL = scratch.appendingPathComponent("stderr")
        for url in [stdoutURL, stderrURL] {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw HarnessError.failedToStart("cannot create \(url.path)")
            }
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment["HOME"] = scratch.path
        environment["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("config").path
        environment["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        environment["XMPP_PASSWORD"] = FakeServer.password
        process.executableURL = try SupportPaths.cliBinary()
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        command = (["xmpp-cli"] + arguments).joined(separator: " ")
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    var stdout: String { String(decoding: (try? Data(contentsOf: stdoutURL)) ?? Data(), as: UTF8.self) }
    var stderr: String { String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self) }

    func write(_ text: String) throws {
        guard process.isRunning else {
            throw HarnessError.unexpectedOutput("\(command) exited early; stdout: \(stdout) stderr: \(stderr)")
        }
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    func waitForOutput(containing text: String, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !stdout.contains(text) {
            guard process.isRunning, Date() < deadline else {
                throw HarnessError.timedOut("no \(text) from \(command); stdout: \(stdout) stderr: \(stderr)")
            }
            usleep(20_000)
        }
    }

    /// Waits for the exit (killing the process past `timeout`) and returns what it did.
    func finish(timeout: TimeInterval = 30) throws -> CLIResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            process.terminate()
            process.waitUntilExit()
            throw HarnessError.timedOut("\(command) still running after \(timeout)s; stderr: \(stderr)")
        }
        return CLIResult(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr, command: command)
    }
}
