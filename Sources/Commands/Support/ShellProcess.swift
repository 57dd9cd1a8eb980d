import Glibc
import XMPPProtocol

/// A command run with `/bin/sh -c` in a process group of its own (so that stopping it
/// stops whatever it started too), with default signal dispositions and no signal blocked.
/// Every wait for it has a deadline and ends early on SIGINT or SIGTERM.
final class ShellProcess {
    enum Outcome: Equatable {
        /// Its exit status as a shell reports it (128 + N for signal N).
        case exited(Int32)
        /// Still running at the deadline.
        case timedOut
        /// Still running when the program was asked to end.
        case interrupted
    }

    let pid: pid_t
    private var reaped = false

    /// Starts `command`; `files` sets up its descriptors, `environment` (`NAME=value`
    /// strings) replaces ours when given. Throws the `posix_spawn` error number.
    init(_ command: String, files: UnsafePointer<posix_spawn_file_actions_t>, environment: [String]? = nil) throws(SpawnError) {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        let fresh = Signals.startChildAfresh(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP) | fresh)

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp ?? [] { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = envp.map { posix_spawn(&pid, "/bin/sh", files, &attributes, argv, $0) }
            ?? posix_spawn(&pid, "/bin/sh", files, &attributes, argv, environ)
        guard spawned == 0 else { throw SpawnError(code: spawned) }
        self.pid = pid
        Signals.watchChildGroup(pid)
    }

    struct SpawnError: Error {
        var code: Int32
        var message: String { String(cString: strerror(code)) }
    }

    deinit {
        // Never left behind as a zombie, nor running unwatched.
        if !reaped { killGroup() }
    }

    /// Waits for the shell to exit, up to `deadline` or a termination request.
    func wait(until deadline: Deadline) -> Outcome {
        // Checked often at first, so a quick command costs no more than a millisecond or so,
        // then every tenth of a second; a signal ends the wait at once.
        var interval = 0.001
        while true {
            if let status = exitStatusIfExited() { return .exited(status) }
            if Signals.terminationRequested { return .interrupted }
            if deadline.hasPassed { return .timedOut }
            Signals.wait(until: deadline, atMost: interval)
            interval = min(interval * 2, 0.1)
        }
    }

    /// Stops the whole process group: SIGTERM, up to `grace` seconds for the shell to end,
    /// then SIGKILL for whatever of the group is left. Reaps the shell.
    func stopGroup(grace: Double) {
        guard !reaped else { return }
        kill(-pid, SIGTERM)
        let deadline = Deadline.after(seconds: grace)
        var interval = 0.001
        // The shell is not reaped before the SIGKILL: while it exists (a zombie at least),
        // its process group id cannot pass to an unrelated process.
        while !hasExited() && !deadline.hasPassed {
            // A plain sleep: the grace is short, and it must run its course when the
            // program is ending too.
            _ = poll(nil, 0, Int32(max(1, interval * 1000)))
            interval = min(interval * 2, 0.1)
        }
        killGroup()
    }

    /// SIGKILL to the whole group, then reaps the shell.
    func killGroup() {
        guard !reaped else { return }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        finish()
    }

    /// The exit status once the shell has exited (it is then reaped), nil while it runs.
    func exitStatusIfExited() -> Int32? {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, WNOHANG) } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        finish()
        return Self.exitCode(fromWaitStatus: status)
    }

    /// Whether the shell has exited, leaving it to be reaped.
    private func hasExited() -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return true }
        return info._sifields._sigchld.si_pid == pid
    }

    private func finish() {
        reaped = true
        Signals.watchChildGroup(nil)
    }

    /// A `waitpid` status as a shell reports it: the exit code, or 128 + N for signal N.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
