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

/// Which of two descriptors a combined wait found ready; both false when the deadline passed
/// or a signal interrupted the wait (so the caller can look at what the signal changed).
public struct InputReadiness: Equatable, Sendable {
    public var first: Bool
    public var second: Bool
}

/// Waits with one `poll(2)` until `first` or `second` (when given) is readable, hung up or in
/// error, or `deadline` passes: what lets one thread follow a socket and stdin together.
public func waitForInput(_ first: Int32, _ second: Int32?, deadline: Deadline) throws(TransportError) -> InputReadiness {
    var entries = [pollfd(fd: first, events: Int16(POLLIN), revents: 0)]
    if let second { entries.append(pollfd(fd: second, events: Int16(POLLIN), revents: 0)) }
    let ready = poll(&entries, nfds_t(entries.count), deadline.pollTimeoutMilliseconds)
    if ready < 0 {
        let error = errno
        if error == EINTR { return InputReadiness(first: false, second: false) }
        throw .system(call: "poll", message: String(cString: strerror(error)))
    }
    return InputReadiness(first: entries[0].revents != 0, second: entries.count > 1 && entries[1].revents != 0)
}
