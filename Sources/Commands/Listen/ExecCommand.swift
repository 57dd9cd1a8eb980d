import Glibc
import XMPPProtocol

/// `listen --exec CMD`: runs CMD with `/bin/sh -c` for one message, body on its stdin and
/// the message's addresses in its environment; its output goes where ours goes.
enum ExecCommand {
    /// How long a command that ran out of time, or that the program ends, gets between
    /// SIGTERM and SIGKILL.
    static let graceSeconds = 2.0

    /// Runs the command for up to `timeout` seconds. One that runs out of time, or that is
    /// still running when SIGINT or SIGTERM asks the program to end, is stopped with its
    /// whole process group: SIGTERM, then SIGKILL after `graceSeconds`.
    static func run(_ command: String, stdin body: String, environment extra: [String: String], timeout: Double) -> ShellProcess.Outcome {
        // Nothing new starts once the program is ending.
        guard !Signals.terminationRequested else { return .interrupted }
        // The body goes through an unlinked temporary file, not a pipe: a command that never
        // reads its stdin cannot then block us on a full pipe.
        var template = Array(((FileInput.environment("TMPDIR") ?? "/tmp") + "/xmpp-cli-body.XXXXXX").utf8CString)
        let input = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard input >= 0 else { return .exited(127) }
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        defer { close(input) }
        var bytes = Array(body.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(input, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return .exited(127) }
            offset += n
        }
        lseek(input, 0, SEEK_SET)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)

        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if extra[name] == nil && !name.hasPrefix("XMPP_") { environment.append(text) }
            index += 1
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) { environment.append("\(name)=\(value)") }

        guard let child = try? ShellProcess(command, files: &actions, environment: environment) else { return .exited(127) }
        let outcome = child.wait(until: .after(seconds: timeout))
        if case .exited = outcome { return outcome }
        child.stopGroup(grace: graceSeconds)
        return outcome
    }
}
