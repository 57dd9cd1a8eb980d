import Foundation
import XCTest

/// A run killed while it holds the OMEMO store (SIGKILL: no clean-up of any kind) leaves
/// neither a lock nor a damaged file behind: the next run goes ahead at once, on the same
/// device, and its message is read.
final class OMEMOCrashTests: OMEMOTestCase {
    func testARunKilledMidSendLeavesTheStoreUsable() throws {
        let (me, contact) = (try account("heidi"), try account("ivan"))
        let cli = client(me, "heidi")
        let peer = try startPeer(contact, store: "ivan-store")
        let first = omemoToken("before-the-crash")
        try cli.sendEncrypted(first, to: contact.jid)
        try peer.nextMessage(from: me.jid)
        let device = try cli.storedDeviceID()

        // `send -i` holds the store for its whole run; its input, a FIFO this test keeps open,
        // never ends, so the run is in the middle of its session when it is killed.
        let fifo = scratch.appendingPathComponent("lines")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let writer = open(fifo.path, O_RDWR | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(writer, 0)
        defer { close(writer) }
        let running = try BackgroundCLI(
            ["send"] + cli.connection + ["-v", "--omemo", "-i", "-f", fifo.path, contact.jid], environment: cli.environment)
        try running.waitForStderr(containing: "OMEMO: encrypting for", timeout: 30)
        running.send(signal: SIGKILL)
        let killed = try running.wait(timeout: 10)
        XCTAssertNotEqual(killed.exitCode, 0, killed.summary)

        // Not locked (a wait would end in 75 after --timeout), not damaged (78), same device.
        let after = omemoToken("after-the-crash")
        let result = try cli.run(["send"], ["--omemo", "-m", after, contact.jid])
        XCTAssertEqual(result.exitCode, 0, result.summary)
        XCTAssertEqual(try cli.storedDeviceID(), device)
        let event = try peer.nextMessage(from: me.jid)
        XCTAssertEqual(event.body, after, event.line)
        XCTAssertEqual(event.encrypted, true, event.line)
        try peer.quit()
    }
}
