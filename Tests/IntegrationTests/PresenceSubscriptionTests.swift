import Foundation
import XCTest

/// `presence subscribe|approve|unsubscribe|deny` against Prosody: the subscription states
/// both rosters go through (RFC 6121 §3), between grace and heidi, and pre-approval (§3.4)
/// between grace and ivan.
final class PresenceSubscriptionTests: XCTestCase {
    private var server: ProsodyServer!

    override func setUpWithError() throws {
        server = try ProsodyServer.shared
    }

    /// `account`'s roster item for `contact` as "subscription/ask" ("-" when absent), once
    /// it equals `expected` or after 15 s of asking again (each try is a login, which a
    /// loaded machine can make take a second or more).
    private func assertItem(
        of account: TestAccount, for contact: TestAccount, is expected: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var state = ""
        let deadline = Date().addingTimeInterval(15)
        repeat {
            let output = try server.succeed(["roster", "list"], as: account, ["--format", "json"], file: file, line: line)
            let item = jsonLines(output, file: file, line: line).first { $0["jid"] as? String == contact.jid }
            state = item.map { "\($0["subscription"] as? String ?? "?")/\($0["ask"] as? String ?? "-")" } ?? "-"
            if state == expected { return }
            usleep(100_000)
        } while Date() < deadline
        XCTFail("\(account.jid)'s item for \(contact.jid) is \(state), not \(expected)", file: file, line: line)
    }

    private func presence(_ action: String, by account: TestAccount, _ contact: TestAccount, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        try server.succeed(["presence", action], as: account, [contact.jid] + extra, file: file, line: line)
    }

    func testSubscriptionLifecycle() throws {
        let grace = try server.account("grace")
        let heidi = try server.account("heidi")
        let watcher = try WatchingPeer(as: grace, on: server, scratch: try makeScratchDirectory())

        try presence("subscribe", by: heidi, grace, ["--message", "it's heidi — hi!"])
        let request = try watcher.waitFor("presence", "heidi's request") {
            $0["from"] as? String == heidi.jid && $0["type"] as? String == "subscribe"
        }
        XCTAssertEqual(request["status"] as? String, "it's heidi — hi!")
        try assertItem(of: heidi, for: grace, is: "none/subscribe")

        try presence("approve", by: grace, heidi)
        try assertItem(of: heidi, for: grace, is: "to/-")
        try assertItem(of: grace, for: heidi, is: "from/-")

        try presence("subscribe", by: grace, heidi)
        try presence("approve", by: heidi, grace)
        try assertItem(of: heidi, for: grace, is: "both/-")
        try assertItem(of: grace, for: heidi, is: "both/-")

        // heidi stops seeing grace, then stops grace seeing her.
        try presence("unsubscribe", by: heidi, grace)
        try assertItem(of: heidi, for: grace, is: "from/-")
        try assertItem(of: grace, for: heidi, is: "to/-")
        try presence("deny", by: heidi, grace)
        try assertItem(of: heidi, for: grace, is: "none/-")
        try assertItem(of: grace, for: heidi, is: "none/-")
    }

    /// RFC 6121 §3.4: grace approves ivan before he asks; his request is then granted
    /// without grace doing anything more (without the approval it would wait for her, and
    /// he would not be in her roster). Prosody 0.12 records the grant on grace's side but
    /// never sends ivan the 'subscribed' that completes his, so only hers is checked.
    func testApprovalBeforeTheRequestIsAPreApproval() throws {
        let grace = try server.account("grace")
        let ivan = try server.account("ivan")
        try presence("approve", by: grace, ivan)
        try presence("subscribe", by: ivan, grace)
        try assertItem(of: grace, for: ivan, is: "from/-")
    }

    func testSubscriptionsAreToBareAddresses() throws {
        let grace = try server.account("grace")
        let result = try server.run(["presence", "subscribe"], as: grace, ["ivan@localhost/phone"])
        assertFailure(result, exitCode: 65, secrets: [grace.password])
    }
}
