import Foundation

/// Where the integration tests find their tools: the built `xmpp-cli`, the helper scripts in
/// Tests/Support, and the Python that has slixmpp.
enum SupportPaths {
    /// The package root, found from this file's own path (Tests/IntegrationTests/…).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static let support = packageRoot.appendingPathComponent("Tests/Support")
    static let prosodyStart = support.appendingPathComponent("prosody/start")
    static let prosodyStop = support.appendingPathComponent("prosody/stop")
    static let generateCertificates = support.appendingPathComponent("certs/generate")
    static let freePorts = support.appendingPathComponent("free-ports")
    static let receivePeer = support.appendingPathComponent("peers/receive.py")
    static let sendPeer = support.appendingPathComponent("peers/send.py")
    static let fakeServer = support.appendingPathComponent("fakeserver/fakeserver.py")

    /// Debian's Python: slixmpp is installed for it (python3-slixmpp), not for any other
    /// python3 that may come first on PATH.
    static let python = URL(fileURLWithPath: "/usr/bin/python3")
    static let bash = URL(fileURLWithPath: "/bin/bash")

    /// Files the tests may keep between runs (test certificates), inside the build folder.
    static let buildScratch = packageRoot.appendingPathComponent(".build/integration-tests")

    /// The `xmpp-cli` executable of this build: `XMPP_CLI_BINARY` if set, else the one in the
    /// products folder that holds the running test bundle, else `.build/debug/xmpp-cli`.
    static func cliBinary() throws -> URL {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["XMPP_CLI_BINARY"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        // Linux: the test runner is an executable inside the products folder.
        candidates.append(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("xmpp-cli"))
        // macOS: the .xctest bundle sits in the products folder.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(
                bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("xmpp-cli"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/xmpp-cli"))
        for candidate in candidates
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw HarnessError.missing(
            "the xmpp-cli executable (looked at \(candidates.map(\.path))); run `swift build`")
    }
}
