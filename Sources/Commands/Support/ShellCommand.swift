import Glibc
import XMPPProtocol

/// Runs a user-supplied command with `/bin/sh -c` and captures its output: what
/// `--password-command` needs. Output is bounded so a runaway command cannot fill memory.
enum ShellCommand {
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    /// Runs `command`; past `timeout` seconds it is killed (with its process group) and the
    /// run fails with exit 75, so `--timeout` bounds a password command too, whether it
    /// hangs with its pipes open or closes them and goes on. SIGINT or SIGTERM meanwhile
    /// kill its group too, then end the program by that signal.
    static func run(_ command: String, timeout: Double = 30, outputLimit: Int = 1 << 20) throws(Failure) -> Result {
        try Signals.whileCatchingTermination { () throws(Failure) in
            try capture(command, deadline: .after(seconds: timeout), timeout: timeout, outputLimit: outputLimit)
        }
    }

    private static func capture(_ command: String, deadline: Deadline, timeout: Double, outputLimit: Int) throws(Failure) -> Result {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw Failure(.software, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The command gets no stdin: ours may be the message body, or a terminal to prompt on.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        let child: ShellProcess
        do {
            child = try ShellProcess(command, files: &actions)
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw Failure(.software, "cannot run /bin/sh: \(error.message)")
        }
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        func timedOut() -> Failure {
            child.killGroup()
            return Failure(.tempFail, "the command did not finish within \(Int(timeout)) s and was stopped; check it, or raise --timeout")
        }
        func interrupted() -> Never {
            child.killGroup()
            Signals.endByRequestedSignal()
        }

        // Read both pipes with poll so a command that fills stderr cannot block on it
        // while we wait on stdout. Reading stops when both are closed, or once the command
        // itself has exited (something it left in the background may hold them open).
        var out: [UInt8] = []
        var err: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 16384)
        var status: Int32?
        while !open.isEmpty {
            if Signals.terminationRequested { interrupted() }
            if deadline.hasPassed { throw timedOut() }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: Signals.wakeupDescriptor ?? -1, events: Int16(POLLIN), revents: 0))
            let ready = poll(&fds, nfds_t(fds.count), status != nil ? 0 : min(deadline.pollTimeoutMilliseconds, 100))
            if ready == 0 {
                if status != nil { break }
                status = child.exitStatusIfExited()
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds.last!.revents != 0 { Signals.drainWakeup() }
            for entry in fds.dropLast() where entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(entry.fd, $0.baseAddress, $0.count) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == outPipe[0] {
                    if out.count < outputLimit { out.append(contentsOf: buffer[0..<n]) }
                } else if err.count < outputLimit {
                    err.append(contentsOf: buffer[0..<n])
                }
            }
        }
        if status == nil {
            // Both pipes are closed, but the command may go on without them: this wait has
            // the deadline too.
            switch child.wait(until: deadline) {
            case .exited(let code): status = code
            case .timedOut: throw timedOut()
            case .interrupted: interrupted()
            }
        }
        return Result(status: status ?? 0, stdout: out, stderr: err)
    }
}
