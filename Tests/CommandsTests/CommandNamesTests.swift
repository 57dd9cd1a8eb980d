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
