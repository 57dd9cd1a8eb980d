import ArgumentParser
import Glibc

/// The root command: lists the subcommands; each lives in its own file.
public struct XMPPCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "xmpp-cli",
        abstract: "A command-line XMPP toolbox for scripts, cron jobs and debugging.",
        version: XMPPCLIVersion.current,
        subcommands: [Send.self, PresenceCommand.self, RosterCommand.self, Listen.self, Raw.self])

    public init() {}

    /// Runs the command line. Usage errors are one line on stderr with exit 64, like every
    /// other failure (CLI.md); help and `--version` print as usual.
    public static func runMain() {
        // A reader that goes away (`| head`) shows up as EPIPE on the next write, handled
        // there, rather than as a signal that kills us mid-stream.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
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
}
