#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One connection attempt to one address, as `-v` reports it.
public struct ConnectAttempt: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case connected
        /// The address refused or could not be reached (`connect(2)`'s reason).
        case failed(String)
        /// Another address connected first; this attempt was abandoned.
        case abandoned
        /// No answer before the deadline.
        case timedOut
    }

    /// "127.0.0.1:5222", "[2001:db8::1]:5222".
    public var address: String
    public var outcome: Outcome
    /// From the start of this attempt to its outcome.
    public var milliseconds: Int

    public var description: String {
        let what = switch outcome {
        case .connected: "connected"
        case .failed(let reason): reason
        case .abandoned: "abandoned, another address connected first"
        case .timedOut: "no answer in time"
        }
        return "\(address): \(what) (\(milliseconds) ms)"
    }
}

/// Happy Eyeballs version 2 (RFC 8305), the connecting half: the addresses of one host are
/// tried in an order that alternates address families, a new attempt starting every 250 ms
/// while the earlier ones are still waiting, or at once when one fails; the first to connect
/// wins and the others are closed. So an address that black-holes (a broken IPv6 route, a
/// firewall that drops) costs 250 ms, not the whole deadline.
enum HappyEyeballs {
    /// RFC 8305 §5: the recommended Connection Attempt Delay.
    static let attemptDelay = 0.25

    /// RFC 8305 §4: the first address's family, then the other, alternately, each family
    /// in the order given (the resolver's preference).
    static func interleave(_ addresses: [IPAddress]) -> [IPAddress] {
        guard let first = addresses.first else { return [] }
        let preferred = addresses.filter { $0.family == first.family }
        let other = addresses.filter { $0.family != first.family }
        var ordered: [IPAddress] = []
        for index in 0..<max(preferred.count, other.count) {
            if index < preferred.count { ordered.append(preferred[index]) }
            if index < other.count { ordered.append(other[index]) }
        }
        return ordered
    }

    enum Failure: Error {
        /// Every address failed; each attempt says why.
        case allFailed
        /// The deadline passed with attempts still waiting.
        case timedOut
    }

    private struct Attempt {
        let fd: Int32
        let address: SocketAddress
        let started: Deadline
    }

    /// Races `addresses` (in the order given) until one connects; returns its socket and
    /// address. `whileConnecting` runs once, after the first attempt has sent its SYN.
    /// `report` hears how each attempt ended, in the order they end (the winner before
    /// those it made abandoned).
    static func race(
        _ addresses: [SocketAddress], deadline: Deadline, whileConnecting: () -> Void,
        report: (ConnectAttempt) -> Void
    ) -> Result<(fd: Int32, address: SocketAddress), Failure> {
        var waiting = addresses[...]
        var inFlight: [Attempt] = []
        var nextStart = Deadline.now()
        var overlapped = false

        func end(_ attempt: Attempt, _ outcome: ConnectAttempt.Outcome) {
            report(ConnectAttempt(
                address: attempt.address.description, outcome: outcome,
                milliseconds: Int((Deadline.now().uptimeNanoseconds - attempt.started.uptimeNanoseconds) / 1_000_000)))
        }
        func abandonAll(_ outcome: ConnectAttempt.Outcome) {
            for attempt in inFlight {
                Syscall.close(attempt.fd)
                end(attempt, outcome)
            }
            inFlight.removeAll()
        }

        while true {
            if let address = waiting.first, inFlight.isEmpty || nextStart.hasPassed {
                waiting.removeFirst()
                let attempt: Attempt
                switch start(address) {
                case .success(let (fd, connected)):
                    attempt = Attempt(fd: fd, address: address, started: .now())
                    if connected {
                        end(attempt, .connected)
                        abandonAll(.abandoned)
                        return .success((fd, address))
                    }
                case .failure(let error):
                    report(ConnectAttempt(address: address.description, outcome: .failed(error.message), milliseconds: 0))
                    continue
                }
                inFlight.append(attempt)
                nextStart = .after(seconds: attemptDelay)
                if !overlapped {
                    overlapped = true
                    whileConnecting()
                }
                continue
            }
            if inFlight.isEmpty { return .failure(.allFailed) }
            if deadline.hasPassed {
                abandonAll(.timedOut)
                return .failure(.timedOut)
            }
            let until = waiting.isEmpty ? deadline : deadline.earlier(nextStart)
            var entries = inFlight.map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
            let ready = poll(&entries, nfds_t(entries.count), until.pollTimeoutMilliseconds)
            if ready <= 0 { continue }  // the time for the next attempt, the deadline, or a signal
            var stillWaiting: [Attempt] = []
            for (attempt, entry) in zip(inFlight, entries) {
                guard entry.revents != 0 else {
                    stillWaiting.append(attempt)
                    continue
                }
                switch Syscall.pendingSocketError(attempt.fd) {
                case .success(0):
                    inFlight.removeAll { $0.fd == attempt.fd }
                    end(attempt, .connected)
                    abandonAll(.abandoned)
                    return .success((attempt.fd, attempt.address))
                case .success(let code):
                    Syscall.close(attempt.fd)
                    end(attempt, .failed(Errno(code: code).message))
                case .failure(let error):
                    Syscall.close(attempt.fd)
                    end(attempt, .failed(error.message))
                }
                // RFC 8305 §5: a failed attempt lets the next one start at once.
                nextStart = .now()
            }
            inFlight = stillWaiting
        }
    }

    /// A non-blocking `connect(2)`: the socket and whether it connected already, or why it
    /// could not even start.
    private static func start(_ address: SocketAddress) -> Result<(Int32, Bool), Errno> {
        let fd: Int32
        switch Syscall.tcpSocket(family: address.family) {
        case .success(let value): fd = value
        case .failure(let error): return .failure(error)
        }
        switch address.withSockaddr({ Syscall.connect(fd, $0, $1) }) {
        case .success:
            return .success((fd, true))
        case .failure(.inProgress), .failure(.interrupted):
            return .success((fd, false))
        case .failure(let error):
            Syscall.close(fd)
            return .failure(error)
        }
    }
}
