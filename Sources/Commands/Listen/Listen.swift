import ArgumentParser
import XMPPProtocol

/// `xmpp-cli listen`: incoming messages as a stream of records for scripts.
public struct Listen: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Print incoming messages (and presence or IQs when asked), one record a line.",
        discussion: """
            --timeout bounds only the login. Runs until --count, --duration, --idle-timeout, \
            SIGINT or SIGTERM (clean close, exit 0), or a lost connection (exit 74; with \
            --reconnect it logs in again, resuming the stream where the server allows). With \
            --exec, CMD runs once per message (body on stdin; XMPP_FROM, XMPP_TO, XMPP_TYPE, \
            XMPP_ID, XMPP_ROOM, XMPP_NICK, XMPP_URL in its environment) instead of a record being printed; \
            one still running after --exec-timeout is stopped with its process group (SIGTERM, \
            then SIGKILL), reported, and listening goes on.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Output format: text, json (JSON Lines) or xml (the stanza, one a line).")
    var format: RecordFormat = .text

    @Option(help: ArgumentHelp("Only from this address (bare: any resource; repeatable).", valueName: "JID"))
    var from: [String] = []

    @Option(help: ArgumentHelp("Join this room and print its messages (repeatable).", valueName: "ROOM"))
    var room: [String] = []

    @Option(help: ArgumentHelp("Nickname in rooms (default: the JID's localpart).", valueName: "NICK"))
    var nick: String?

    @Flag(help: "Also print presence.")
    var presence = false

    @Flag(help: "Also print IQ requests addressed to us.")
    var iq = false

    @Flag(help: "Also print copies of messages sent and received by the account's other clients (XEP-0280).")
    var carbons = false

    @Option(help: ArgumentHelp("Stop after N records.", valueName: "N"))
    var count: Int?

    @Option(help: ArgumentHelp("Stop after this long.", valueName: "SECONDS"))
    var duration: Double?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Stop after this long without a record.", valueName: "SECONDS"))
    var idleTimeout: Double?

    @Option(help: ArgumentHelp("Run CMD (with /bin/sh -c) for each message, one at a time.", valueName: "CMD"))
    var exec: String?

    @Option(
        name: .customLong("exec-timeout"),
        help: ArgumentHelp("Stop a --exec command still running after this long (default: 60).", valueName: "SECONDS"))
    var execTimeout: Double?

    @Flag(help: "After a lost connection, reconnect (with backoff) and go on.")
    var reconnect = false

    @Flag(help: "Decrypt OMEMO messages, making and publishing this account's OMEMO device if it has none yet (an account that has one decrypts without this flag).")
    var omemo = false

    public init() {}

    public mutating func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        for (name, value) in [("--duration", duration), ("--idle-timeout", idleTimeout)] {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(name) must be a positive number of seconds") }
        }
        if nick != nil && room.isEmpty { throw ValidationError("--nick needs --room") }
        if let execTimeout {
            if !(execTimeout > 0 && execTimeout.isFinite) { throw ValidationError("--exec-timeout must be a positive number of seconds") }
            if exec == nil { throw ValidationError("--exec-timeout needs --exec") }
        }
    }

    public func run() throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let senders = try MessageInput.recipients(from)
            let rooms = try MessageInput.recipients(room)
            if let withResource = rooms.first(where: { !$0.isBare }) {
                throw Failure(.dataError, "a room is a bare address, not \(withResource)")
            }
            var account = try connection.resolve(diagnostics: diagnostics)
            account.settings.resumable = true
            let omemoAccount = omemo || OMEMOAccount.exists(for: account)
                ? try OMEMOAccount(account: account, diagnostics: diagnostics, deadline: account.deadline(), holdingLock: false) : nil
            let listener = Listener(
                account: account, diagnostics: diagnostics,
                options: Listener.Options(
                    format: format, senders: senders, rooms: rooms, nick: nick, presence: presence, iq: iq,
                    carbons: carbons, count: count, duration: duration, idleTimeout: idleTimeout, exec: exec,
                    execTimeout: execTimeout ?? 60, reconnect: reconnect, omemo: omemoAccount))
            try listener.run()
        }
    }
}
