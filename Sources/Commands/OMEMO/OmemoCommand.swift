import ArgumentParser
import XMPPProtocol

/// `xmpp-cli omemo`: this account's OMEMO device, its contacts' devices, and trust (CLI.md).
public struct OmemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "omemo",
        abstract: "Show OMEMO fingerprints and devices; trust or distrust a contact's device.",
        discussion: """
            The account's OMEMO device (identity key, pre-keys, sessions, trust) is kept in \
            $XDG_DATA_HOME/xmpp-cli/omemo/JID/ and published on first use. Fingerprints are 8 groups \
            of 8 hex digits, as Conversations shows them; a FINGERPRINT argument may be written in any \
            case, with or without spaces, colons or the 05 type prefix. Trust is blind before \
            verification: a contact's new devices are trusted until one of the contact's devices is \
            trusted by hand, after which new ones are not until trusted (trust = manual in the config \
            section: never blindly).
            """,
        subcommands: [Fingerprint.self, Devices.self, Trust.self, Distrust.self])

    @OptionGroup var connection: ConnectionOptions

    public init() {}
}

extension OmemoCommand {
    struct Fingerprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fingerprint", abstract: "Print this device's fingerprint (publishing the device first if needed).")
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                let account = try connection.resolve(diagnostics: diagnostics)
                let omemo = try OMEMOAccount(account: account, diagnostics: diagnostics, deadline: account.deadline())
                try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                    try omemo.publish(session: session, deadline: deadline)
                }
                StandardOutput.writeLine(omemo.fingerprint)
            }
        }
    }

    struct Devices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "devices", abstract: "List the OMEMO devices of JIDs (default: the account's own), with fingerprints and trust.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Whose devices (bare JIDs).") var jids: [String] = []
        @Option(help: "Output format: text (a table on a terminal, tab-separated otherwise) or json (JSON Lines).")
        var format: OutputFormat = .text

        func run() throws {
            let diagnostics = connection.diagnostics
            try CommandRunner.run(diagnostics) { () throws(Failure) in
                let account = try connection.resolve(diagnostics: diagnostics)
                let targets = jids.isEmpty ? [account.settings.jid.bare] : try MessageInput.recipients(jids).map(\.bare)
                let omemo = try OMEMOAccount(account: account, diagnostics: diagnostics, deadline: account.deadline())
                var reports: [OMEMODeviceReport] = []
                try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                    try omemo.publish(session: session, deadline: deadline)
                    reports = try omemo.deviceReports(for: targets, session: session, deadline: deadline)
                }
                for target in targets where !reports.contains(where: { $0.address.jid == target.description }) {
                    diagnostics.progress("\(target) shows no OMEMO device")
                }
                Self.print(reports, format: format)
            }
        }

        static func print(_ reports: [OMEMODeviceReport], format: OutputFormat) {
            func trust(_ report: OMEMODeviceReport) -> String { report.isThisDevice ? "own" : report.level?.rawValue ?? "unknown" }
            switch format {
            case .json:
                for report in reports {
                    var members: [(StaticString, JSONValue)] = [
                        ("jid", .string(report.address.jid)), ("device", .number(Int(report.address.device))),
                        ("fingerprint", .optional(report.fingerprint)), ("trust", .string(trust(report))),
                    ]
                    if let problem = report.problem { members.append(("error", .string(problem))) }
                    StandardOutput.writeLine(JSONValue.object(members).encoded)
                }
            case .text:
                var table = Table(header: ["JID", "DEVICE", "FINGERPRINT", "TRUST"])
                table.rows = reports.map {
                    [$0.address.jid, String($0.address.device), $0.fingerprint ?? "(\($0.problem ?? "unknown"))", trust($0)]
                }
                for line in table.render(aligned: StandardOutput.isTerminal) { StandardOutput.writeLine(line) }
            }
        }
    }

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trust", abstract: "Trust a contact's device: messages are encrypted to it.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact (bare JID).") var jid: String
        @Argument(help: "The device's fingerprint.") var fingerprint: String

        func run() throws { try OmemoCommand.setTrust(.trusted, jid: jid, fingerprint: fingerprint, connection: connection) }
    }

    struct Distrust: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "distrust", abstract: "Distrust a contact's device: nothing is encrypted to it again.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The contact (bare JID).") var jid: String
        @Argument(help: "The device's fingerprint.") var fingerprint: String

        func run() throws { try OmemoCommand.setTrust(.distrusted, jid: jid, fingerprint: fingerprint, connection: connection) }
    }

    /// Sets the trust of the device of `jid` with `fingerprint`: from what the store knows, or
    /// else after asking the server for the contact's devices.
    static func setTrust(_ level: OMEMOTrust.Level, jid text: String, fingerprint text2: String, connection: ConnectionOptions) throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            guard let fingerprint = OMEMOTrust.normalized(text2) else {
                throw Failure(.dataError, "'\(text2)' is not a fingerprint (64 hexadecimal digits, as omemo devices shows them)")
            }
            let jid = try MessageInput.recipients([text]).map(\.bare)[0]
            let account = try connection.resolve(diagnostics: diagnostics)
            let omemo = try OMEMOAccount(account: account, diagnostics: diagnostics, deadline: account.deadline())
            var count = try omemo.update(deadline: account.deadline()) { () throws(Failure) in omemo.setTrust(level, jid: jid, fingerprint: fingerprint) }
            if count == 0 {
                try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                    _ = try omemo.deviceReports(for: [jid], session: session, deadline: deadline)
                }
                count = try omemo.update(deadline: account.deadline()) { () throws(Failure) in omemo.setTrust(level, jid: jid, fingerprint: fingerprint) }
            }
            guard count > 0 else {
                throw Failure(.dataError, "no device of \(jid) has the fingerprint \(fingerprint) (see xmpp-cli omemo devices \(jid))")
            }
            diagnostics.progress("\(level == .trusted ? "trusted" : "distrusted") \(count) device(s) of \(jid)")
        }
    }
}
