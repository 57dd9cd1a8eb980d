import ArgumentParser
import XMPPProtocol

extension PresenceCommand {
    /// `presence get`: who is online now, one record per online resource.
    struct GetPresence: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Show who is online: one record per online resource of the roster's contacts.",
            discussion: "With JIDs, only those; a JID with no presence is shown as offline.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "Contacts to report (default: every contact that is online).")
        var contacts: [String] = []

        @Option(help: ArgumentHelp("How long to gather presence (default: 2).", valueName: "SECONDS"))
        var wait: Double = 2

        @Option(help: "Output format: text (a table on a terminal, tab-separated otherwise) or json (JSON Lines).")
        var format: OutputFormat = .text

        mutating func validate() throws {
            guard wait >= 0, wait.isFinite else { throw ValidationError("--wait must be a number of seconds") }
        }

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                let wanted = try MessageInput.recipients(contacts)
                let account = try connection.resolve(diagnostics: diagnostics)
                Signals.catchTermination()
                var seen: [JID: Presence.Info] = [:]
                try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                    session.refusesFurtherMessages = true  // messages stay with the server
                    session.onStanza = { stanza in
                        guard let info = Presence.Info(stanza) else { return }
                        switch info.type {
                        case "available": seen[info.from] = info
                        case "unavailable": seen.removeValue(forKey: info.from)
                        default: break
                        }
                    }
                    // Initial presence (RFC 6121 §4.2) makes the server send the contacts'
                    // presence; a negative priority keeps messages for the account away from us.
                    session.send(Presence.available(show: nil, status: nil, priority: -1))
                    let end = Deadline.after(seconds: wait)
                    while !end.hasPassed && !Signals.terminationRequested {
                        _ = try session.pump(alsoWatching: Signals.wakeupDescriptor, deadline: end)
                    }
                    seen.removeValue(forKey: session.boundJID ?? account.settings.jid)
                    if wanted.isEmpty {
                        // The account's other clients are not contacts; ask for them by name.
                        seen = seen.filter { $0.key.bare != account.settings.jid.bare }
                    }
                    session.send(Presence.typed("unavailable", to: nil))
                }
                print(PresenceReport(seen: Array(seen.values), wanted: wanted))
            }
        }

        private func print(_ report: PresenceReport) {
            switch format {
            case .json:
                for record in report.records { StandardOutput.writeLine(record.json.encoded) }
            case .text:
                var table = Table(header: ["JID", "SHOW", "PRIORITY", "STATUS"])
                table.rows = report.records.map { [$0.from, $0.show, $0.priority.map(String.init) ?? "", $0.status ?? ""] }
                for line in table.render(aligned: StandardOutput.isTerminal) { StandardOutput.writeLine(line) }
            }
        }
    }
}

/// The records `presence get` prints: each online resource, and for each JID asked about
/// that has none, an offline record.
struct PresenceReport {
    struct Record: Equatable {
        var from: String
        var type: String
        var show: String
        var status: String?
        var priority: Int?

        var json: JSONValue {
            .object([
                ("kind", .string("presence")), ("from", .string(from)), ("type", .string(type)),
                ("show", type == "available" && show != "available" ? .string(show) : .null),
                ("status", .optional(status)), ("priority", priority.map(JSONValue.number) ?? .null),
            ])
        }
    }

    var records: [Record]

    init(seen: [Presence.Info], wanted: [JID]) {
        let online = seen.sorted { $0.from.description < $1.from.description }.map {
            Record(from: $0.from.description, type: "available", show: $0.show ?? "available", status: $0.status, priority: $0.priority)
        }
        guard !wanted.isEmpty else {
            records = online
            return
        }
        var result: [Record] = []
        for jid in wanted {
            let matching = seen.filter { jid.isBare ? $0.from.bare == jid : $0.from == jid }
                .sorted { $0.from.description < $1.from.description }
            if matching.isEmpty {
                result.append(Record(from: jid.description, type: "unavailable", show: "offline", status: nil, priority: nil))
            } else {
                result += online.filter { record in matching.contains { $0.from.description == record.from } }
            }
        }
        records = result
    }
}
