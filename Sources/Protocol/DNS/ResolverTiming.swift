/// Chooses glibc resolver timing (`retrans`, `retry`) so that one query roughly ends by a
/// deadline.
///
/// glibc waits `retrans` seconds for the first name server and `(retrans << n) / nscount`
/// seconds for server n > 0, and goes round all servers `retry` times. The longest
/// settings whose worst case fits the time left are chosen, within glibc's defaults (5 s,
/// 2 rounds) and never below one second and one round.
struct ResolverTiming: Equatable {
    var retransSeconds: Int
    var attempts: Int

    static let defaultRetrans = 5
    static let defaultAttempts = 2

    init(retransSeconds: Int, attempts: Int) {
        self.retransSeconds = retransSeconds
        self.attempts = attempts
    }

    init(remainingSeconds: Double, nameServers: Int) {
        let servers = max(1, nameServers)
        for attempts in stride(from: Self.defaultAttempts, through: 1, by: -1) {
            for retrans in stride(from: Self.defaultRetrans, through: 1, by: -1)
            where Double(attempts * Self.roundSeconds(retrans: retrans, nameServers: servers)) <= remainingSeconds {
                self.init(retransSeconds: retrans, attempts: attempts)
                return
            }
        }
        self.init(retransSeconds: 1, attempts: 1)
    }

    /// The longest one round over all name servers can take.
    static func roundSeconds(retrans: Int, nameServers: Int) -> Int {
        (0..<nameServers).reduce(0) { sum, server in
            sum + (server == 0 ? retrans : max(1, (retrans << server) / nameServers))
        }
    }
}
