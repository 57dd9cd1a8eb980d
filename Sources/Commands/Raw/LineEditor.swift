internal import CLibEdit
import Glibc

/// Line editing for the `raw` console: libedit's readline-compatible callback interface,
/// so the same `poll(2)` loop that follows the socket feeds it one keystroke at a time and
/// received elements can be printed above the line being typed. The only file that reaches
/// libedit.
///
/// libedit keeps one global editor, so there is at most one `LineEditor` at a time.
final class LineEditor {
    /// libedit's callbacks are C functions without context: they reach the editor here.
    nonisolated(unsafe) private static var current: LineEditor?

    private let historyPath: String?
    private var onLine: (String?) -> Void
    private let completions: (String) -> [String]
    private var prompt: String
    /// Candidates of the completion in progress, for the generator libedit calls repeatedly.
    nonisolated(unsafe) private static var candidates: [String] = []

    init(prompt: String, historyPath: String?, completions: @escaping (String) -> [String], onLine: @escaping (String?) -> Void) {
        self.prompt = prompt
        self.historyPath = historyPath
        self.completions = completions
        self.onLine = onLine
        Self.current = self
        xmppcli_rl_setup { text, _, _ in
            let word = text.map { String(cString: $0) } ?? ""
            LineEditor.candidates = LineEditor.current?.completions(word) ?? []
            xmppcli_rl_no_append_character()
            guard let text else { return nil }
            return rl_completion_matches(text, { _, state in
                if state == 0 { LineEditor.candidateIndex = 0 }
                guard LineEditor.candidateIndex < LineEditor.candidates.count else { return nil }
                defer { LineEditor.candidateIndex += 1 }
                return strdup(LineEditor.candidates[LineEditor.candidateIndex])
            })
        }
        using_history()
        stifle_history(1000)
        if let historyPath { _ = read_history(historyPath) }
        rl_callback_handler_install(prompt, Self.lineHandler)
    }

    nonisolated(unsafe) private static var candidateIndex = 0

    /// What libedit calls with each finished line (nil at end of input).
    private static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        let text = line.map { String(cString: $0) }
        if let line { free(line) }
        guard let editor = LineEditor.current else { return }
        editor.handlingLine = true
        editor.lineFinished = true
        defer { editor.handlingLine = false }
        editor.onLine(text)
    }
    /// While a finished line is being handled, the cursor already sits on a fresh line and
    /// libedit draws the prompt afterwards: output then needs no redrawing around it.
    private var handlingLine = false
    /// A line was handed over since the last `resumeAfterLine()`.
    private var lineFinished = false
    /// The terminal is handed back: output is plain lines from then on.
    private var stopped = false

    /// Whether keys were read since the prompt was drawn afresh: until then libedit's
    /// `rl_point` still describes the previous line.
    private var keysSincePrompt = false

    /// Reads what the terminal has (call when stdin is readable); completed lines go to `onLine`.
    func readAvailable() {
        rl_callback_read_char()
        keysSincePrompt = !lineFinished
    }

    /// Takes the terminal back for the next line once a finished one has been handled.
    /// libedit (3.1-20221030) leaves its callback mode after handing a line over: the
    /// terminal stays in canonical mode with echo, so the next line would be echoed by the
    /// kernel, read whole without editing or completion, and garbled by output printed above
    /// it. Installing the handler again re-enters the unbuffered mode and draws the prompt.
    func resumeAfterLine() {
        guard lineFinished else { return }
        lineFinished = false
        keysSincePrompt = false
        rl_callback_handler_install(prompt, Self.lineHandler)
    }

    func setPrompt(_ newPrompt: String) {
        guard newPrompt != prompt else { return }
        prompt = newPrompt
        _ = rl_set_prompt(newPrompt)
    }

    /// Prints `text` on lines of its own above the prompt, then redraws the prompt and
    /// whatever the user had typed. The line buffer itself is left alone: changing it from
    /// outside confuses libedit's history position.
    func printAbove(_ text: String) {
        if handlingLine || stopped {
            Self.writeOut(text + "\n")
            return
        }
        // From the prompt's first row down, all is erased: a line wider than the terminal
        // takes several rows, and none of them may be left above the text.
        let up = rowsAboveCursor()
        Self.writeOut("\r" + (up > 0 ? "\u{1B}[\(up)A" : "") + "\u{1B}[J" + text + "\n")
        rl_forced_update_display()
    }

    /// How many rows the prompt starts above the cursor: libedit wraps a long line onto
    /// further rows, and moves to the next row once one is exactly full.
    private func rowsAboveCursor() -> Int {
        guard keysSincePrompt else { return 0 }
        var rows: Int32 = 0
        var columns: Int32 = 0
        rl_get_screen_size(&rows, &columns)
        guard columns > 0 else { return 0 }
        // rl_point counts bytes of the UTF-8 line; the screen counts characters.
        guard let line = xmppcli_rl_line_buffer() else { return 0 }
        let point = min(max(0, Int(xmppcli_rl_point())), strlen(line))
        let beforeCursor = String(decoding: UnsafeRawBufferPointer(start: line, count: point), as: UTF8.self)
        return (prompt.count + beforeCursor.count) / Int(columns)
    }

    /// Ctrl-C: forget the line being typed and start a fresh one (reinstalling the handler
    /// is the one reset libedit's callback mode does cleanly).
    func clearLine() {
        Self.writeOut("\n")  // the terminal has echoed ^C itself
        lineFinished = false
        keysSincePrompt = false
        rl_callback_handler_remove()
        rl_callback_handler_install(prompt, Self.lineHandler)
    }

    func addHistory(_ entry: String) {
        _ = add_history(entry)
    }

    /// Restores the terminal and saves the history, once (mode 0600: it may hold stanzas with
    /// personal data).
    func stop() {
        guard !stopped else { return }
        stopped = true
        rl_callback_handler_remove()
        if let historyPath {
            let fd = open(historyPath, O_WRONLY | O_CREAT, 0o600)
            if fd >= 0 { close(fd) }
            _ = write_history(historyPath)
            chmod(historyPath, 0o600)
        }
        Self.current = nil
    }

    static func writeOut(_ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(1, &bytes, bytes.count)
    }
}
