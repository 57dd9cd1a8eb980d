import ArgumentParser
import XCTest

@testable import Commands

/// Every command names itself in its configuration. Without a name, swift-argument-parser
/// derives one from the type's name with `String(describing:)` at every start, a dynamic
/// cast that scans every protocol conformance in the binary: almost a millisecond of each
/// run (bench/startup).
final class CommandNamesTests: XCTestCase {
    func testEveryCommandHasAnExplicitName() {
        var unnamed: [String] = []
        var count = 0
        func visit(_ command: ParsableCommand.Type) {
            count += 1
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            command.configuration.subcommands.forEach(visit)
        }
        visit(XMPPCLI.self)
        XCTAssertEqual(unnamed, [], "commands without a commandName in their configuration")
        XCTAssertGreaterThan(count, 10, "the walk missed the subcommands")
    }
}

/// `XMPPCLI.parseCommandLine`: a command line that names a subcommand is parsed by it alone,
/// and gives the command the whole tree's parse gives; anything else is the root's parse,
/// with the root's errors.
final class CommandLineParseTests: XCTestCase {
    private func root(_ arguments: [String]) -> String {
        do { return "\(try XMPPCLI.parseAsRoot(arguments))" } catch { return "error: \(XMPPCLI.fullMessage(for: error)) \(XMPPCLI.exitCode(for: error))" }
    }

    private func quick(_ arguments: [String]) -> String {
        do { return "\(try XMPPCLI.parseCommandLine(arguments))" } catch { return "error: \(XMPPCLI.fullMessage(for: error)) \(XMPPCLI.exitCode(for: error))" }
    }

    func testEachCommandLineGivesWhatTheRootParseGives() {
        let lines: [[String]] = [
            ["send", "-j", "alice@example.com", "-m", "hi", "bob@example.com"],
            ["send", "--room", "room@muc.example.com", "-m", "hi"],
            ["presence", "set", "--show", "away"],
            ["roster", "list", "--format", "json"],
            ["listen", "--format", "json", "--reconnect"],
            ["raw", "--stage", "tls"],
            ["send", "--help"], ["presence", "--help"], ["send", "--no-such-option"], ["send", "--version"],
            ["--version"], ["--help"], [], ["help", "send"], ["sned", "-m", "hi"], ["roster", "nothing"],
        ]
        for line in lines {
            XCTAssertEqual(quick(line), root(line), "\(line)")
        }
    }

    func testASubcommandsCommandLineIsParsedAsThatSubcommand() throws {
        let command = try XMPPCLI.parseCommandLine(["send", "-m", "hi", "bob@example.com"])
        XCTAssertTrue(command is Send, "\(type(of: command))")
    }
}
