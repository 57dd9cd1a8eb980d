import ArgumentParser
import XMPPProtocol

extension RosterCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Make the roster match FILE (from `roster export`) with the fewest changes.",
            discussion: "Each change is printed as it is made; --dry-run prints them without making them.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "A roster export (JSON).") var file: String
        @Flag(help: "Print the changes, make none.") var dryRun = false
        @Flag(help: "Also remove contacts FILE does not list.") var prune = false

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                let entries = try RosterJSON.parse(try FileInput.read(path: file, what: "roster file"), path: file)
                let account = try connection.resolve(diagnostics: diagnostics)
                var refusals: [String] = []
                try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                    let plan = RosterPlan(current: try Roster.fetch(session: session, deadline: deadline), desired: entries, prune: prune)
                    if dryRun {
                        for change in plan.changes { StandardOutput.writeLine(change.description) }
                        diagnostics.progress("dry run: \(plan.changes.count) change(s), none made")
                        return
                    }
                    refusals = try apply(plan, session: session, deadline: deadline)
                }
                if !refusals.isEmpty {
                    throw Failure(.refused, "the server refused: \(refusals.joined(separator: "; "))")
                }
            }
        }

        /// Sends every change at once and waits for all the answers (one round trip, not one
        /// per contact); returns the refusals.
        private func apply(_ plan: RosterPlan, session: XMPPSession, deadline: Deadline) throws -> [String] {
            var ids: [(String, RosterPlan.Change)] = []
            for change in plan.changes {
                let request: XMLElement
                switch change {
                case .add(let entry), .update(let entry, _):
                    request = Roster.setRequest(entry.jid, name: entry.name, groups: entry.groups)
                case .remove(let jid):
                    request = Roster.removeRequest(jid)
                }
                ids.append((session.sendRequest(request), change))
            }
            let responses = try session.waitForResponses(ids.map(\.0), deadline: deadline, waitingFor: "the roster changes")
            var refusals: [String] = []
            for (id, change) in ids {
                if let response = responses[id], response[attribute: "type"] == "error" {
                    refusals.append("\(change.jid): \(XMPPSession.stanzaError(in: response).condition)")
                } else {
                    StandardOutput.writeLine(change.description)
                }
            }
            return refusals
        }
    }
}
