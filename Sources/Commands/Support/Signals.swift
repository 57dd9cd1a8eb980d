import CSignals
import Glibc
import XMPPProtocol

/// SIGINT and SIGTERM, for the whole program: the only door to `CSignals`, whose C handler
/// is the only code that runs inside a signal handler.
///
/// Caught, a signal only records itself and makes `wakeupDescriptor` readable, so the poll
/// loops wake at once (even for a signal that landed just before their `poll(2)`), see
/// `terminationRequested`, and close the stream cleanly (exit 0) instead of dying
/// mid-stanza. A second request while the first is being handled ends the program at once
/// with the signal's default action; only SIGINT in the console never does (it clears the
/// line, see `interruptsOnlyInterrupt`).
enum Signals {
    /// From now on SIGINT and SIGTERM ask the program to end instead of ending it. For the
    /// commands whose loops look at `terminationRequested`.
    static func catchTermination() {
        // Without a handler (no pipe could be made) the signals simply end the program.
        _ = csignals_catch()
    }

    /// Runs `body` with SIGINT and SIGTERM caught, for a wait that must clean up before the
    /// program ends (the terminal's echo, a child's process group). If they were not caught
    /// before, they are given back afterwards, and a request that came meanwhile ends the
    /// program by its signal.
    static func whileCatchingTermination<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        guard csignals_is_catching() == 0 else { return try body() }
        catchTermination()
        defer {
            if let signal = release() { csignals_end_by(signal) }
        }
        return try body()
    }

    /// Gives SIGINT and SIGTERM back the dispositions they had before `catchTermination`,
    /// and forgets what was recorded. Returns the signal of a termination request among it,
    /// which the caller must honour.
    static func release() -> Int32? {
        let requested = csignals_release()
        return requested != 0 ? requested : nil
    }

    static var terminationRequested: Bool { csignals_termination_signal() != 0 }

    /// Readable once a signal has arrived; poll it beside the socket. Nil until
    /// `catchTermination`.
    static var wakeupDescriptor: Int32? {
        let fd = csignals_wakeup_descriptor()
        return fd >= 0 ? fd : nil
    }

    /// Waits until `deadline`, or less: until a termination request, or at most `limit`
    /// seconds. Whatever woke the wait before, it is seen here.
    static func wait(until deadline: Deadline, atMost limit: Double? = nil) {
        let end = limit.map { deadline.earlier(.after(seconds: $0)) } ?? deadline
        // poll(2) ignores a negative descriptor: without a handler this is a plain sleep.
        var entry = pollfd(fd: wakeupDescriptor ?? -1, events: Int16(POLLIN), revents: 0)
        while !terminationRequested && !end.hasPassed {
            if poll(&entry, 1, end.pollTimeoutMilliseconds) > 0 { drainWakeup() }
        }
    }

    /// Empties `wakeupDescriptor` once a poll found it readable, so that a byte no
    /// termination request explains (an interrupt in the console) cannot make the poll
    /// spin. The handler records the signal before it writes the byte: a caller that looks
    /// at `terminationRequested` after this misses nothing.
    static func drainWakeup() {
        csignals_drain_wakeup()
    }

    /// Ends the program by the signal that asked it to end, with the default action, so that
    /// the parent sees it (a shell reports 130 for SIGINT, 143 for SIGTERM).
    static func endByRequestedSignal() -> Never {
        let signal = csignals_termination_signal()
        csignals_end_by(signal != 0 ? signal : SIGTERM)
    }

    // MARK: The console

    /// SIGINT no longer asks the program to end, however often it comes: it only
    /// interrupts (the console clears its line; `takeInterrupt`). SIGTERM still ends.
    static func interruptsOnlyInterrupt() {
        catchTermination()
        csignals_set_interrupt_only(1)
    }

    /// Whether SIGINT interrupted since the last call.
    static func takeInterrupt() -> Bool {
        drainWakeup()  // the console's loops look at the flags after this
        return csignals_take_interrupt() != 0
    }

    // MARK: Children

    /// The process group of a child that runs while the program waits: a second request,
    /// which ends the program at once, kills it first. Nil when the child is gone.
    static func watchChildGroup(_ group: pid_t?) {
        csignals_set_child_group(group ?? 0)
    }

    /// What a child spawned with `attributes` starts with: the signals this program
    /// handles or ignores (SIGINT, SIGTERM, SIGPIPE) at their default actions, and none
    /// blocked, as a program started from a shell expects.
    static func startChildAfresh(_ attributes: inout posix_spawnattr_t) -> Int16 {
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        return Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
    }
}
