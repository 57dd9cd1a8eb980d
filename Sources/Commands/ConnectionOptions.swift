import ArgumentParser
import XMPPProtocol

extension TLSMode: ExpressibleByArgument {}

/// The connection options every subcommand takes (CLI.md, "Connection options").
/// Precedence: command line, then environment, then config file.
public struct ConnectionOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "The account's address (env: XMPP_JID).")
    var jid: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("The first line of PATH is the password.", valueName: "PATH"))
    var passwordFile: String?

    @Option(name: .customLong("password-command"), help: ArgumentHelp("Run CMD with /bin/sh -c; the first line of its output is the password.", valueName: "CMD"))
    var passwordCommand: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).", valueName: "HOST[:PORT]"))
    var server: String?

    @Option(help: "auto: SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.")
    var tls: TLSMode = .auto

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Trust the CA certificates in PATH (PEM) in addition to the system store.", valueName: "PATH"))
    var caFile: String?

    @Flag(help: "Do not verify the server certificate (prints a warning every time).")
    var insecure = false

    @Option(help: ArgumentHelp("Resource to bind (default: server-assigned).", valueName: "RES"))
    var resource: String?

    @Option(help: ArgumentHelp("Deadline for the whole operation.", valueName: "SECONDS"))
    var timeout: Double = 30

    @Flag(name: .shortAndLong, help: "Progress on stderr; twice (-vv) also every XML element, with secrets redacted.")
    var verbose: Int

    @Flag(name: .shortAndLong, help: "Nothing on stderr but errors.")
    var quiet = false

    public init() {}

    public mutating func validate() throws {
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        if quiet && verbose > 0 {
            throw ValidationError("--quiet and --verbose cannot be combined")
        }
        if passwordFile != nil && passwordCommand != nil {
            throw ValidationError("--password-file and --password-command cannot be combined")
        }
    }

    var diagnostics: Diagnostics {
        if quiet { return Diagnostics(level: .quiet) }
        switch verbose {
        case 0: return Diagnostics(level: .normal)
        case 1: return Diagnostics(level: .verbose)
        default: return Diagnostics(level: .trace)
        }
    }

    /// The deadline for the whole operation, from `--timeout`.
    func deadline() -> Deadline { .after(seconds: timeout) }

    /// Gathers the settings, or fails with the exit status of CLI.md (78 for configuration).
    func settings(diagnostics: Diagnostics) throws(Failure) -> ConnectionSettings {
        guard let jidText = jid ?? FileInput.environment("XMPP_JID") else {
            throw Failure(.config, "no account: give --jid or set XMPP_JID")
        }
        let accountJID: JID
        do {
            accountJID = try JID(jidText)
        } catch {
            throw Failure(.config, "the account JID is invalid: \(error.message(forJID: jidText))")
        }
        guard accountJID.localpart != nil else {
            throw Failure(.config, "the account JID '\(jidText)' has no local part (expected user@domain)")
        }
        if let caFile, FileInput.isReadable(caFile) == false {
            throw Failure(.noInput, "cannot read the CA file \(caFile)")
        }
        if insecure {
            diagnostics.warning("--insecure: the server certificate is NOT verified; anyone on the path can read and change this session")
        }
        let password = try PasswordSource.password(file: passwordFile, command: passwordCommand)
        return ConnectionSettings(
            jid: accountJID, password: password, server: server ?? FileInput.environment("XMPP_SERVER"),
            tlsMode: tls, caFile: caFile, insecure: insecure,
            resource: resource)
    }
}
