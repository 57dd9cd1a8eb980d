import Glibc
import XMPPProtocol

/// Where the password comes from, first that applies: `--password-file`,
/// `--password-command`, `XMPP_PASSWORD`, the account's `password`, `password-file` or
/// `password-command` in the config file, then a prompt when stdin is a terminal.
/// Never argv: a password there is visible to every user of the machine.
enum PasswordSource {
    struct ConfigValues {
        var password: ConfigFile.Entry?
        var passwordFile: ConfigFile.Entry?
        var passwordCommand: ConfigFile.Entry?
        var path: String
    }

    static func password(
        file: String?, command: String?, config: ConfigValues?, account: String,
        interactive: Bool = FileInput.isTerminal(0), timeout: Double = 30
    ) throws(Failure) -> String {
        if let file { return try fromFile(file) }
        if let command { return try fromCommand(command, what: "--password-command", timeout: timeout) }
        if let value = FileInput.environment("XMPP_PASSWORD") { return value }
        if let config {
            let given = [config.password, config.passwordFile, config.passwordCommand].compactMap { $0 }
            if given.count > 1 {
                throw Failure(.config, "\(config.path) line \(given[1].line): give only one of password, password-file and password-command")
            }
            if let entry = config.password {
                guard !entry.value.isEmpty else { throw Failure(.config, "\(config.path) line \(entry.line): the password is empty") }
                return entry.value
            }
            if let entry = config.passwordFile { return try fromFile(ConfigPaths.expand(entry.value)) }
            if let entry = config.passwordCommand {
                return try fromCommand(entry.value, what: "password-command of \(config.path) line \(entry.line)", timeout: timeout)
            }
        }
        if interactive, let typed = try PasswordPrompt.ask("Password for \(account): ") {
            return typed
        }
        throw Failure(.config, "no password for \(account): set XMPP_PASSWORD, give --password-file or --password-command, or add one to the config file")
    }

    /// The first line of a password file (`kind` names it in messages), after the checks of
    /// `SecretFile` and a mode readable by the owner only.
    static func fromFile(_ path: String, kind: String = "password file") throws(Failure) -> String {
        let file = try SecretFile.read(path, kind: kind, limit: 64 << 10)
        try FilePermissions.checkPasswordFile(file)
        return try firstLine(file.bytes, source: "\(kind) \(path)")
    }

    /// Runs the command; its failure shows its stderr, never its stdout (which may hold
    /// part of a password).
    static func fromCommand(_ command: String, what: String, timeout: Double = 30) throws(Failure) -> String {
        let result: ShellCommand.Result
        do {
            result = try ShellCommand.run(command, timeout: timeout)
        } catch {
            throw Failure(error.status, "\(what): \(error.message)")
        }
        guard result.status == 0 else {
            let stderr = Diagnostics.singleLine(String(decoding: result.stderr, as: UTF8.self)).trimmingXMLWhitespace()
            let detail = stderr.isEmpty ? "" : ": \(stderr)"
            throw Failure(.config, "\(what) failed with exit status \(result.status)\(detail)")
        }
        return try firstLine(result.stdout, source: "the output of \(what)")
    }

    /// The first line, without its line ending; an empty one is an error.
    static func firstLine(_ bytes: [UInt8], source: String) throws(Failure) -> String {
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
        guard let password = String(validating: trimmed, as: UTF8.self) else {
            throw Failure(.config, "the password from \(source) is not valid UTF-8")
        }
        guard !password.isEmpty else {
            throw Failure(.config, "the password from \(source) is empty")
        }
        return password
    }
}

/// The output of `--password-command` is the password: a result shows only its size.
extension ShellCommand.Result: SecretHolding {
    var visibleFields: KeyValuePairs<String, Any> {
        ["status": status, "stdout": "\(stdout.count) bytes", "stderr": "\(stderr.count) bytes"]
    }
}

extension FileInput {
    static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }
}

/// Paths written in the config file may start with `~/`.
enum ConfigPaths {
    static func expand(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = FileInput.environment("HOME") else { return path }
        return home + path.dropFirst()
    }
}
