import ArgumentParser

/// The root command: lists the subcommands; each lives in its own file.
public struct XMPPCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "xmpp-cli",
        abstract: "A command-line XMPP toolbox for scripts, cron jobs and debugging.",
        subcommands: [Send.self, PresenceCommand.self, RosterCommand.self])

    public init() {}
}
