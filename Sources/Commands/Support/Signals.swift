import Glibc

/// SIGINT and SIGTERM as a flag the poll loops look at, so they close the stream cleanly
/// (exit 0) instead of dying mid-stanza. The handler also writes a byte to a pipe that the
/// loops poll (`wakeupDescriptor`): a signal that lands just before `poll(2)` still ends
/// the wait at once.
enum Signals {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    nonisolated(unsafe) private static var pipeWriter: Int32 = -1
    nonisolated(unsafe) private static var pipeReader: Int32 = -1

    static func catchTermination() {
        received = 0  // initialise the statics before a handler can touch them
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for fd in ends {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            pipeReader = ends[0]
            pipeWriter = ends[1]
        }
        let handler: @convention(c) (Int32) -> Void = { _ in
            Signals.received = 1
            var byte: UInt8 = 1
            _ = write(Signals.pipeWriter, &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static var terminationRequested: Bool { received != 0 }

    /// Readable once a signal has arrived; poll it beside the socket.
    static var wakeupDescriptor: Int32? { pipeReader >= 0 ? pipeReader : nil }
}
