import XMPPProtocol

/// The fewest roster changes that make the server's roster match an export: add what is
/// missing, update what differs in name or groups, and with `prune` remove what the file
/// does not list. Items that already match are left alone.
struct RosterPlan: Equatable {
    enum Change: Equatable {
        case add(RosterJSON.Entry)
        case update(RosterJSON.Entry, was: Roster.Item)
        case remove(JID)

        var jid: JID {
            switch self {
            case .add(let entry), .update(let entry, _): return entry.jid
            case .remove(let jid): return jid
            }
        }

        /// One line for the dry run and the report.
        var description: String {
            switch self {
            case .add(let entry):
                return "add \(entry.jid)\(Self.describe(name: entry.name, groups: entry.groups))"
            case .update(let entry, let was):
                var parts: [String] = []
                if entry.name != was.name { parts.append("name \(Self.quoted(was.name)) -> \(Self.quoted(entry.name))") }
                if entry.groups != was.groups {
                    parts.append("groups \(Self.list(was.groups)) -> \(Self.list(entry.groups))")
                }
                return "update \(entry.jid): " + parts.joined(separator: ", ")
            case .remove(let jid):
                return "remove \(jid)"
            }
        }

        private static func describe(name: String?, groups: [String]) -> String {
            var text = ""
            if let name { text += " name \(quoted(name))" }
            if !groups.isEmpty { text += " groups \(list(groups))" }
            return text
        }

        private static func quoted(_ text: String?) -> String { text.map { "'\($0)'" } ?? "(none)" }
        private static func list(_ groups: [String]) -> String { groups.isEmpty ? "(none)" : groups.joined(separator: ",") }
    }

    var changes: [Change]

    init(current: [Roster.Item], desired: [RosterJSON.Entry], prune: Bool) {
        var byJID: [JID: Roster.Item] = [:]
        for item in current { byJID[item.jid] = item }
        var changes: [Change] = []
        for entry in desired {
            if let existing = byJID[entry.jid] {
                if existing.name != entry.name || existing.groups != entry.groups.sorted() {
                    changes.append(.update(entry, was: existing))
                }
            } else {
                changes.append(.add(entry))
            }
        }
        if prune {
            let wanted = Set(desired.map(\.jid))
            for item in current where !wanted.contains(item.jid) { changes.append(.remove(item.jid)) }
        }
        self.changes = changes
    }
}
