import Glibc

/// `listen --exec CMD`: runs CMD with `/bin/sh -c` for one message, body on its stdin and
/// the message's addresses in its environment; its output goes where ours goes.
enum ExecCommand {
    /// Runs the command to completion; returns its exit status (128+N for a signal).
    static func run(_ command: String, stdin body: String, environment extra: [String: String]) -> Int32 {
        // The body goes through an unlinked temporary file, not a pipe: a command that never
        // reads its stdin cannot then block us on a full pipe.
        var template = Array(((FileInput.environment("TMPDIR") ?? "/tmp") + "/xmpp-cli-body.XXXXXX").utf8CString)
        let input = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard input >= 0 else { return 127 }
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        defer { close(input) }
        var bytes = Array(body.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(input, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return 127 }
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

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return ShellCommand.exitCode(fromWaitStatus: status)
    }
}
