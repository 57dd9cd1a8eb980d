import Glibc
import XMPPProtocol

/// The progress of an upload on stderr, drawn over itself on one line as curl and git draw
/// theirs: name, percentage, bar, bytes sent of the total, rate and time left. Only for a
/// person watching: stderr a terminal, not `-q`, `TERM` not `dumb`, and a file over 1 MiB.
final class ProgressBar {
    /// Files up to this size go too fast for a bar to be worth drawing.
    static let threshold: Int64 = 1 << 20

    private let label: String
    private let total: Int64
    private let started = Deadline.now()
    private var lastDrawn: Deadline?
    private var drewAnything = false
    private var drewLastByte = false

    static func isWanted(for size: Int64, diagnostics: Diagnostics) -> Bool {
        guard size > threshold, diagnostics.level >= .normal, FileInput.isTerminal(2) else { return false }
        return FileInput.environment("TERM") != "dumb"
    }

    init(label: String, total: Int64) {
        self.label = label
        self.total = total
    }

    /// Redraws at most ten times a second, and once for the last byte (not again while the
    /// server's answer is awaited: the rate shown is that of the transfer).
    func update(sent: Int64) {
        let now = Deadline.now()
        if drewLastByte { return }
        if sent < total, let lastDrawn, now.uptimeNanoseconds - lastDrawn.uptimeNanoseconds < 100_000_000 { return }
        lastDrawn = now
        drewLastByte = sent >= total
        drewAnything = true
        let elapsed = Double(now.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let line = Self.render(label: label, sent: sent, total: total, elapsedSeconds: elapsed, width: Self.terminalWidth())
        Diagnostics.write("\r" + line + "\u{1B}[K")
    }

    /// Ends the bar's line, so that what follows starts on a line of its own.
    func finish() {
        if drewAnything { Diagnostics.write("\n") }
        drewAnything = false
    }

    /// One line of at most `width` columns: "name  42% [=====>     ] 84.0 MiB / 200.0 MiB  9.5 MiB/s  ETA 0:12".
    static func render(label: String, sent: Int64, total: Int64, elapsedSeconds: Double, width: Int) -> String {
        let fraction = total > 0 ? min(1, Double(max(0, sent)) / Double(total)) : 1
        let percent = String(Int(fraction * 100)).leftPadded(to: 3) + "%"
        let rate = elapsedSeconds > 0 ? Double(sent) / elapsedSeconds : 0
        let eta: String
        if sent >= total {
            eta = "   done  "
        } else if rate > 0 {
            eta = "ETA " + duration(Double(total - sent) / rate).leftPadded(to: 5)
        } else {
            eta = "ETA --:--"
        }
        let figures = "\(bytes(sent).leftPadded(to: 9)) / \(bytes(total))  \((bytes(Int64(rate)) + "/s").leftPadded(to: 11))  \(eta)"
        // The name gets what the figures and a bar of at least 10 columns leave, up to 24.
        let fixed = 1 + percent.count + 3 + 1 + figures.count
        let labelWidth = max(0, min(24, width - fixed - 10 - 2))
        let shownLabel = fitted(TerminalText.escape(label), to: labelWidth)
        let barWidth = max(0, width - fixed - (shownLabel.isEmpty ? 0 : shownLabel.count + 1) - 1)
        var line = shownLabel.isEmpty ? "" : shownLabel + " "
        line += percent
        if barWidth >= 10 {
            let inner = barWidth - 2
            let filled = Int(fraction * Double(inner))
            let head = filled < inner ? ">" : ""
            line += " [" + String(repeating: "=", count: filled) + head
                + String(repeating: " ", count: max(0, inner - filled - head.count)) + "]"
        }
        return line + " " + figures
    }

    /// "812 B", "64.0 KiB", "1.5 MiB", "2.0 GiB".
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(max(0, count))
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(value)) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// "0:07", "12:45", "1:02:03".
    static func duration(_ seconds: Double) -> String {
        let total = Int(min(seconds.rounded(.up), 359_999))
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
    }

    private static func fitted(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text.padded(to: width) }
        return String(text.prefix(max(0, width - 1))) + "…"
    }

    /// The terminal's columns, or 80 where it will not say.
    private static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    fileprivate func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
