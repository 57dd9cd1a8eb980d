import ArgumentParser
import XMPPProtocol

extension PresenceCommand {
    /// `presence set`: announce a status, optionally stay online with it.
    struct SetPresence: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Send our presence; with --hold or --forever stay online with it.",
            discussion: "SIGINT and SIGTERM end a hold cleanly: unavailable presence, stream closed, exit 0.")

        enum Show: String, ExpressibleByArgument, CaseIterable {
            case available, away, chat, dnd, xa
        }

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Availability.")
        var show: Show = .available

        @Option(help: ArgumentHelp("Status message.", valueName: "TEXT"))
        var status: String?

        @Option(help: ArgumentHelp("Priority, -128 to 127.", valueName: "N"))
        var priority: Int?

        @Option(help: ArgumentHelp("Stay online this long, then leave.", valueName: "SECONDS"))
        var hold: Double?

        @Flag(help: "Stay online until SIGINT or SIGTERM.")
        var forever = false

        /// Idle this long while holding, ask the server for an ack to notice a dead connection.
        static let keepaliveSeconds = 60.0

        mutating func validate() throws {
            if hold != nil && forever { throw ValidationError("--hold and --forever cannot be combined") }
            if let hold, !(hold > 0 && hold.isFinite) { throw ValidationError("--hold must be a positive number of seconds") }
            if let priority, !(-128...127).contains(priority) { throw ValidationError("--priority must be between -128 and 127") }
        }

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                if let status { try MessageInput.checkText(status, what: "the status") }
                let account = try connection.resolve(diagnostics: diagnostics)
                if forever || hold != nil { Signals.catchTermination() }
                // Others' presence is not ours to keep; messages are not ours to take: left
                // unacknowledged, they stay with the server (offline storage) for real clients.
                try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                    session.send(Presence.available(show: show == .available ? nil : show.rawValue, status: status, priority: priority))
                    try session.confirmDelivery(deadline: deadline)
                    diagnostics.progress("presence sent: \(show.rawValue)\(status.map { " (\($0))" } ?? "")")
                    if forever || hold != nil {
                        try holdOnline(session, until: hold.map { .after(seconds: $0) } ?? .distantFuture, timeout: account.timeout)
                    }
                    session.send(Presence.typed("unavailable", to: nil))
                    try session.confirmDelivery(deadline: .after(seconds: account.timeout))
                }
            }
        }

        /// Answers pings and `<r/>` while holding, and notices a dead connection: after
        /// `keepaliveSeconds` of silence a sign-of-life request, unanswered within `--timeout`
        /// is exit 74.
        private func holdOnline(_ session: XMPPSession, until end: Deadline, timeout: Double) throws {
            var keepalive = Keepalive(askAfter: Self.keepaliveSeconds, answerWithin: timeout)
            while !Signals.terminationRequested && !end.hasPassed {
                try keepalive.check(session)
                _ = try session.pump(alsoWatching: Signals.wakeupDescriptor, deadline: end.earlier(keepalive.nextCheck(session)))
            }
        }
    }
}
