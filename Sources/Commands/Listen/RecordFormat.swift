import ArgumentParser
import XMPPProtocol

/// The three shapes of `listen` output, each exactly one line per record.
enum RecordFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, xml

    func render(_ record: IncomingRecord) -> String {
        switch self {
        case .text: return Self.text(record)
        case .json: return Self.json(record).encoded
        case .xml: return Self.xml(record.stanza)
        }
    }

    /// The record as one line for stdout, as UTF-8 with its line feed: what `render` gives,
    /// without a `String` in between for JSON.
    func line(_ record: IncomingRecord) -> [UInt8] {
        switch self {
        case .json:
            return Self.json(record).bytes(followedBy: UInt8(ascii: "\n"))
        case .text, .xml:
            var bytes = Array(render(record).utf8)
            bytes.append(UInt8(ascii: "\n"))
            return bytes
        }
    }

    /// `STAMP FROM: body`, continuation lines indented by two spaces, every control
    /// character (ESC included) escaped, so a body can neither break the one-record shape
    /// nor reach the terminal raw.
    static func text(_ record: IncomingRecord) -> String {
        var head = "\(record.stamp) \(oneLine(record.from ?? "(server)"))"
        switch record.kind {
        case .message:
            if record.archived { head += " (archived)" } else if record.delayed { head += " (delayed)" }
            if let carbon = record.carbon { head += " (carbon \(carbon))" }
            if record.type == "error" { head += " (error)" }
            if record.encrypted != nil {
                let untrusted = record.trust == "undecided" || record.trust == "distrusted"
                head += record.body == nil ? " (OMEMO, not decrypted: \(oneLine(record.error ?? "?")))" : untrusted ? " (OMEMO, \(record.trust!) device)" : " (OMEMO)"
            }
            if let replaces = record.replaces { head += " (correcting \(oneLine(replaces)))" }
            if let retracts = record.retracts { head += " (retracting \(oneLine(retracts)))" }
            if let subject = record.subject { head += " [\(oneLine(subject))]" }
            let lines = (record.body ?? "").split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
            return head + ": " + lines.joined(separator: "\n  ")
        case .presence:
            var text = head + " presence " + oneLine(record.type)
            if let show = record.show { text += " " + show }
            if let status = record.status { text += ": " + oneLine(status) }
            return text
        case .iq:
            return head + " iq " + oneLine(record.type) + " " + oneLine(record.body ?? "")
        }
    }

    static func json(_ record: IncomingRecord) -> JSONValue {
        switch record.kind {
        case .message:
            var members: [(StaticString, JSONValue)] = [
                ("kind", .string("message")), ("from", .optional(record.from)), ("to", .optional(record.to)),
                ("type", .string(record.type)), ("id", .optional(record.id)), ("body", .optional(record.body)),
                ("subject", .optional(record.subject)), ("thread", .optional(record.thread)),
                ("stamp", .string(record.stamp)), ("delayed", .bool(record.delayed)),
            ]
            if let room = record.room {
                members += [("room", .string(room)), ("nick", .optional(record.nick))]
            }
            if let carbon = record.carbon { members.append(("carbon", .string(carbon))) }
            if let url = record.url { members.append(("url", .string(url))) }
            if let replaces = record.replaces { members.append(("replace_id", .string(replaces))) }
            if let retracts = record.retracts { members.append(("retract_id", .string(retracts))) }
            if let archiveID = record.archiveID { members.append(("archive_id", .string(archiveID))) }
            if record.archived { members.append(("archived", .bool(true))) }
            if let encrypted = record.encrypted {
                members += [("encrypted", .string(encrypted)), ("fingerprint", .optional(record.fingerprint)), ("trust", .optional(record.trust))]
                if let error = record.error { members.append(("error", .string(error))) }
            }
            return .object(members)
        case .presence:
            return .object([
                ("kind", .string("presence")), ("from", .optional(record.from)), ("type", .string(record.type)),
                ("show", .optional(record.show)), ("status", .optional(record.status)),
                ("priority", record.priority.map(JSONValue.number) ?? .null),
            ])
        case .iq:
            return .object([
                ("kind", .string("iq")), ("from", .optional(record.from)), ("to", .optional(record.to)),
                ("type", .string(record.type)), ("id", .optional(record.id)), ("payload", .optional(record.body)),
            ])
        }
    }

    /// The stanza as XML on one line, safe for a terminal (`XMLEscaping.forDisplay`).
    static func xml(_ stanza: XMLElement) -> String {
        XMLEscaping.forDisplay(stanza.serialized(parentNamespace: Namespace.client))
    }

    /// A field of the record's first line: nothing in a sender, subject or status can start
    /// a line of its own.
    static func oneLine(_ text: String) -> String {
        TerminalText.escape(text)
    }

    /// A body: control characters escaped, newlines kept for the caller to indent.
    static func escape(_ text: String) -> String {
        TerminalText.escape(text, newlines: .kept)
    }
}

