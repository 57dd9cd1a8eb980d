import Foundation
import XCTest

/// `roster export` and `roster import` against Prosody, as dave: a round trip restores the
/// roster with the fewest changes, a second import changes nothing, --dry-run changes
/// nothing, --prune removes what the file does not list.
final class RosterImportTests: XCTestCase {
    private var server: ProsodyServer!
    private var dave: TestAccount!
    private var scratch: URL!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
        dave = try server.account("dave")
        scratch = try makeScratchDirectory()
        // Whatever this test leaves, the roster is empty afterwards.
        let empty = try write("{\"roster\":[]}", to: "empty.json")
        addTeardownBlock { [server, dave] in _ = try? server!.run(["roster", "import"], as: dave!, [empty, "--prune"]) }
    }

    private func write(_ text: String, to name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func importFile(_ path: String, _ options: String..., file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let output = try server.succeed(["roster", "import"], as: dave, [path] + options, file: file, line: line)
        return output.split(separator: "\n").map(String.init)
    }

    private func export(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try server.succeed(["roster", "export"], as: dave, file: file, line: line)
    }

    /// The contacts of an export, as jid -> (name, groups).
    private func contacts(_ export: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(export.utf8)) as? JSONRecord
        let items = try XCTUnwrap(object?["roster"] as? [JSONRecord], "not an export: \(export)", file: file, line: line)
        var result: [String: String] = [:]
        for item in items {
            let name = item["name"] as? String ?? "-"
            let groups = (item["groups"] as? [String] ?? []).joined(separator: ",")
            result[item["jid"] as? String ?? "?"] = "\(name)|\(groups)"
        }
        return result
    }

    private let seed = """
        {"roster":[
          {"jid":"ann@localhost","name":"Ann","groups":["work","friends"]},
          {"jid":"bob@localhost"},
          {"jid":"cat@localhost","name":"Cat \\"the\\" Cat","groups":["x"]}
        ]}
        """

    private let seeded = [
        "ann@localhost": "Ann|friends,work", "bob@localhost": "-|", "cat@localhost": "Cat \"the\" Cat|x",
    ]

    func testExportThenImportRestoresTheRosterWithTheFewestChanges() throws {
        let seeding = try importFile(try write(seed, to: "seed.json"), "--prune")
        XCTAssertEqual(
            seeding.filter { $0.hasPrefix("add ") }.sorted(),
            ["add ann@localhost name 'Ann' groups friends,work", "add bob@localhost", "add cat@localhost name 'Cat \"the\" Cat' groups x"])
        let original = try export()
        XCTAssertEqual(try contacts(original), seeded)
        let saved = try write(original, to: "export.json")

        // Change the roster behind the export's back.
        try server.succeed(["roster", "set"], as: dave, ["ann@localhost", "--name", "Annie"])
        try server.succeed(["roster", "remove"], as: dave, ["bob@localhost"])
        try server.succeed(["roster", "add"], as: dave, ["extra@localhost"])

        // The restore touches only what differs; another client sees exactly those pushes.
        let watcher = try WatchingPeer(as: dave, on: server, scratch: scratch)
        let changes = try importFile(saved)
        XCTAssertEqual(
            changes.sorted(),
            ["add bob@localhost", "update ann@localhost: name 'Annie' -> 'Ann', groups (none) -> friends,work"])
        try watcher.waitFor("roster-push", "bob's return") { $0["jid"] as? String == "bob@localhost" }
        try watcher.waitFor("roster-push", "ann's update") { $0["jid"] as? String == "ann@localhost" }
        // The second import's login and round trips give any stray push time to arrive.
        XCTAssertEqual(try importFile(saved), [], "the second import changed something")
        try watcher.stop()
        XCTAssertEqual(
            watcher.records.filter { $0["kind"] as? String == "roster-push" }.compactMap { $0["jid"] as? String }.sorted(),
            ["ann@localhost", "bob@localhost"], "pushes for contacts the import should not touch")

        // Without --prune the extra contact stays.
        var restored = try contacts(try export())
        XCTAssertEqual(restored.removeValue(forKey: "extra@localhost"), "-|")
        XCTAssertEqual(restored, seeded)
    }

    func testDryRunPrintsTheChangesAndMakesNone() throws {
        _ = try importFile(try write(seed, to: "seed.json"), "--prune")
        try server.succeed(["roster", "set"], as: dave, ["cat@localhost", "--group", "y"])
        try server.succeed(["roster", "add"], as: dave, ["extra@localhost"])
        let before = try export()
        let seedFile = try write(seed, to: "seed-again.json")

        XCTAssertEqual(
            try importFile(seedFile, "--dry-run"),
            ["update cat@localhost: name (none) -> 'Cat \"the\" Cat', groups y -> x"])
        XCTAssertEqual(
            try importFile(seedFile, "--dry-run", "--prune"),
            ["update cat@localhost: name (none) -> 'Cat \"the\" Cat', groups y -> x", "remove extra@localhost"])
        XCTAssertEqual(try export(), before, "a dry run changed the roster")
    }

    func testPruneRemovesContactsTheFileDoesNotList() throws {
        _ = try importFile(try write(seed, to: "seed.json"), "--prune")
        try server.succeed(["roster", "add"], as: dave, ["extra-1@localhost", "--name", "One"])
        try server.succeed(["roster", "add"], as: dave, ["extra-2@localhost"])
        let changes = try importFile(try write(seed, to: "seed-again.json"), "--prune")
        XCTAssertEqual(changes.sorted(), ["remove extra-1@localhost", "remove extra-2@localhost"])
        XCTAssertEqual(try contacts(try export()), seeded)
    }

    /// A change the server refuses is reported (exit 1, naming the contact and the
    /// condition); the others are still made and printed.
    func testRefusedChangesAreReportedAndTheRestMade() throws {
        _ = try importFile(try write(seed, to: "seed.json"), "--prune")
        let file = try write(
            "{\"roster\":[{\"jid\":\"\(dave.jid)\",\"name\":\"me\"},{\"jid\":\"new@localhost\"}]}", to: "self.json")
        let result = try server.run(["roster", "import"], as: dave, [file])
        assertFailure(result, exitCode: 1, secrets: [dave.password])
        XCTAssertTrue(result.stderr.contains("\(dave.jid): not-allowed"), result.summary)
        XCTAssertEqual(result.stdout, "add new@localhost\n")
        var after = try contacts(try export())
        XCTAssertEqual(after.removeValue(forKey: "new@localhost"), "-|")
        XCTAssertEqual(after, seeded)
    }

    /// A broken file is refused before anything is changed (exit 65).
    func testInvalidFileChangesNothing() throws {
        _ = try importFile(try write(seed, to: "seed.json"), "--prune")
        let before = try export()
        for (name, text) in [
            ("bad-json.json", "{\"roster\":[{\"jid\":\"new@localhost\"}"),
            ("bad-jid.json", "{\"roster\":[{\"jid\":\"new@localhost\"},{\"jid\":\"@localhost\"}]}"),
            ("duplicate.json", "{\"roster\":[{\"jid\":\"new@localhost\"},{\"jid\":\"NEW@localhost\"}]}"),
            ("full-jid.json", "{\"roster\":[{\"jid\":\"new@localhost/phone\"}]}"),
        ] {
            let result = try server.run(["roster", "import"], as: dave, [try write(text, to: name), "--prune"])
            assertFailure(result, exitCode: 65, secrets: [dave.password])
            XCTAssertTrue(result.stderr.contains(name), result.summary)
        }
        let missing = try server.run(["roster", "import"], as: dave, [scratch.appendingPathComponent("missing.json").path])
        assertFailure(missing, exitCode: 66, secrets: [dave.password])
        XCTAssertEqual(try export(), before)
    }
}
