import Glibc

/// SIGINT and SIGTERM as a flag the poll loops look at: a wait ends with EINTR, the loop
/// sees the flag and closes the stream cleanly (exit 0) instead of dying mid-stanza.
enum Signals {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0

    static func catchTermination() {
        received = 0  // initialise the static before a handler can touch it
        let handler: @convention(c) (Int32) -> Void = { _ in Signals.received = 1 }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static var terminationRequested: Bool { received != 0 }
}
