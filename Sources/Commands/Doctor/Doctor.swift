import ArgumentParser
import Glibc
import XMPPProtocol

/// `xmpp-cli doctor`: what is wrong with a server or an account, in one report (CLI.md).
public struct Doctor: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a server's DNS, TLS, certificate and features, and with an account a login.",
        discussion: """
            Checks DNS (SRV records for STARTTLS and direct TLS, each target's addresses), then \
            each endpoint at each of its addresses: TCP connect time, TLS version, cipher and ALPN, the certificate's names, \
            chain and days to expiry, and the stream features before and after TLS (STARTTLS, SASL \
            mechanisms, channel-binding types, SASL2 and FAST, stream limits). With the account's \
            credentials (from the usual sources; without them this part is skipped and the report \
            says why) it logs in, timing each phase, and reports the bound JID, the server's \
            software, its features and services and a ping, and which of XEP-0479's requirements \
            the server meets. Each line is ok, warn or fail; an optional feature the server lacks \
            is shown as missing, which is neither. With --server, DNS is not checked. Exit status: \
            0 when nothing failed, else the exit code of the first failure's class; with \
            --nagios, 0/1/2/3 (OK, WARNING, CRITICAL, UNKNOWN).
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("The domain to check (default: the account's).", valueName: "DOMAIN"))
    var domain: String?

    @Option(help: "Output format: text (an aligned report) or json (one document).")
    var format: OutputFormat = .text

    @Flag(help: "Print one Nagios line with perfdata and exit 0/1/2/3 (OK/WARNING/CRITICAL/UNKNOWN).")
    var nagios = false

    @Option(name: .customLong("warn-days"), help: ArgumentHelp("Warn when the certificate expires within N days (default 14).", valueName: "N"))
    var warnDays = 14

    @Option(name: .customLong("crit-days"), help: ArgumentHelp("Fail when the certificate expires within N days (default 3).", valueName: "N"))
    var critDays = 3

    public init() {}

    public mutating func validate() throws {
        guard warnDays >= 0, critDays >= 0 else { throw ValidationError("--warn-days and --crit-days take a number of days, 0 or more") }
        if nagios && format == .json { throw ValidationError("--nagios and --format json cannot be combined") }
    }

    public func run() throws {
        let diagnostics = connection.diagnostics
        do {
            let report = try makeReport(diagnostics: diagnostics)
            if nagios {
                StandardOutput.writeLine(DoctorOutput.nagios(report, warnDays: warnDays, critDays: critDays))
                throw ExitCode(report.nagiosStatus)
            }
            switch format {
            case .text:
                let colour = FileInput.environment("NO_COLOR") == nil && StandardOutput.isTerminal
                StandardOutput.writeLine(DoctorOutput.text(report, colour: colour))
            case .json:
                StandardOutput.writeLine(DoctorOutput.json(report))
            }
            if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
        } catch let failure as Failure {
            if nagios {
                StandardOutput.writeLine(TerminalText.escape("XMPP UNKNOWN - \(failure.message)"))
                throw ExitCode(3)
            }
            diagnostics.error(failure.message)
            throw ExitCode(failure.status.rawValue)
        }
    }

    private func makeReport(diagnostics: Diagnostics) throws(Failure) -> DoctorReport {
        let sources = try AccountSources(configFlag: connection.config, accountFlag: connection.account, diagnostics: diagnostics)
        let jid = try sources.givenJID(connection)
        let checked: JID
        if let domain {
            do throws(JIDError) {
                checked = try JID(domain)
            } catch {
                throw Failure(.dataError, "DOMAIN \(error.message(forJID: domain))")
            }
            guard checked.localpart == nil, checked.resourcepart == nil else {
                throw Failure(.dataError, "DOMAIN \(domain) is an address, not a domain")
            }
        } else if let jid {
            checked = jid.domain
        } else {
            throw Failure(.usage, "give a DOMAIN to check, or an account (--jid)")
        }
        // The login part needs the account's credentials, for an account on this domain.
        var login: Account?
        var skipped: String?
        if let jid, jid.domainpart == checked.domainpart {
            do throws(Failure) {
                login = try sources.account(from: connection, diagnostics: diagnostics)
            } catch {
                skipped = error.message
            }
        } else {
            skipped = jid == nil ? "no account given (--jid, XMPP_JID or the config file)" : "the account \(jid!) is not on \(checked)"
        }
        let server: Account
        if let login { server = login } else { server = try sources.serverOnly(checked, options: connection, diagnostics: diagnostics) }
        let deadline = server.deadline()
        var report = DoctorReport(domain: checked.domainpart)

        let endpoints: [Endpoint]
        if let given = server.settings.server {
            report.section("DNS")
            report.add(.info, "DNS", "not checked: --server \(given) was given")
            endpoints = try Self.givenEndpoints(given, mode: server.settings.tlsMode, domain: checked.domainpart)
        } else {
            endpoints = DoctorDNS.check(checked.domainpart, into: &report, deadline: deadline)
        }
        let outcome = DoctorEndpoints(account: server, warnDays: warnDays, critDays: critDays)
            .check(endpoints, into: &report, deadline: deadline)
        var features: ServerFeatures?
        if let login {
            features = DoctorLogin(account: login).check(into: &report, deadline: deadline)
        } else {
            report.section("login")
            report.add(.info, "login", "skipped: \(skipped ?? "no account")")
        }
        DoctorCompliance.summarize(
            tls: outcome.firstWorking != nil, directTLS: outcome.directTLSWorks, features: features, into: &report)
        return report
    }

    /// The endpoints `--server` names, as every command would use them.
    private static func givenEndpoints(_ server: String, mode: TLSMode, domain: String) throws(Failure) -> [Endpoint] {
        do throws(EndpointError) {
            return try EndpointResolver.fallbackEndpoints(domain: domain, server: server, mode: mode)
        } catch {
            throw Failure(.usage, error.message)
        }
    }
}
