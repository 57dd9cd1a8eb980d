import Foundation
import XCTest

/// The committed man pages and completion scripts are what the current binary generates
/// (`make generated` refreshes them), and the completion scripts complete in the shells.
final class GeneratedFilesTests: XCTestCase {
    func testCommittedManPagesAndCompletionsAreWhatTheBinaryGenerates() throws {
        let scratch = try makeScratchDirectory()
        // The first run builds swift-argument-parser's generate-manual tool.
        let generation = try runProcess(
            SupportPaths.bash,
            [SupportPaths.generateDocs.path, "--binary", try SupportPaths.cliBinary().path, "--output", scratch.path],
            timeout: 900, outputIn: scratch)
        XCTAssertEqual(generation.exitCode, 0, "scripts/generate-docs failed: \(generation.stderr)")
        guard generation.exitCode == 0 else { return }

        for folder in ["man", "completions"] {
            let committed = try generatedFiles(in: SupportPaths.packageRoot.appendingPathComponent(folder))
            let fresh = try generatedFiles(in: scratch.appendingPathComponent(folder))
            XCTAssertEqual(
                committed.keys.sorted(), fresh.keys.sorted(),
                "\(folder)/ does not hold the files the binary generates; run `make generated`")
            XCTAssertFalse(fresh.isEmpty, "nothing was generated in \(folder)/")
            for (name, text) in fresh {
                guard let old = committed[name] else { continue }
                XCTAssertTrue(
                    old == text,
                    "\(folder)/\(name) differs from what the binary generates (\(firstDifference(old, text))); run `make generated`")
            }
        }
    }

    func testManPagesCoverEverySubcommandAndTheExitStatusTable() throws {
        let page = try String(
            contentsOf: SupportPaths.packageRoot.appendingPathComponent("man/xmpp-cli.1"), encoding: .utf8)
        for name in try subcommandNames() {
            XCTAssertTrue(page.contains(".It Em \(name)\n"), "xmpp-cli.1 does not describe \(name)")
            XCTAssertTrue(page.contains(".Xr xmpp-cli-\(name) 1"), "xmpp-cli.1 does not refer to xmpp-cli-\(name)(1)")
            XCTAssertTrue(
                FileManager.default.fileExists(
                    atPath: SupportPaths.packageRoot.appendingPathComponent("man/xmpp-cli-\(name).1").path),
                "no man/xmpp-cli-\(name).1")
        }
        for code in [0, 1, 64, 65, 66, 69, 70, 74, 75, 76, 77, 78] {
            XCTAssertTrue(page.contains("\n.It \(code)\n"), "the exit status table of xmpp-cli.1 lacks \(code)")
        }
        let version = try runCLI(["--version"])
        XCTAssertTrue(page.contains(".Os xmpp-cli \(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\n"))
    }

    /// bash as it calls a completion function on TAB: the subcommands for `r`, and the
    /// account names of the config file (the environment's, or the one --config names).
    func testBashCompletesSubcommandsAndAccountNames() throws {
        let scratch = try makeScratchDirectory()
        let ownConfig = try writeConfig("[default]\njid = a@example.org\n[alerts]\njid = b@example.org\n", in: scratch, name: "config")
        let otherConfig = try writeConfig("[alpha]\njid = c@example.org\n[beta]\njid = d@example.org\n", in: scratch, name: "other")
        let script = """
            source "$1"
            complete -p xmpp-cli
            offer() {
                COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
                read -ra COMP_WORDS <<< "$COMP_LINE"
                [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
                _xmpp-cli xmpp-cli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
                printf '%s=%s\\n' "$1" "$(printf '%s\\n' "${COMPREPLY[@]}" | sort | paste -sd ' ')"
            }
            offer 'xmpp-cli r'
            offer 'xmpp-cli send -a '
            offer 'xmpp-cli presence set --account d'
            offer "xmpp-cli roster list --config $2 -a "
            """
        let result = try runShell(
            SupportPaths.bash, ["-c", script, "bash", completionScript("xmpp-cli.bash").path, otherConfig.path],
            config: ownConfig, scratch: scratch)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("-F _xmpp-cli xmpp-cli"), "not registered: \(result.stdout)")
        let offers = Dictionary(
            result.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let equals = line.firstIndex(of: "=") else { return nil }
                return (String(line[..<equals]), String(line[line.index(after: equals)...]))
            }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(offers["xmpp-cli r"], try subcommandNames().filter { $0.hasPrefix("r") }.joined(separator: " "))
        XCTAssertEqual(offers["xmpp-cli send -a "], "alerts default")
        XCTAssertEqual(offers["xmpp-cli presence set --account d"], "default")
        XCTAssertEqual(offers["xmpp-cli roster list --config \(otherConfig.path) -a "], "alpha beta")
    }

    func testFishCompletesSubcommands() throws {
        let scratch = try makeScratchDirectory()
        let config = try writeConfig("[default]\n", in: scratch, name: "config")
        let script = "source $argv[1]; complete -C 'xmpp-cli r'"
        let result = try runShell(
            SupportPaths.fish, ["--no-config", "-c", script, completionScript("xmpp-cli.fish").path],
            config: config, scratch: scratch)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let offered = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }.sorted()
        XCTAssertEqual(offered, try subcommandNames().filter { $0.hasPrefix("r") })
    }

    // MARK: Helpers

    /// The subcommands of the built binary, from its own description of its arguments.
    private func subcommandNames() throws -> [String] {
        let dump = try runCLI(["--experimental-dump-help"])
        XCTAssertEqual(dump.exitCode, 0, dump.summary)
        let root = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        let command = root?["command"] as? [String: Any]
        let subcommands = command?["subcommands"] as? [[String: Any]] ?? []
        let names = subcommands.compactMap { $0["commandName"] as? String }.filter { $0 != "help" }
        XCTAssertFalse(names.isEmpty, "no subcommands in \(dump.stdout.prefix(200))")
        return names.sorted()
    }

    private func generatedFiles(in folder: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
                continue  // man/sections: the hand-written sources
            }
            files[name] = try String(contentsOf: url, encoding: .utf8)
        }
        return files
    }

    private func firstDifference(_ old: String, _ new: String) -> String {
        let oldLines = old.components(separatedBy: "\n")
        let newLines = new.components(separatedBy: "\n")
        for index in 0..<max(oldLines.count, newLines.count) {
            let was = index < oldLines.count ? oldLines[index] : "(end of file)"
            let now = index < newLines.count ? newLines[index] : "(end of file)"
            if was != now { return "line \(index + 1): committed \"\(was)\", generated \"\(now)\"" }
        }
        return "no line differs"
    }

    private func completionScript(_ name: String) -> URL {
        SupportPaths.packageRoot.appendingPathComponent("completions/\(name)")
    }

    private func writeConfig(_ text: String, in folder: URL, name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url
    }

    /// Runs a shell with the built `xmpp-cli` first on PATH (completions run it for
    /// account names), `config` as the config file, and a home of its own.
    private func runShell(_ shell: URL, _ arguments: [String], config: URL, scratch: URL) throws -> ProcessOutcome {
        guard FileManager.default.isExecutableFile(atPath: shell.path) else {
            throw HarnessError.missing("\(shell.path); run scripts/install-deps")
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("XMPP_") }
        let binaries = try SupportPaths.cliBinary().deletingLastPathComponent().path
        environment["PATH"] = binaries + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["HOME"] = scratch.path
        environment["XDG_CONFIG_HOME"] = scratch.appendingPathComponent("xdg").path
        environment["XMPP_CLI_CONFIG"] = config.path
        return try runProcess(shell, arguments, environment: environment, timeout: 60, outputIn: scratch)
    }
}

extension SupportPaths {
    static let generateDocs = packageRoot.appendingPathComponent("scripts/generate-docs")
    static let install = packageRoot.appendingPathComponent("scripts/install")
    static let fish = URL(fileURLWithPath: "/usr/bin/fish")
}
