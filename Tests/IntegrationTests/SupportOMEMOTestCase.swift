import Foundation
import XCTest

/// What every OMEMO test class shares: a Prosody of the class's own (stale device ids stay
/// published on a server, so no other class's devices are in its way), started by its first
/// test and stopped when the class ends, a scratch directory per test, and the peer and
/// xmpp-cli devices made in it.
class OMEMOTestCase: XCTestCase {
    private static let serversLock = NSLock()
    nonisolated(unsafe) private static var servers: [ObjectIdentifier: ClassProsody] = [:]

    /// This class's server (each subclass has its own).
    private static var prosody: ClassProsody {
        serversLock.lock()
        defer { serversLock.unlock() }
        if let server = servers[ObjectIdentifier(self)] { return server }
        let server = ClassProsody(extraArguments: serverArguments)
        servers[ObjectIdentifier(self)] = server
        return server
    }

    /// What the class's server offers besides OMEMO (prosody/start's arguments).
    class var serverArguments: [String] { [] }

    var server: ProsodyServer!
    var scratch: URL!

    override class func tearDown() {
        prosody.stop()
        super.tearDown()
    }

    override func setUpWithError() throws {
        try OMEMOPeer.requireInstalled()
        server = try type(of: self).prosody.get()
        scratch = try makeScratchDirectory()
    }

    func account(_ name: String) throws -> TestAccount { try ListenHarness.account(name, on: server) }

    func client(_ account: TestAccount, _ name: String = "xmpp-cli") -> OMEMOClient {
        OMEMOClient(account, on: server, home: scratch.appendingPathComponent(name))
    }

    func startPeer(_ account: TestAccount, store: String) throws -> OMEMOPeer {
        try OMEMOPeer.start(account, on: server, store: scratch.appendingPathComponent(store), scratch: scratch)
    }

    /// The peer decrypted exactly `body`, sent by the device in `client`'s store.
    func assertDecrypted(
        _ event: OMEMOPeerEvent, _ body: String, from client: OMEMOClient, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(event.encrypted, true, event.line, file: file, line: line)
        XCTAssertEqual(event.body, body, event.line, file: file, line: line)
        XCTAssertNil(event.error, event.line, file: file, line: line)
        XCTAssertEqual(event.senderDevice, try client.storedDeviceID(), event.line, file: file, line: line)
    }
}
