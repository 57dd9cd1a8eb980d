#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time on the monotonic clock by which a wait must end.
///
/// Every blocking call in the core takes a `Deadline` rather than a duration, so that one
/// `--timeout` bounds a whole operation however many waits it is made of.
public struct Deadline: Comparable, Sendable {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    public let uptimeNanoseconds: UInt64

    public init(uptimeNanoseconds: UInt64) {
        self.uptimeNanoseconds = uptimeNanoseconds
    }

    /// The current time on the monotonic clock.
    public static func now() -> Deadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Deadline(uptimeNanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }

    /// A deadline `seconds` from now; negative values mean "already passed".
    public static func after(seconds: Double) -> Deadline {
        let now = Deadline.now().uptimeNanoseconds
        guard seconds > 0 else { return Deadline(uptimeNanoseconds: now) }
        let delta = seconds >= 1e9 ? UInt64(1e18) : UInt64(seconds * 1e9)
        return Deadline(uptimeNanoseconds: now &+ delta)
    }

    /// A deadline that never passes, for waits bounded by something else (a signal, EOF).
    public static let distantFuture = Deadline(uptimeNanoseconds: UInt64.max / 2)

    /// This deadline moved `seconds` later.
    public func adding(seconds: Double) -> Deadline {
        let delta = seconds >= 1e9 ? UInt64(1e18) : UInt64(max(0, seconds) * 1e9)
        return Deadline(uptimeNanoseconds: uptimeNanoseconds &+ delta)
    }

    /// The earlier of two deadlines.
    public func earlier(_ other: Deadline) -> Deadline { min(self, other) }

    /// Seconds left, never negative.
    public var remainingSeconds: Double {
        let now = Deadline.now().uptimeNanoseconds
        return uptimeNanoseconds > now ? Double(uptimeNanoseconds - now) / 1e9 : 0
    }

    /// Milliseconds from this instant to now (for timings: `Deadline.now()` taken before).
    public var millisecondsSince: Double {
        let now = Deadline.now().uptimeNanoseconds
        return now > uptimeNanoseconds ? Double(now - uptimeNanoseconds) / 1e6 : 0
    }

    public var hasPassed: Bool { Deadline.now().uptimeNanoseconds >= uptimeNanoseconds }

    /// Milliseconds left as the `timeout` argument of `poll(2)`: rounded up so that a wait
    /// never ends just before its deadline and spins, and capped to fit an `Int32`.
    public var pollTimeoutMilliseconds: Int32 {
        let now = Deadline.now().uptimeNanoseconds
        guard uptimeNanoseconds > now else { return 0 }
        let ms = (uptimeNanoseconds - now + 999_999) / 1_000_000
        return ms > UInt64(Int32.max) ? Int32.max : Int32(ms)
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.uptimeNanoseconds < rhs.uptimeNanoseconds
    }
}
