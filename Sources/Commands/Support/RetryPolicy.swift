import XMPPProtocol

/// `--retry N` and `--retry-max-time` (CLI.md): a run whose login or work fails in a way
/// worth trying again (exit 69, 74 or 75: unreachable, connection lost, timed out) is tried
/// again, up to N times, after a back-off of 1 s doubling each time, ±50% jitter, capped at
/// 60 s. Every attempt and every back-off fits in the run's deadline: `--timeout`, or
/// `--retry-max-time` when given (each attempt then still has at most `--timeout`).
struct RetryPolicy: Sendable {
    var retries = 0
    var maxTime: Double?

    static let firstDelay = 1.0
    static let longestDelay = 60.0

    /// The back-off before retry `number` (1 for the first), jitter included.
    func delay(beforeRetry number: Int, random: Double = Double.random(in: 0.5...1.5)) -> Double {
        let base = min(Self.firstDelay * Double(1 << min(number - 1, 16)), Self.longestDelay)
        return min(base * random, Self.longestDelay)
    }

    /// Whether another attempt may do better: the failures CLI.md marks as worth retrying.
    static func isWorthRetrying(_ error: XMPPError) -> Bool {
        switch Failure(error).status {
        case .unavailable, .ioError, .tempFail: true
        default: false
        }
    }
}
