import Glibc
import XMPPProtocol

/// `raw` on a terminal: an XML console. Elements may span lines and are sent when complete;
/// what the server sends is printed above the line being typed, which stays intact.
final class Console {
    let link: RawLink
    let features: XMLElement
    let account: Account
    let wait: Double
    private var editor: LineEditor!
    private var parser = XMLFragmentParser()
    /// The lines of the element being typed, for the history entry once it is complete.
    private var typed: [String] = []
    private var quit = false
    private var traceSent = true
    private var namespacesSeen: Set<String> = [Namespace.client]
    private let printer: ElementPrinter
    private let mainPrompt: String
    private var pings: Set<String> = []

    init(link: RawLink, features: XMLElement, account: Account, stage: Login.Stage, wait: Double) {
        self.link = link
        self.features = features
        self.account = account
        self.wait = wait
        let colour = FileInput.environment("NO_COLOR") == nil && StandardOutput.isTerminal
        printer = ElementPrinter(pretty: true, decorated: true, colour: colour)
        let who = link.session?.boundJID?.description ?? "\(account.settings.jid.domainpart) [\(stage.rawValue)]"
        mainPrompt = "\(who)> "
    }

    func run() throws {
        Signals.interruptsOnlyInterrupt()
        // Printed before the editor takes the terminal: nothing is being typed yet.
        StandardOutput.writeLine(printer.render(features, .received))
        StandardOutput.writeLine(printer.decorate("type XML to send it; /help for commands; Ctrl-D leaves", .note))
        editor = LineEditor(
            prompt: mainPrompt, historyPath: ConsoleHistory.path(), completions: { [unowned self] in self.complete($0) },
            onLine: { [unowned self] in self.handle($0) })
        defer { editor.stop() }
        link.onEvent = { [unowned self] event in
            if case .element(let element) = event { self.learnNamespaces(element) }
            self.editor.printAbove(self.printer.render(event, .received))
        }
        link.onAnswer = { [unowned self] id, seconds in
            if self.pings.remove(id) != nil {
                let tenths = (seconds * 10_000).rounded() / 10
                self.note("pong from \(self.account.settings.jid.domainpart) in \(tenths) ms")
            }
        }
        while !quit && !Signals.terminationRequested {
            editor.resumeAfterLine()
            // A short wait: a Ctrl-C landing just before poll(2) is seen within a second.
            let inputReady = try link.pump(alsoWatching: 0, deadline: .after(seconds: 1))
            if Signals.takeInterrupt() {
                parser = XMLFragmentParser()
                typed = []
                editor.setPrompt(mainPrompt)
                editor.clearLine()
            }
            if inputReady { editor.readAvailable() }
        }
        // The editor goes first: what arrives while the stream closes must not redraw a prompt.
        editor.stop()
        link.close()
    }

    private func handle(_ line: String?) {
        guard let line else {
            LineEditor.writeOut("\n")
            quit = true
            return
        }
        if typed.isEmpty && line.hasPrefix("/") {
            editor.addHistory(line)
            command(line)
            return
        }
        if typed.isEmpty && line.allSatisfy({ $0 == " " || $0 == "\t" }) { return }
        typed.append(line)
        do {
            for element in try parser.feed(Array((line + "\n").utf8)) {
                learnNamespaces(element)
                let sent = link.send(element)
                if traceSent { editor.printAbove(printer.render(sent, .sent)) }
            }
            try link.stream.flush(deadline: .after(seconds: account.timeout))
        } catch let error as XMLStreamError {
            note("not sent: " + PipedRaw.inputFailure(error).message.dropping(prefix: "standard input, "))
            parser = XMLFragmentParser()
        } catch {
            note("\(error)")
        }
        if parser.isIdle {
            let entry = typed.joined(separator: " ")
            if HistoryPolicy.mayRemember(entry) { editor.addHistory(entry) }
            typed = []
            // A fresh parser for the next element, so that positions in errors count from
            // its own first line.
            parser = XMLFragmentParser()
            editor.setPrompt(mainPrompt)
        } else {
            editor.setPrompt(String(repeating: " ", count: max(0, mainPrompt.count - 4)) + "...> ")
        }
    }

    private func command(_ line: String) {
        let words = line.split(separator: " ").map(String.init)
        switch words.first ?? "" {
        case "/help":
            note("/ping: round trip to the server · /wait: wait for answers to IQs in flight · /trace on|off: show what is sent · /quit: leave (also Ctrl-D) · Ctrl-C: clear the line")
        case "/quit", "/exit":
            quit = true
        case "/ping":
            let ping = XMLElement(
                "iq", attributes: ["type": "get", "to": account.settings.jid.domainpart],
                children: [.element(XMLElement("ping", namespace: Namespace.ping))])
            let sent = link.send(ping)
            pings.insert(sent[attribute: "id"]!)
            try? link.stream.flush(deadline: .after(seconds: account.timeout))
        case "/wait":
            waitForAnswers()
        case "/trace":
            traceSent = words.count < 2 || words[1] != "off"
            note("sent elements are \(traceSent ? "shown" : "not shown")")
        default:
            note("unknown command \(words.first ?? ""); /help lists them")
        }
    }

    private func waitForAnswers() {
        let deadline = Deadline.after(seconds: wait)
        // Ctrl-C ends the wait at once; SIGTERM too, and then the console.
        while !link.pending.isEmpty && !deadline.hasPassed && !Signals.takeInterrupt() && !Signals.terminationRequested {
            guard (try? link.pump(alsoWatching: Signals.wakeupDescriptor, deadline: deadline)) != nil else { break }
        }
        note(link.pending.isEmpty ? "every IQ has its answer" : "still unanswered: \(link.pending.keys.sorted().joined(separator: ", "))")
    }

    private func note(_ text: String) {
        editor.printAbove(printer.decorate(text, .note))
    }

    // MARK: Completion

    static let elementNames = [
        "message", "presence", "iq", "body", "subject", "thread", "query", "item", "ping", "show", "status",
        "priority", "error", "x", "enable", "r", "a", "vCard", "pubsub", "publish", "items",
    ]

    /// Element names after `<`, namespaces used so far after `xmlns=`, and the commands.
    private func complete(_ word: String) -> [String] {
        if word.hasPrefix("/") {
            return ["/help", "/ping", "/quit", "/trace", "/wait"].filter { $0.hasPrefix(word) }
        }
        if word.hasPrefix("<") {
            return Self.elementNames.map { "<" + $0 }.filter { $0.hasPrefix(word) }
        }
        if word.hasPrefix("xmlns") {
            return namespacesSeen.sorted().map { "xmlns='\($0)'" }.filter { $0.hasPrefix(word) }
        }
        return (Self.elementNames + namespacesSeen.sorted()).filter { $0.hasPrefix(word) }
    }

    private func learnNamespaces(_ element: XMLElement) {
        if let namespace = element.namespace, !namespace.isEmpty, namespacesSeen.count < 500 { namespacesSeen.insert(namespace) }
        for child in element.elementChildren { learnNamespaces(child) }
    }
}

/// Where the console keeps its history: `$XDG_STATE_HOME/xmpp-cli/history`, private.
enum ConsoleHistory {
    static func path() -> String? {
        UserDirectory.state.file("history")
    }
}

extension String {
    fileprivate func dropping(prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
