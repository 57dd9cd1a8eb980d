import FoundationEssentials
import XMPPProtocol

/// The roster as JSON: one record per line for `list --format json`, a document for
/// `export`, and that document read back by `import`.
enum RosterJSON {
    static func record(_ item: Roster.Item) -> JSONValue {
        .object([
            ("jid", .string(item.jid.description)), ("name", .optional(item.name)),
            ("subscription", .string(item.subscription)), ("ask", .optional(item.ask)),
            ("groups", .array(item.groups.map(JSONValue.string))),
        ])
    }

    /// `{"roster":[ ...one item per line... ]}`: readable, diffable, and valid JSON.
    static func document(_ items: [Roster.Item]) -> String {
        let lines = items.map { "    " + record($0).encoded }
        return "{\"version\":1,\"roster\":[\n" + lines.joined(separator: ",\n") + (lines.isEmpty ? "" : "\n") + "]}\n"
    }

    /// What `import` reads: for each contact its JID, name and groups (subscription and ask
    /// are the server's business and are ignored).
    struct Entry: Equatable {
        var jid: JID
        var name: String?
        var groups: [String]
    }

    private struct Document: Decodable {
        struct Item: Decodable {
            var jid: String
            var name: String?
            var groups: [String]?
        }
        var roster: [Item]
    }

    static func parse(_ bytes: [UInt8], path: String) throws(Failure) -> [Entry] {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            throw Failure(.dataError, "\(path) is not a roster export ({\"roster\":[{\"jid\":...,\"name\":...,\"groups\":[...]}]}): \(error)")
        }
        var entries: [Entry] = []
        var seen: Set<JID> = []
        for (index, item) in document.roster.enumerated() {
            let jid: JID
            do {
                jid = try JID(item.jid)
            } catch {
                throw Failure(.dataError, "\(path), item \(index + 1): \(error.message(forJID: item.jid))")
            }
            guard jid.isBare else { throw Failure(.dataError, "\(path), item \(index + 1): \(jid) is not a bare address") }
            guard seen.insert(jid).inserted else { throw Failure(.dataError, "\(path): \(jid) appears twice") }
            let groups = Array(Set((item.groups ?? []).filter { !$0.isEmpty })).sorted()
            entries.append(Entry(jid: jid, name: item.name.flatMap { $0.isEmpty ? nil : $0 }, groups: groups))
        }
        return entries
    }
}
