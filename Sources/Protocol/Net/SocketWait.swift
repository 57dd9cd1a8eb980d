#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a non-blocking socket call is waiting for.
enum SocketReadiness {
    case readable
    case writable

    var pollEvents: Int16 {
        switch self {
        case .readable: Int16(POLLIN)
        case .writable: Int16(POLLOUT)
        }
    }
}

/// Waits with `poll(2)` until `fd` is ready or `deadline` passes.
///
/// Returns as soon as the descriptor reports anything, errors and hang-ups included: the call
/// that follows (recv, send, getsockopt) then reports what happened, with its own errno.
/// A signal (`EINTR`) restarts the wait with the time that is left.
func waitForSocket(
    _ fd: Int32, until readiness: SocketReadiness, deadline: Deadline
) throws(TransportError) {
    while true {
        switch Syscall.poll(fd, events: readiness.pollEvents, timeoutMilliseconds: deadline.pollTimeoutMilliseconds) {
        case .success(0):
            // poll rounds its timeout to whole milliseconds; only the deadline itself decides.
            if deadline.hasPassed { throw .timedOut }
        case .success(let revents):
            if revents & Int16(POLLNVAL) != 0 { throw .closed }
            return
        case .failure(.interrupted):
            continue
        case .failure(let error):
            throw .system(call: "poll", message: error.message)
        }
    }
}
