import ArgumentParser
import XMPPProtocol

/// `xmpp-cli presence`: set and query status, manage subscriptions.
public struct PresenceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "presence",
        abstract: "Set and query presence, and manage subscriptions.",
        subcommands: [SetPresence.self, GetPresence.self, Subscribe.self, Unsubscribe.self, Approve.self, Deny.self])

    /// CLI.md puts the connection options before the action (`roster -j JID list`); the
    /// actions declare the same group, so the parser fills theirs from either position.
    @OptionGroup var connection: ConnectionOptions

    public init() {}
}

/// The four subscription commands differ only in the presence type they send (RFC 6121 §3).
protocol SubscriptionCommand: ParsableCommand {
    static var presenceType: String { get }
    var connection: ConnectionOptions { get }
    var contact: String { get }
    var statusMessage: String? { get }
}

extension SubscriptionCommand {
    func sendSubscriptionPresence() throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let jid = try MessageInput.recipients([contact])[0]
            guard jid.isBare else { throw Failure(.dataError, "subscriptions are to bare addresses, not \(jid)") }
            if let statusMessage { try MessageInput.checkText(statusMessage, what: "the message") }
            let account = try connection.resolve(diagnostics: diagnostics)
            try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                session.send(Presence.typed(Self.presenceType, to: jid, status: statusMessage))
                try session.confirmDelivery(deadline: deadline)
                diagnostics.progress("sent \(Self.presenceType) to \(jid)")
            }
        }
    }
}

extension PresenceCommand {
    struct Subscribe: SubscriptionCommand {
        static let configuration = CommandConfiguration(commandName: "subscribe", abstract: "Ask to see JID's presence.")
        static let presenceType = "subscribe"
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String
        @Option(name: .customLong("message"), help: ArgumentHelp("A note for the contact.", valueName: "TEXT"))
        var statusMessage: String?
        func run() throws { try sendSubscriptionPresence() }
    }

    struct Unsubscribe: SubscriptionCommand {
        static let configuration = CommandConfiguration(commandName: "unsubscribe", abstract: "Stop seeing JID's presence.")
        static let presenceType = "unsubscribe"
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String
        var statusMessage: String? { nil }
        func run() throws { try sendSubscriptionPresence() }
    }

    struct Approve: SubscriptionCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Let JID see our presence (approves a request, or pre-approves one, RFC 6121 §3.4).")
        static let presenceType = "subscribed"
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String
        var statusMessage: String? { nil }
        func run() throws { try sendSubscriptionPresence() }
    }

    struct Deny: SubscriptionCommand {
        static let configuration = CommandConfiguration(
            commandName: "deny", abstract: "Refuse or revoke JID's subscription to our presence.")
        static let presenceType = "unsubscribed"
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact.") var contact: String
        var statusMessage: String? { nil }
        func run() throws { try sendSubscriptionPresence() }
    }
}
