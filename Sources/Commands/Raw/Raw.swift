import ArgumentParser
import XMPPProtocol

/// `xmpp-cli raw`: XML straight to the server, from a pipe or an interactive console.
public struct Raw: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "raw",
        abstract: "Send XML stanzas to the server and see every element it sends back.",
        discussion: """
            The session is negotiated up to --stage and the stream features last received are \
            printed first. With stdin not a terminal, elements are read from it (several a line, \
            or one across lines), each checked before it is sent; after EOF, answers to the get/set \
            IQs sent are awaited up to --wait: exit 1 if any was an error, 75 if any is missing. \
            On a terminal, an XML console with line editing and history opens; /help lists its commands.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "How far to negotiate before handing over: connected, tls, authenticated or bound.")
    var stage: Login.Stage = .bound

    @Option(help: ArgumentHelp("After EOF, wait this long for answers to the IQs sent (default: 5).", valueName: "SECONDS"))
    var wait: Double = 5

    @Flag(help: "Indent the elements printed.")
    var pretty = false

    public init() {}

    public mutating func validate() throws {
        guard wait >= 0, wait.isFinite else { throw ValidationError("--wait must be a number of seconds") }
    }

    public func run() throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let interactive = FileInput.isTerminal(0)
            let account = try connection.resolve(diagnostics: diagnostics)
            try CommandRunner.xmpp {
                let negotiated = try Login.negotiate(
                    upTo: stage, settings: account.settings, deadline: account.deadline(), tracer: diagnostics.tracer)
                if let session = negotiated.session { DroppedStanzaWarnings(diagnostics: diagnostics).watch(session) }
                let link = RawLink(negotiated)
                if interactive {
                    try Console(link: link, features: negotiated.features, account: account, stage: stage, wait: wait).run()
                } else {
                    try PipedRaw(link: link, pretty: pretty, wait: wait).run(features: negotiated.features)
                }
            }
        }
    }
}

extension Login.Stage: ExpressibleByArgument {}
