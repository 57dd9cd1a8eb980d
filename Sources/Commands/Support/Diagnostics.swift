import Glibc
import XMPPProtocol

/// Everything a command writes to stderr: errors always, progress with `-v`, the XML trace
/// with `-vv`, nothing else with `-q`.
public struct Diagnostics: Sendable {
    public enum Level: Int, Comparable, Sendable {
        case quiet, normal, verbose, trace
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public var level: Level

    public init(level: Level) { self.level = level }

    /// One line, prefixed with the program's name.
    public func error(_ message: String) {
        Self.write("xmpp-cli: \(Self.singleLine(message))\n")
    }

    /// A warning: shown unless `-q`.
    public func warning(_ message: String) {
        guard level >= .normal else { return }
        Self.write("xmpp-cli: warning: \(Self.singleLine(message))\n")
    }

    /// A hint for a person at the terminal: shown unless `-q`.
    public func hint(_ message: String) {
        guard level >= .normal else { return }
        Self.write("xmpp-cli: \(Self.singleLine(message))\n")
    }

    public func progress(_ message: String) {
        guard level >= .verbose else { return }
        Self.write("xmpp-cli: \(Self.singleLine(message))\n")
    }

    /// The tracer handed to the core, or nil when nothing would be shown.
    public var tracer: Tracer? {
        switch level {
        case .quiet, .normal:
            return nil
        case .verbose:
            return { event in
                if case .stage(let text) = event { Self.write("xmpp-cli: \(Self.singleLine(text))\n") }
            }
        case .trace:
            return { event in
                switch event {
                case .stage(let text): Self.write("xmpp-cli: \(Self.singleLine(text))\n")
                case .sent(let xml): Self.write("SEND \(XMLEscaping.forDisplay(xml))\n")
                case .received(let xml): Self.write("RECV \(XMLEscaping.forDisplay(xml))\n")
                case .fact: break  // for reports; the stages say it in words
                }
            }
        }
    }

    /// Error messages stay on one line whatever the server put in them, and carry nothing a
    /// terminal acts on (`TerminalText`).
    static func singleLine(_ text: String) -> String {
        TerminalText.escape(text)
    }

    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
