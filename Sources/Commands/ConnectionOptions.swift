import ArgumentParser
import XMPPProtocol

extension TLSMode: ExpressibleByArgument {}

/// The connection options every subcommand takes (CLI.md, "Connection options").
/// Precedence: command line, then environment, then the config file.
public struct ConnectionOptions: ParsableArguments {
    // Completes the [section] names of the config file that --config (if already typed),
    // XMPP_CLI_CONFIG or the default location names; an unreadable file offers nothing.
    @Option(
        name: [.short, .customLong("account")],
        help: ArgumentHelp("Account section of the config file (env: XMPP_ACCOUNT; default: default).", valueName: "NAME"),
        completion: .custom { words, _, _ in
            let configFlag = words.firstIndex(of: "--config").flatMap { words.dropFirst($0 + 1).first }
            let loaded = try? ConfigLocation.load(flag: configFlag)
            return loaded?.file.sections.keys.sorted() ?? []
        })
    var account: String?

    @Option(name: [.short, .long], help: ArgumentHelp("The account's address (env: XMPP_JID).", valueName: "JID"))
    var jid: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("The first line of PATH is the password.", valueName: "PATH"))
    var passwordFile: String?

    @Option(name: .customLong("password-command"), help: ArgumentHelp("Run CMD with /bin/sh -c; the first line of its output is the password.", valueName: "CMD"))
    var passwordCommand: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Connect here instead of looking up DNS SRV records (env: XMPP_SERVER).", valueName: "HOST[:PORT]"))
    var server: String?

    @Option(help: ArgumentHelp("auto (default): SRV order, direct TLS and STARTTLS by priority; starttls: port 5222 + STARTTLS; direct: TLS from the first byte, port 5223.", valueName: "MODE"))
    var tls: TLSMode?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Trust the CA certificates in PATH (PEM) in addition to the system store.", valueName: "PATH"))
    var caFile: String?

    @Flag(help: "Do not verify the server certificate (prints a warning every time).")
    var insecure = false

    @Option(help: ArgumentHelp("Resource to bind (default: server-assigned).", valueName: "RES"))
    var resource: String?

    @Option(help: ArgumentHelp("Deadline for the whole operation (default: 30).", valueName: "SECONDS"))
    var timeout: Double?

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the per-server cache ($XDG_CACHE_HOME/xmpp-cli/servers).")
    var noCache = false

    @Option(help: ArgumentHelp(
        "Connect through a proxy: socks5://HOST:PORT (names resolved here), socks5h://HOST:PORT (names resolved by the proxy, so .onion works), http://HOST:PORT (HTTP CONNECT); env: ALL_PROXY, all_proxy; NO_PROXY as curl reads it. A user name and password belong in ALL_PROXY, not here, where other users can see them.",
        valueName: "URL"))
    var proxy: String?

    @Option(help: ArgumentHelp(
        "On a failure worth retrying (exit 69, 74, 75), try again up to N times, with backoff (1 s doubling, ±50% jitter, at most 60 s); never sends a message twice.",
        valueName: "N"))
    var retry: Int?

    @Option(name: .customLong("retry-max-time"), help: ArgumentHelp(
        "With --retry, the whole run, retries and back-offs included, may take this long (default: --timeout, which still bounds each attempt).",
        valueName: "SECONDS"))
    var retryMaxTime: Double?

    @Option(help: ArgumentHelp("Config file (env: XMPP_CLI_CONFIG; default: $XDG_CONFIG_HOME/xmpp-cli/config).", valueName: "PATH"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Progress on stderr; twice (-vv) also every XML element, with secrets redacted.")
    var verbose: Int

    @Flag(name: .shortAndLong, help: "Nothing on stderr but errors.")
    var quiet = false

    public init() {}

    public mutating func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        if let retry, retry < 0 {
            throw ValidationError("--retry must be a whole number of retries, 0 or more")
        }
        if let retryMaxTime, !(retryMaxTime > 0 && retryMaxTime.isFinite) {
            throw ValidationError("--retry-max-time must be a positive number of seconds")
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

    /// Gathers the account from flags, environment and config file, or fails with the exit
    /// status of CLI.md (78 for configuration).
    func resolve(diagnostics: Diagnostics) throws(Failure) -> Account {
        let sources = try AccountSources(
            configFlag: config, accountFlag: account, diagnostics: diagnostics)
        return try sources.account(from: self, diagnostics: diagnostics)
    }
}

/// One account, ready to connect: the settings and the deadline of the whole operation.
struct Account {
    var settings: ConnectionSettings
    var timeout: Double
    /// Whether logins read and write the per-server cache (`--no-cache` turns it off).
    var usesCache = true
    /// `--retry` and `--retry-max-time`.
    var retry = RetryPolicy()
    /// OMEMO: new devices of a contact are trusted until one is trusted by hand (`trust = blind`,
    /// the default); `trust = manual` in the config leaves every new device undecided.
    var blindTrust = true

    /// The deadline of the whole run: `--timeout`, or with retries `--retry-max-time`.
    func deadline() -> Deadline { .after(seconds: retry.maxTime ?? timeout) }

    /// The cache of this account's server, unless turned off.
    var serverCache: ServerCache? { usesCache ? ServerCache(settings: settings) : nil }
}
