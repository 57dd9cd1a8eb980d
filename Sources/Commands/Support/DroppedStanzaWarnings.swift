import XMPPProtocol

/// One warning line on stderr for each stanza a session dropped for breaking a limit (any
/// contact can send one; the stream goes on without it). With `-v` the line names the
/// sender and the reason. The count runs over every session of the command (a listener's
/// reconnections included); after the first ten, only every power of ten is reported, so
/// that a flood of them cannot flood the log of a bot that runs for months.
final class DroppedStanzaWarnings {
    private let diagnostics: Diagnostics
    private(set) var count = 0

    init(diagnostics: Diagnostics) {
        self.diagnostics = diagnostics
    }

    /// Reports what `session` drops; a resumed session keeps reporting here.
    func watch(_ session: XMPPSession) {
        session.onDroppedStanza = { [self] dropped in
            count += 1
            guard Self.shouldReport(count) else { return }
            diagnostics.warning(Self.message(for: dropped, count: count, verbose: diagnostics.level >= .verbose))
        }
    }

    static func shouldReport(_ count: Int) -> Bool {
        guard count > 10 else { return true }
        var power = 100
        while power < count { power *= 10 }
        return power == count
    }

    static func message(for dropped: DroppedStanza, count: Int, verbose: Bool) -> String {
        guard verbose else {
            return "dropped an incoming stanza that broke a limit (\(count) so far); -v says whose and why"
        }
        let name = dropped.element?.name ?? dropped.qualifiedName
        let from = dropped.element?[attribute: "from"].map { "from \($0)" } ?? "from an unknown sender"
        let id = dropped.element?[attribute: "id"].map { " (id '\($0)')" } ?? ""
        return "dropped a <\(name)> \(from)\(id): \(dropped.reason) (\(count) so far)"
    }
}
