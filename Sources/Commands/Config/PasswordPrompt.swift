import Glibc
import XMPPProtocol

/// Asks for the password on the terminal without echoing it, as `ssh` and `sudo` do.
/// Used only when stdin is a terminal and no other source gave a password.
///
/// SIGINT (Ctrl-C) or SIGTERM at the prompt gives the terminal its echo back, moves to a
/// fresh line, and ends the program by that signal (a shell reports 130 or 143).
enum PasswordPrompt {
    /// As long as the answer may take, like sudo's `passwd_timeout`: every wait has a deadline.
    static let answerSeconds = 300.0

    /// `nil` when there is no terminal to ask on.
    static func ask(_ prompt: String) throws(Failure) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)

        return try Signals.whileCatchingTermination { () throws(Failure) -> String? in
            // Echo goes off before the prompt appears, as getpass(3) does: an answer typed as
            // soon as the prompt shows must neither be echoed nor flushed away by TCSAFLUSH.
            guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { return nil }
            defer { _ = tcsetattr(fd, TCSAFLUSH, &original) }
            write(fd, prompt)
            guard let line = readLine(fd, deadline: .after(seconds: answerSeconds)) else {
                // Now, not deferred: ending by a signal runs no deferred code.
                _ = tcsetattr(fd, TCSAFLUSH, &original)
                write(fd, "\n")  // no Enter was echoed
                if Signals.terminationRequested { Signals.endByRequestedSignal() }
                throw Failure(.config, "no password entered within \(Int(answerSeconds / 60)) minutes")
            }
            guard let password = String(validating: line, as: UTF8.self), !password.isEmpty else {
                throw Failure(.config, "no password entered")
            }
            return password
        }
    }

    /// The line typed (up to Enter or end of file, without the line ending); nil when a
    /// signal asked the program to end, or `deadline` passed, first.
    private static func readLine(_ fd: Int32, deadline: Deadline) -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            if Signals.terminationRequested || deadline.hasPassed { return nil }
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: Signals.wakeupDescriptor ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&fds, 2, deadline.pollTimeoutMilliseconds) > 0 else { continue }
            if fds[1].revents != 0 { Signals.drainWakeup() }
            guard fds[0].revents != 0 else { continue }
            let n = read(fd, &byte, 1)
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            if line.count < 4096 { line.append(byte) }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(fd, &bytes, bytes.count)
    }
}
