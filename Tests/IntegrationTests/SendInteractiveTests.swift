import Foundation
import XCTest

/// `send --interactive` against Prosody: one message per line, in order, as lines arrive.
final class SendInteractiveTests: XCTestCase {
    private func input(_ lines: [String]) -> Data {
        Data(lines.map { $0 + "\n" }.joined().utf8)
    }

    private func assertArrivedInOrder(
        _ expected: [String], at bob: ReceivingPeer, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let messages = try bob.messages()
        XCTAssertEqual(messages.count, expected.count, file: file, line: line)
        XCTAssertEqual(messages.map(\.body), expected, "not complete and in order", file: file, line: line)
        XCTAssertEqual(Set(messages.compactMap(\.id)).count, expected.count, "ids repeat", file: file, line: line)
        XCTAssertEqual(Set(messages.map(\.type)), ["chat"], file: file, line: line)
    }

    func testThousandLinesFromStandardInputArriveCompleteAndInOrder() throws {
        let server = try ProsodyServer.shared
        let lines = (1...1000).map { "line \($0): Grüße <&> 🚀" }
        let bob = try Peer.receive(as: server.bob, on: server, count: lines.count, scratch: try makeScratchDirectory())
        let result = try sendAsAliceToProsody(["-i", server.bob.jid], stdin: input(lines))
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return _ = try bob.stop() }
        try assertArrivedInOrder(lines, at: bob)
    }

    /// --file with -i: the same, and blank lines and CRLF line ends carry no message of
    /// their own.
    func testThousandLinesFromFileArriveCompleteAndInOrder() throws {
        let server = try ProsodyServer.shared
        let lines = (1...1000).map { "file line \($0)" }
        var text = ""
        for (index, line) in lines.enumerated() {
            text += line + (index % 3 == 0 ? "\r\n" : "\n")
            if index % 100 == 0 { text += "\n" }
        }
        let file = try makeScratchDirectory().appendingPathComponent("lines.txt")
        try Data(text.utf8).write(to: file)
        let bob = try Peer.receive(as: server.bob, on: server, count: lines.count, scratch: try makeScratchDirectory())
        let result = try sendAsAliceToProsody(["-i", "--file", file.path, server.bob.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        guard result.exitCode == 0 else { return _ = try bob.stop() }
        try assertArrivedInOrder(lines, at: bob)
    }

    /// Line 3 is not UTF-8: input stops there with exit 65 naming line 3, after lines 1 and
    /// 2 were sent and confirmed; line 4 is never sent (the next message bob gets is a
    /// later, separate one).
    func testNonUTF8LineStopsInputAfterSendingTheLinesBefore() throws {
        let server = try ProsodyServer.shared
        let bob = try Peer.receive(as: server.bob, on: server, count: 3, scratch: try makeScratchDirectory())
        var bytes = Data("first\nsecond\n".utf8)
        bytes.append(contentsOf: [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x0A])  // "Grüße" in ISO 8859-1
        bytes.append(Data("fourth\n".utf8))
        let result = try sendAsAliceToProsody(["-i", server.bob.jid], stdin: bytes)
        assertFailure(result, exitCode: 65, secrets: [server.alice.password])
        XCTAssertTrue(result.stderr.contains("line 3"), "line 3 is not named: \(result.summary)")

        let sentinel = try sendAsAliceToProsody(["-m", "sentinel", server.bob.jid])
        XCTAssertEqual(sentinel.exitCode, 0, sentinel.summary)
        guard sentinel.exitCode == 0 else { return _ = try bob.stop() }
        XCTAssertEqual(try bob.messages().map(\.body), ["first", "second", "sentinel"])
    }

    /// A line is sent when it arrives, not when input ends: the writer holds the pipe open
    /// until bob has the first line, and only then writes the second and closes.
    func testLinesAreSentAsTheyArrive() throws {
        let server = try ProsodyServer.shared
        let scratch = try makeScratchDirectory()
        let bob = try LiveReceiver(as: server.bob, scratch: scratch)
        let flag = scratch.appendingPathComponent("first-arrived")
        // The writer gives up after 15 s, so a client that waits for EOF cannot hang the test.
        let writer = """
            printf 'first\\n'
            for _ in $(seq 300); do [ -e "$FLAG" ] && break; sleep 0.05; done
            printf 'second\\n'
            """
        let command = """
            { \(writer)
            } | "$CLI" send -j "$JID" --server "$SERVER" --tls starttls --ca-file "$CA" --timeout 20 -i "$TO"
            """
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        environment.merge([
            "FLAG": flag.path, "CLI": try SupportPaths.cliBinary().path, "JID": server.alice.jid,
            "SERVER": server.starttlsAddress, "CA": server.caFile, "TO": server.bob.jid,
            "XMPP_PASSWORD": server.alice.password,
            "XDG_CONFIG_HOME": scratch.appendingPathComponent("config").path,
            "XDG_STATE_HOME": scratch.appendingPathComponent("state").path,
        ]) { _, new in new }
        let pipeline = try ChildProcess(SupportPaths.bash, ["-c", command], environment: environment, outputIn: scratch)

        let arrivedEarly = bob.waitForBodies(count: 1, timeout: 10)
        XCTAssertEqual(arrivedEarly, ["first"], "the first line did not arrive while input was still open")
        FileManager.default.createFile(atPath: flag.path, contents: nil)
        let outcome = try pipeline.wait(timeout: 30)
        XCTAssertEqual(outcome.exitCode, 0, outcome.stderr)
        XCTAssertEqual(bob.waitForBodies(count: 2, timeout: 10), ["first", "second"])
    }
}

/// receive.py read while it runs: the test sees each message as it comes in.
private final class LiveReceiver {
    private let child: ChildProcess

    init(as account: TestAccount, scratch: URL) throws {
        let server = try ProsodyServer.shared
        let readyFile = scratch.appendingPathComponent("live-ready")
        child = try ChildProcess(
            SupportPaths.python,
            [
                SupportPaths.receivePeer.path, "--jid", account.jid, "--host", server.host,
                "--port", String(server.starttlsPort), "--ca", server.caFile, "--count", "1000000",
                "--timeout", "60", "--ready-file", readyFile.path, "--resource", "live-\(UUID().uuidString.prefix(8))",
            ],
            environment: Peer.peerEnvironment(password: account.password), outputIn: scratch)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: readyFile.path) {
            guard child.isRunning, Date() < deadline else {
                child.terminate()
                throw HarnessError.failedToStart("receive.py as \(account.jid): \(child.output().stderr)")
            }
            usleep(20_000)
        }
    }

    /// The live bodies so far, once there are `count` of them or `timeout` has passed.
    func waitForBodies(count: Int, timeout: TimeInterval) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var bodies: [String] = []
        repeat {
            let lines = child.output().stdoutData.split(separator: UInt8(ascii: "\n"))
            bodies = lines.compactMap { try? JSONDecoder().decode(ReceivedMessage.self, from: Data($0)) }
                .filter { !$0.delayed }.compactMap(\.body)
            if bodies.count >= count { break }
            usleep(20_000)
        } while Date() < deadline
        return bodies
    }

    deinit {
        child.terminate()
    }
}
