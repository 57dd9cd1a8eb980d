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
    /// run fails with exit 75, so `--timeout` bounds a password command too.
    static func run(_ command: String, timeout: Double = 30, outputLimit: Int = 1 << 20) throws(Failure) -> Result {
        let deadline = Deadline.after(seconds: timeout)
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

        // A process group of its own, so a timeout can stop whatever it started too.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for arg in argv { free(arg) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        guard spawned == 0 else {
            throw Failure(.software, "cannot run /bin/sh: \(String(cString: strerror(spawned)))")
        }
        // Read both pipes with poll so a command that fills stderr cannot block on it
        // while we wait on stdout. Reading stops when both are closed, or once the command
        // itself has exited (something it left in the background may hold them open).
        var out: [UInt8] = []
        var err: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 16384)
        var status: Int32 = 0
        var exited = false
        while !open.isEmpty {
            if deadline.hasPassed {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                throw Failure(.tempFail, "the command did not finish within \(Int(timeout)) s and was stopped; check it, or raise --timeout")
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), exited ? 0 : min(deadline.pollTimeoutMilliseconds, 100))
            if ready == 0 {
                if exited { break }
                exited = waitpid(pid, &status, WNOHANG) == pid
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
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
        if !exited {
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        return Result(status: exitCode(fromWaitStatus: status), stdout: out, stderr: err)
    }

    /// A `waitpid` status as a shell reports it: the exit code, or 128 + N for signal N.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
