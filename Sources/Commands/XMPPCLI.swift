import ArgumentParser
import Glibc

/// The root command: lists the subcommands; each lives in its own file.
public struct XMPPCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "xmpp-cli",
        abstract: "A command-line XMPP toolbox for scripts, cron jobs and debugging.",
        discussion: """
            Files: accounts in $XDG_CONFIG_HOME/xmpp-cli/config (yours to write); and, each written 0600 \
            and atomically, \
            what the last login learned about each server (the endpoint that worked, mechanisms, stream management, whether it \
            takes stanzas before its bind result, its HTTP upload service and limit, and each account's SCRAM salt and iteration count, \
            which the server gives anyone who asks), to save round trips and time, in $XDG_CACHE_HOME/xmpp-cli/servers/, \
            safe to delete at any time (--no-cache neither reads nor writes it); FAST tokens (XEP-0484), \
            which log in as the account without the password, in $XDG_DATA_HOME/xmpp-cli/fast/; the \
            console's history in $XDG_STATE_HOME/xmpp-cli/history.
            """,
        version: XMPPCLIVersion.current,
        subcommands: [Send.self, PresenceCommand.self, RosterCommand.self, Listen.self, Raw.self, Upload.self, OmemoCommand.self, Doctor.self])

    public init() {}

    /// Runs the command line. Usage errors are one line on stderr with exit 64, like every
    /// other failure (CLI.md); help and `--version` print as usual.
    public static func runMain() {
        // A reader that goes away (`| head`) shows up as EPIPE on the next write, handled
        // there, rather than as a signal that kills us mid-stream.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseCommandLine(Array(CommandLine.arguments.dropFirst()))
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            guard code != .success, !message.isEmpty, !(error is ExitCode) else {
                exit(withError: error)
            }
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
            let text = firstLine.hasPrefix("Error: ") ? String(firstLine.dropFirst(7)) : firstLine
            Diagnostics(level: .normal).error("\(text) (see xmpp-cli --help)")
            exit(withError: ExitCode(code.rawValue))
        }
    }

    /// The command line, parsed by the subcommand it names where that is enough.
    ///
    /// ArgumentParser's parse from the root also builds the argument definitions of every
    /// other subcommand (looking for passthrough arguments), about a tenth of a one-message
    /// send's CPU, all of it before the first byte can go out. A command line that begins
    /// with a subcommand's name is parsed by that subcommand alone. Whatever it does not take
    /// as a command to run (help, a usage error, a completion-script request) is parsed again
    /// from the root, so every message and exit code stays the whole tree's.
    static func parseCommandLine(_ arguments: [String]) throws -> ParsableCommand {
        if let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0._commandName == name }),
            let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
            // ArgumentParser's own commands (help) would describe the subcommand as the root.
            isInTree(type(of: command), of: subcommand)
        {
            return command
        }
        return try parseAsRoot(arguments)
    }

    private static func isInTree(_ type: ParsableCommand.Type, of root: ParsableCommand.Type) -> Bool {
        type == root || root.configuration.subcommands.contains { isInTree(type, of: $0) }
    }
}
