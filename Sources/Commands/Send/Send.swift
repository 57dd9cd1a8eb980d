import ArgumentParser
import XMPPProtocol

/// `xmpp-cli send`: messages to people and rooms, confirmed by the server before exit 0.
public struct Send: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send messages; exit 0 only once the server has acknowledged every one.",
        discussion: """
            The body comes from --message, else --file, else all of standard input; with \
            --interactive, every line of standard input (or --file) is a message of its own, sent \
            as it arrives. Exit 0 means the server acknowledged every message (XEP-0198, or a ping \
            after the last one). With --retry, a lost connection is resumed where the server allows \
            it (XEP-0198), and then nothing is sent twice; otherwise the next attempt sends only the \
            messages the server had not confirmed, with their first ids and origin-ids (XEP-0359). A \
            message the server took but could not confirm before the connection went is then sent \
            again: clients that de-duplicate by origin-id (Conversations, Dino, Gajim) show it once, \
            others may show it twice. With --interactive, lines once read are not kept for another \
            login: --retry then covers reaching the server, and a connection lost later is resumed \
            where the server allows it, else exit 74 with what was confirmed.
            """)

    enum MessageType: String, ExpressibleByArgument, CaseIterable {
        case chat, normal, headline
    }

    enum SendFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Addresses to send to (rooms with --room).")
    var recipients: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("The body.", valueName: "TEXT"))
    var message: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Read the body from PATH (with -i: one message per line).", valueName: "PATH"))
    var file: String?

    @Flag(name: [.short, .long], help: "One message per line of standard input until EOF, sent as lines arrive.")
    var interactive = false

    @Option(name: [.short, .long], help: "Message type (default: chat; groupchat with --room).")
    var type: MessageType?

    @Option(help: ArgumentHelp("Subject of the message.", valueName: "TEXT"))
    var subject: String?

    @Option(help: ArgumentHelp("Thread identifier.", valueName: "ID"))
    var thread: String?

    @Flag(name: [.short, .long], help: "RECIPIENTs are multi-user chat rooms: join as --nick, then send groupchat.")
    var room = false

    @Option(help: ArgumentHelp("Nickname in rooms (default: the JID's localpart).", valueName: "NICK"))
    var nick: String?

    @Option(
        name: .customLong("room-password"),
        help: ArgumentHelp(
            "Password of the rooms. Every user of the machine can read it in ps: prefer --room-password-file or XMPP_ROOM_PASSWORD.",
            valueName: "PW"))
    var roomPassword: String?

    @Option(
        name: .customLong("room-password-file"),
        help: ArgumentHelp("The first line of PATH is the password of the rooms (env: XMPP_ROOM_PASSWORD).", valueName: "PATH"))
    var roomPasswordFile: String?

    @Flag(help: "Request a delivery receipt (XEP-0184) from each recipient and wait for it until --timeout.")
    var receipt = false

    @Option(
        name: .customLong("attach"),
        help: ArgumentHelp(
            "Upload FILE (XEP-0363) and send its URL with an out-of-band element (XEP-0066), so clients show it inline; repeatable; each file is its own message, after the --message or --file text if any.",
            valueName: "FILE"))
    var attachments: [String] = []

    @Option(help: ArgumentHelp("Message ID is corrected by this one (XEP-0308): its body replaces ID's, e.g. to update a status.", valueName: "ID"))
    var replace: String?

    @Option(help: ArgumentHelp("Retract message ID (XEP-0424) instead of sending a body; in a room, ID is the stanza_id --format json printed.", valueName: "ID"))
    var retract: String?

    @Option(help: "What to print for each message once the server has acknowledged it: text (nothing) or json (one record a line: id, to, acked, url, stanza_id).")
    var format: SendFormat = .text

    @Flag(help: "Encrypt end to end with OMEMO; refuses to send anything in the clear if any recipient cannot be encrypted to (exit 77).")
    var omemo = false

    public init() {}

    public mutating func validate() throws {
        guard !recipients.isEmpty else { throw ValidationError("give at least one RECIPIENT") }
        if message != nil && file != nil { throw ValidationError("--message and --file cannot be combined") }
        if interactive && message != nil { throw ValidationError("--interactive reads lines; it cannot be combined with --message") }
        if !room && (nick != nil || roomPassword != nil || roomPasswordFile != nil) {
            throw ValidationError("--nick, --room-password and --room-password-file need --room")
        }
        if room && type != nil { throw ValidationError("--type does not apply to rooms: messages to rooms are groupchat") }
        if room && receipt { throw ValidationError("--receipt does not apply to rooms") }
        if interactive && !attachments.isEmpty { throw ValidationError("--attach cannot be combined with --interactive") }
        if replace != nil && retract != nil { throw ValidationError("--replace and --retract cannot be combined") }
        if let id = replace ?? retract {
            let option = replace != nil ? "--replace" : "--retract"
            if recipients.count != 1 { throw ValidationError("\(option) names one message: give exactly one RECIPIENT") }
            if id.isEmpty || id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError("\(option) needs a message id")
            }
            if !attachments.isEmpty { throw ValidationError("\(option) cannot be combined with --attach") }
        }
        if retract != nil && (message != nil || file != nil || interactive || subject != nil) {
            throw ValidationError("--retract sends no body: it cannot be combined with --message, --file, --interactive or --subject")
        }
    }

    public func run() throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let targets = try MessageInput.recipients(recipients)
            if room, let withResource = targets.first(where: { !$0.isBare }) {
                throw Failure(.dataError, "a room is a bare address, not \(withResource)")
            }
            if let subject { try MessageInput.checkText(subject, what: "the subject") }
            if let thread { try MessageInput.checkText(thread, what: "the thread") }
            let template = OutgoingMessage(
                type: room ? "groupchat" : (type ?? .chat).rawValue, subject: subject, thread: thread,
                requestsReceipt: receipt, replaces: replace)
            // Every file is opened (and so known to be readable) before anything else is done.
            let files = try attachments.map { (path) throws(Failure) in try UploadFile(path: path, contentType: nil) }
            // With --attach the text, if any, comes from --message or --file: standard input is not read.
            let readsBody = retract == nil && (attachments.isEmpty || message != nil || file != nil)
            if readsBody && message == nil && file == nil && FileInput.isTerminal(0) {
                diagnostics.hint(interactive ? "each line is a message; end with Ctrl-D" : "type the message, then Ctrl-D on a line of its own")
            }
            let body = interactive || !readsBody ? nil : try MessageInput.body(message: message, file: file)
            if let body {
                try template.checkSize(
                    body: body, recipients: targets, limit: OutgoingMessage.defaultStanzaLimit, limitSource: "the default limit")
            }
            let rooms = room ? RoomOptions(nick: nick, password: try RoomOptions.password(flag: roomPassword, file: roomPasswordFile)) : nil
            var account = try connection.resolve(diagnostics: diagnostics)
            // A lost connection is resumed where the server allows: the interactive loop always
            // tries, a one-shot send when it may retry (no message twice).
            account.settings.resumable = interactive || account.retry.retries > 0
            // The store is locked from here to the end of the run (another run on this account waits).
            let omemoAccount = omemo ? try OMEMOAccount(account: account, diagnostics: diagnostics, deadline: account.deadline()) : nil
            let delivery = Delivery(
                account: account, targets: targets, template: template, rooms: rooms, omemo: omemoAccount,
                printsRecords: format == .json, diagnostics: diagnostics)
            if interactive {
                try delivery.sendLines(from: file)
            } else {
                try delivery.sendOnce(body: body, attachments: files, retracting: retract)
            }
        }
    }
}

/// How to enter the rooms that `--room` names; its descriptions leave the password out.
struct RoomOptions: SecretHolding {
    var nick: String?
    var password: String?

    var visibleFields: KeyValuePairs<String, Any> {
        ["nick": nick as Any, "password": password == nil ? "none" : Redacted()]
    }

    /// The rooms' password, first that applies: `--room-password`, the first line of
    /// `--room-password-file` (checked as a password file is), `XMPP_ROOM_PASSWORD`; nil
    /// for a room without one.
    static func password(flag: String?, file: String?) throws(Failure) -> String? {
        if let flag { return flag }
        if let file { return try PasswordSource.fromFile(file, kind: "room password file") }
        return FileInput.environment("XMPP_ROOM_PASSWORD")
    }
}
