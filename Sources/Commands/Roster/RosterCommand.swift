import ArgumentParser
import XMPPProtocol

/// `xmpp-cli roster`: list, add, change, remove, export and import contacts (RFC 6121 §2).
public struct RosterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "List, add, change, remove, export and import contacts.",
        subcommands: [List.self, Add.self, SetItem.self, Remove.self, Export.self, Import.self])

    /// CLI.md puts the connection options before the action (`roster -j JID list`); the
    /// actions declare the same group, so the parser fills theirs from either position.
    @OptionGroup var connection: ConnectionOptions

    public init() {}
}

extension RosterCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Print the roster: jid, name, subscription, ask, groups.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Output format: text (a table on a terminal, tab-separated otherwise) or json (JSON Lines).")
        var format: OutputFormat = .text

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                let items = try RosterEdit.fetch(connection: connection, diagnostics: diagnostics)
                switch format {
                case .json:
                    for item in items { StandardOutput.writeLine(RosterJSON.record(item).encoded) }
                case .text:
                    var table = Table(header: ["JID", "NAME", "SUBSCRIPTION", "ASK", "GROUPS"])
                    table.rows = items.map { [$0.jid.description, $0.name ?? "", $0.subscription, $0.ask ?? "", $0.groups.joined(separator: ",")] }
                    for line in table.render(aligned: StandardOutput.isTerminal) { StandardOutput.writeLine(line) }
                }
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a contact; with --subscribe also ask to see its presence.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String
        @Option(help: ArgumentHelp("Display name.", valueName: "NAME")) var name: String?
        @Option(help: ArgumentHelp("Group (repeatable).", valueName: "GROUP")) var group: [String] = []
        @Flag(help: "Also send a subscription request.") var subscribe = false

        func run() throws {
            try RosterEdit.apply(connection: connection, contact: contact, action: "add") { session, jid, deadline in
                try Roster.set(jid, name: name, groups: group, session: session, deadline: deadline)
                if subscribe {
                    session.send(Presence.typed("subscribe", to: jid))
                    try session.confirmDelivery(deadline: deadline)
                }
            }
        }
    }

    struct SetItem: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Replace a contact's name and groups.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String
        @Option(help: ArgumentHelp("Display name (none when omitted).", valueName: "NAME")) var name: String?
        @Option(help: ArgumentHelp("Group (repeatable; none when omitted).", valueName: "GROUP")) var group: [String] = []

        func run() throws {
            try RosterEdit.apply(connection: connection, contact: contact, action: "change") { session, jid, deadline in
                try Roster.set(jid, name: name, groups: group, session: session, deadline: deadline)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a contact (and the subscriptions both ways).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String

        func run() throws {
            try RosterEdit.apply(connection: connection, contact: contact, action: "remove") { session, jid, deadline in
                try Roster.remove(jid, session: session, deadline: deadline)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Print the roster as JSON, for `roster import`.")
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                let items = try RosterEdit.fetch(connection: connection, diagnostics: diagnostics)
                StandardOutput.write(RosterJSON.document(items))
            }
        }
    }
}

/// The add/set/remove commands: check the JID, log in, make the change, report a refusal.
enum RosterEdit {
    /// The roster, for the commands that only read it.
    static func fetch(connection: ConnectionOptions, diagnostics: Diagnostics) throws(Failure) -> [Roster.Item] {
        let account = try connection.resolve(diagnostics: diagnostics)
        var items: [Roster.Item] = []
        try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
            items = try Roster.fetch(session: session, deadline: deadline)
        }
        return items
    }

    static func apply(
        connection: ConnectionOptions, contact: String, action: String,
        _ change: @escaping (XMPPSession, JID, Deadline) throws -> Void
    ) throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let jid = try MessageInput.recipients([contact])[0]
            guard jid.isBare else { throw Failure(.dataError, "roster items are bare addresses, not \(jid)") }
            let account = try connection.resolve(diagnostics: diagnostics)
            try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                do {
                    try change(session, jid, deadline)
                } catch XMPPError.stanzaError(let error) {
                    throw Failure(.refused, "the server refused to \(action) \(jid): \(error.condition)\(error.text.map { " (\($0))" } ?? "")")
                }
            }
        }
    }
}
