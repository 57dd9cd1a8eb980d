import Glibc
import XMPPProtocol

/// How `raw` shows elements: one per line for scripts, or pretty and coloured with a
/// timestamp and an arrow for people at the console.
struct ElementPrinter {
    var pretty: Bool
    var decorated: Bool
    var colour: Bool

    enum Direction { case received, sent, note }

    func render(_ event: XMLStreamEvent, _ direction: Direction) -> String {
        switch event {
        case .element(let element): return render(element, direction)
        case .streamClosed: return decorate("</stream:stream>", direction)
        case .streamOpened: return decorate("<stream:stream>", direction)
        case .droppedStanza(let dropped):
            return decorate(TerminalText.escape("[dropped <\(dropped.qualifiedName)>: \(dropped.reason)]"), .note)
        case .unreadElement(let element):
            // Not made while raw watches the stream, which reads everything.
            return decorate(TerminalText.escape("[unread <\(element.name)>]"), .note)
        }
    }

    func render(_ element: XMLElement, _ direction: Direction) -> String {
        let xml = pretty
            ? XMLEscaping.forDisplay(element.prettySerialized(parentNamespace: Namespace.client), keepingLineFeeds: true)
            : XMLEscaping.forDisplay(element.serialized(parentNamespace: Namespace.client))
        return decorate(xml, direction)
    }

    func decorate(_ text: String, _ direction: Direction) -> String {
        guard decorated else { return text }
        let arrow: String
        let code: String
        switch direction {
        case .received: (arrow, code) = ("<-", "36")
        case .sent: (arrow, code) = ("->", "33")
        case .note: (arrow, code) = ("--", "2")
        }
        let head = "\(Self.clock()) \(arrow) "
        let indented = text.split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\n" + String(repeating: " ", count: head.count))
        return colour ? "\u{1B}[\(code)m\(head)\u{1B}[0m\(indented)" : head + indented
    }

    /// Local wall-clock time, HH:MM:SS.
    static func clock() -> String {
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
