import Foundation
import XCTest

/// A private resolv.conf for commands run through `launcher` (`ip netns exec NAME`), with
/// Tests/Support/dns/nameserver.py as its name server; taken down when the test ends,
/// whether it passed or not, and by a watcher should this process die first.
struct PrivateResolver {
    let name: String
    let directory: URL

    var launcher: [String] { ["/usr/sbin/ip", "netns", "exec", name] }

    static func start(
        isolated: Bool, search: String? = nil, nameServer: [String], test: XCTestCase
    ) throws -> PrivateResolver {
        let dns = SupportPaths.support.appendingPathComponent("dns")
        let name = "xmpp-cli-dns-\(getpid())-\(UUID().uuidString.prefix(8))"
        let directory = try makeTemporaryDirectory("xmpp-cli-dns")
        test.addTeardownBlock {
            _ = try? runProcess(
                SupportPaths.bash, [dns.appendingPathComponent("resolver-down").path, name, directory.path],
                timeout: 30, outputIn: FileManager.default.temporaryDirectory)
            try? FileManager.default.removeItem(at: directory)
        }
        var arguments = [dns.appendingPathComponent("resolver-up").path, name, directory.path, "--watch-pid", String(getpid())]
        if isolated { arguments.append("--isolated") }
        if let search { arguments += ["--search", search] }
        let outcome = try runProcess(
            SupportPaths.bash, arguments + ["--"] + nameServer, timeout: 30,
            outputIn: FileManager.default.temporaryDirectory)
        guard outcome.exitCode == 0 else {
            throw HarnessError.failedToStart("dns/resolver-up (exit \(outcome.exitCode)): \(outcome.stderr)")
        }
        return PrivateResolver(name: name, directory: directory)
    }

    /// The queries the name server received, "NAME TYPE" each.
    func queries() throws -> [String] {
        try String(contentsOf: directory.appendingPathComponent("queries.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }
}
