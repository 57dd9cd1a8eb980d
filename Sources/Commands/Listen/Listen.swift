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
            XMPP_ID, XMPP_ROOM, XMPP_NICK, XMPP_URL, XMPP_ARCHIVE_ID, XMPP_ARCHIVED, XMPP_REPLACE_ID, \
            XMPP_RETRACT_ID in its environment) instead of a record being printed; \
            one still running after --exec-timeout is stopped with its process group (SIGTERM, \
            then SIGKILL), reported, and listening goes on. \
            --since first prints what the message archives (XEP-0313) kept since then, marked \
            archived, then goes on live with no gap and no duplicate; --state FILE keeps the \
            last message handled and starts after it next time (see the man page).
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

    @Option(
        help: ArgumentHelp(
            "First print what the archives (XEP-0313: the account's, each --room's) kept since this time (RFC 3339, or a duration back from now such as 2h) or after this archive id, then go on live.",
            valueName: "TIME|ID"))
    var since: String?

    @Option(
        help: ArgumentHelp(
            "Keep the archive id of the last message handled in FILE (a name without a slash: in $XDG_DATA_HOME/xmpp-cli/listen/), and start after it next time; a missing FILE starts from now.",
            valueName: "FILE"))
    var state: String?

    @Flag(help: "Decrypt OMEMO messages, making and publishing this account's OMEMO device if it has none yet (an account that has one decrypts without this flag).")
    var omemo = false

    public init() {}

    public mutating func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        for (name, value) in [("--duration", duration), ("--idle-timeout", idleTimeout)] {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(name) must be a positive number of seconds") }
        }
        if nick != nil && room.isEmpty { throw ValidationError("--nick needs --room") }
        if let since {
            let option: SinceOption
            do { option = try SinceOption(since) } catch { throw ValidationError(error.message) }
            if case .archiveID = option, !room.isEmpty {
                throw ValidationError("--since ID names a position in one archive; with --room, give a time or a duration")
            }
        }
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
            let since = try since.map { (text) throws(Failure) in try SinceOption(text) }
            // Taken before anything else: a second listener on the same file stops here.
            let stateFile = try state.map { (path) throws(Failure) in try ListenStateFile(path) }
            var account = try connection.resolve(diagnostics: diagnostics)
            account.settings.resumable = true
            let omemoAccount = omemo || OMEMOAccount.exists(for: account)
                ? try OMEMOAccount(account: account, diagnostics: diagnostics, deadline: account.deadline(), holdingLock: false) : nil
            let listener = Listener(
                account: account, diagnostics: diagnostics,
                options: Listener.Options(
                    format: format, senders: senders, rooms: rooms, nick: nick, presence: presence, iq: iq,
                    carbons: carbons, count: count, duration: duration, idleTimeout: idleTimeout, exec: exec,
                    execTimeout: execTimeout ?? 60, reconnect: reconnect, omemo: omemoAccount, since: since, state: stateFile))
            try listener.run()
        }
    }
}
