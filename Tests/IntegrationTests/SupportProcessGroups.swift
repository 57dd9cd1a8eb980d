import Foundation
import XCTest

/// Commands that the program under test started (`--exec`, `--password-command`), found by
/// the pid their shell wrote to a file, for checking that none is left running.
///
/// A leftover is also stopped here, before the harness waits for the program: that wait
/// lasts as long as anything holds the descriptors the test runner handed down, and a
/// leftover that the program failed to stop holds them for as long as it runs.
enum ProcessGroups {
    /// What still runs of the command whose shell had pid `shell`: its own process group,
    /// and the shell itself with the group it is in if it never got one of its own. Zombies
    /// (dead, waiting to be reaped) do not count.
    static func living(startedAs shell: Int32) -> [Int32] {
        var found = Set(living(in: shell))
        if let group = groupOf(shell), group != getpgrp() { found.formUnion(living(in: group)) }
        return found.sorted()
    }

    /// Waits until nothing of the command runs; fails the test after `timeout` seconds, and
    /// then kills what is left.
    static func assertGone(startedAs shell: Int32, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(timeout)
        var left = living(startedAs: shell)
        while !left.isEmpty && Date() < deadline {
            usleep(20_000)
            left = living(startedAs: shell)
        }
        XCTAssertEqual(left, [], "the command started as \(shell) still runs", file: file, line: line)
        for pid in left { kill(pid, SIGKILL) }
    }

    /// The number a command wrote to `file` (its `$$`), once it has; throws after `timeout`
    /// seconds.
    static func waitForPID(in file: URL, timeout: TimeInterval = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8), text.hasSuffix("\n"),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            usleep(20_000)
        }
        throw HarnessError.timedOut("no pid in \(file.path) after \(timeout)s")
    }

    /// The running (not zombie) processes of process group `group`.
    private static func living(in group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let fields = stat(pid) else { return false }
            return fields.state != "Z" && fields.group == group
        }
    }

    /// The group of `pid` while it runs (not a zombie).
    private static func groupOf(_ pid: Int32) -> Int32? {
        guard let fields = stat(pid), fields.state != "Z" else { return nil }
        return fields.group
    }

    /// From /proc/PID/stat: "PID (COMMAND) STATE PPID PGRP ..."; COMMAND may hold spaces.
    private static func stat(_ pid: Int32) -> (state: Substring, group: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.range(of: ")", options: .backwards)
        else { return nil }
        let fields = text[close.upperBound...].split(separator: " ")
        guard fields.count > 2, let group = Int32(fields[2]) else { return nil }
        return (fields[0], group)
    }
}

extension BackgroundCLI {
    /// Whether it exits within `timeout` seconds. Unlike `wait`, this neither kills it nor
    /// waits on what it left behind.
    func exits(within timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(20_000) }
        return !isRunning
    }
}
