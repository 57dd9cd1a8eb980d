import Glibc

/// Asks for the password on the terminal without echoing it, as `ssh` and `sudo` do.
/// Used only when stdin is a terminal and no other source gave a password.
enum PasswordPrompt {
    /// The terminal settings to restore if the user interrupts the prompt.
    nonisolated(unsafe) private static var savedTerminal = termios()
    nonisolated(unsafe) private static var terminalDescriptor: Int32 = -1

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

        savedTerminal = original
        terminalDescriptor = fd
        let previous = signal(SIGINT) { signalNumber in
            // Give the terminal its echo back before dying of the signal.
            _ = tcsetattr(PasswordPrompt.terminalDescriptor, TCSAFLUSH, &PasswordPrompt.savedTerminal)
            signal(signalNumber, SIG_DFL)
            raise(signalNumber)
        }
        defer {
            _ = tcsetattr(fd, TCSAFLUSH, &original)
            signal(SIGINT, previous)
            terminalDescriptor = -1
        }
        // Echo goes off before the prompt appears, as getpass(3) does: an answer typed as
        // soon as the prompt shows must neither be echoed nor flushed away by TCSAFLUSH.
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { return nil }
        write(fd, prompt)

        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            if line.count < 4096 { line.append(byte) }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard let password = String(validating: line, as: UTF8.self), !password.isEmpty else {
            throw Failure(.config, "no password entered")
        }
        return password
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(fd, &bytes, bytes.count)
    }
}
