import Glibc
import XCTest
import XMPPProtocol

@testable import Commands

/// The one signal mechanism, in this process: a signal raised here is handled by the C
/// handler before `raise` returns. Each test gives the signals back (`Signals.release`) and
/// so leaves nothing recorded for the next.
final class SignalsTests: XCTestCase {
    override func tearDown() {
        _ = Signals.release()
        super.tearDown()
    }

    private func isReadable(_ fd: Int32?) -> Bool {
        guard let fd else { return false }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    func testSIGTERMIsRecordedAndWakesThePollLoops() {
        Signals.catchTermination()
        XCTAssertFalse(Signals.terminationRequested)
        let wakeup = Signals.wakeupDescriptor
        XCTAssertNotNil(wakeup)
        XCTAssertFalse(isReadable(wakeup), "readable before any signal")
        XCTAssertEqual(raise(SIGTERM), 0)
        XCTAssertTrue(Signals.terminationRequested)
        XCTAssertTrue(isReadable(wakeup), "the wakeup descriptor did not become readable")
        XCTAssertEqual(Signals.release(), SIGTERM, "the request is what release reports")
        XCTAssertFalse(Signals.terminationRequested, "forgotten once released")
    }

    func testSIGINTIsATerminationRequestOutsideTheConsole() {
        Signals.catchTermination()
        raise(SIGINT)
        XCTAssertTrue(Signals.terminationRequested)
        XCTAssertEqual(Signals.release(), SIGINT)
    }

    /// The handler's own write (to a full pipe here, so it fails with EAGAIN) must not
    /// change errno under the code it interrupted.
    func testTheHandlerLeavesErrnoAsItWas() {
        Signals.interruptsOnlyInterrupt()
        // Each interrupt writes one byte and none is read: well past any pipe's capacity
        // (64 KiB by default), the last writes fail.
        for _ in 0..<70_000 { raise(SIGINT) }
        errno = EDOM
        raise(SIGINT)
        XCTAssertEqual(errno, EDOM)
        XCTAssertTrue(Signals.takeInterrupt())
        XCTAssertFalse(Signals.terminationRequested)
    }

    /// In the console SIGINT only interrupts, as often as it comes; SIGTERM still ends.
    func testInterruptOnlyModeCountsSIGINTAndStillEndsOnSIGTERM() {
        Signals.interruptsOnlyInterrupt()
        XCTAssertFalse(Signals.takeInterrupt())
        raise(SIGINT)
        raise(SIGINT)
        XCTAssertTrue(Signals.takeInterrupt())
        XCTAssertFalse(Signals.takeInterrupt(), "one take takes every interrupt so far")
        XCTAssertFalse(Signals.terminationRequested)
        XCTAssertFalse(isReadable(Signals.wakeupDescriptor), "takeInterrupt empties the wakeup descriptor")
        raise(SIGTERM)
        XCTAssertTrue(Signals.terminationRequested)
        XCTAssertEqual(Signals.release(), SIGTERM)
    }

    /// The back-off sleep of `listen --reconnect` wakes on a signal even when the signal does
    /// not interrupt its poll(2): here it is raised on another thread, as when it lands just
    /// before the poll begins. The harness wait is bounded far below the sleep.
    func testAWaitEndsAtOnceOnATerminationRequest() {
        Signals.catchTermination()
        let woke = expectation(description: "the wait ended")
        let sleeper = Thread {
            Signals.wait(until: .after(seconds: 600))
            woke.fulfill()
        }
        sleeper.start()
        raise(SIGTERM)  // handled on this thread: the sleeper's poll sees only the pipe
        wait(for: [woke], timeout: 20)
        XCTAssertEqual(Signals.release(), SIGTERM)
    }

    func testAWaitWithoutARequestLastsUntilItsLimit() {
        Signals.interruptsOnlyInterrupt()
        raise(SIGINT)  // a byte in the pipe with no request behind it: no spin, no early end
        let deadline = Deadline.after(seconds: 0.05)
        Signals.wait(until: .distantFuture, atMost: 0.05)
        XCTAssertTrue(deadline.hasPassed)
        XCTAssertFalse(Signals.terminationRequested)
    }

    /// Commands we run start as from a shell: SIGPIPE (ignored here, as the program does)
    /// and the other signals at their default actions, and nothing blocked.
    func testChildrenStartWithDefaultDispositionsAndNoBlockedSignal() throws {
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR2)
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }

        let result = try ShellCommand.run("grep -E '^Sig(Blk|Ign):' /proc/self/status")
        let fields = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").reduce(into: [String: UInt64]()) {
            let parts = $1.split(separator: ":")
            if parts.count == 2 { $0[String(parts[0])] = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) }
        }
        let bit = { (signal: Int32) -> UInt64 in 1 << UInt64(signal - 1) }
        XCTAssertEqual(fields["SigBlk"], 0, "blocked signals: \(fields)")
        XCTAssertEqual((fields["SigIgn"] ?? bit(SIGPIPE)) & bit(SIGPIPE), 0, "SIGPIPE is ignored: \(fields)")
    }
}
