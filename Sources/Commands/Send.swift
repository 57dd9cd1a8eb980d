import ArgumentParser
import XMPPProtocol

/// `xmpp-cli send`: messages to people, confirmed by the server before exit 0.
public struct Send: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Send a message; exit 0 only once the server has acknowledged it.",
        discussion: """
            The body comes from --message, else --file, else all of standard input. \
            Exit 0 means the server acknowledged every message (XEP-0198, or a ping after the last one).
            """)

    enum MessageType: String, ExpressibleByArgument, CaseIterable {
        case chat, normal, headline
    }

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Addresses to send to.")
    var recipients: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("The body.", valueName: "TEXT"))
    var message: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Read the body from PATH.", valueName: "PATH"))
    var file: String?

    @Option(name: [.short, .long], help: "Message type.")
    var type: MessageType = .chat

    @Option(help: ArgumentHelp("Subject of the message.", valueName: "TEXT"))
    var subject: String?

    @Option(help: ArgumentHelp("Thread identifier.", valueName: "ID"))
    var thread: String?

    public init() {}

    public mutating func validate() throws {
        guard !recipients.isEmpty else { throw ValidationError("give at least one RECIPIENT") }
        if message != nil && file != nil { throw ValidationError("--message and --file cannot be combined") }
    }

    public func run() throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let targets = try MessageInput.recipients(recipients)
            let body = try MessageInput.body(message: message, file: file)
            if let subject { try MessageInput.checkText(subject, what: "the subject") }
            if let thread { try MessageInput.checkText(thread, what: "the thread") }
            let account = try connection.resolve(diagnostics: diagnostics)
            let settings = account.settings
            let deadline = account.deadline()
            try CommandRunner.xmpp {
                let session = try Login.start(settings: settings, deadline: deadline, tracer: diagnostics.tracer)
                var ids: [String: JID] = [:]
                for target in targets {
                    let stanza = MessageStanza.make(
                        id: session.makeID(), to: target, type: type.rawValue, body: body, subject: subject, thread: thread)
                    ids[stanza[attribute: "id"]!] = target
                    session.send(stanza)
                }
                do throws(XMPPError) {
                    try session.confirmDelivery(deadline: deadline)
                } catch .connectionLost(let what) {
                    let confirmed = session.streamManagementEnabled ? "\(session.confirmedMessageCount) of \(targets.count)" : "none of \(targets.count)"
                    throw XMPPError.connectionLost("\(what); \(confirmed) message(s) confirmed by the server")
                } catch {
                    throw error
                }
                if let bounce = session.bounces.first(where: { ids[$0.id] != nil }) {
                    session.close(deadline: deadline)
                    throw XMPPError.stanzaError(
                        StanzaError(type: bounce.error.type, condition: bounce.error.condition, text: bounce.error.text, by: ids[bounce.id]!.description))
                }
                diagnostics.progress(
                    "\(targets.count) message(s) accepted by the server; \(session.stream.roundTrips) round trips since connecting")
                session.close(deadline: deadline)
            }
        }
    }
}

/// Builds `<message/>` stanzas.
enum MessageStanza {
    static func make(id: String, to: JID, type: String, body: String, subject: String?, thread: String?) -> XMLElement {
        var message = XMLElement("message", attributes: ["id": id, "to": to.description, "type": type])
        if let subject { message.append(textElement("subject", subject)) }
        message.append(textElement("body", body))
        if let thread { message.append(textElement("thread", thread)) }
        // XEP-0359: a stable id of our own, kept by archives and servers that rewrite ids.
        message.append(XMLElement("origin-id", namespace: Namespace.stanzaID, attributes: ["id": id]))
        return message
    }

    private static func textElement(_ name: String, _ text: String) -> XMLElement {
        var element = XMLElement(name)
        element.append(text: text)
        return element
    }
}
