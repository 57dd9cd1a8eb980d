@testable import XMPPProtocol

@testable import Commands

/// What `listen --since` and `--state` read: the first byte chooses.
/// - 0: a state file. Promises: what is read is written back to a file that reads the same;
///   a refusal is a config error (78) in one clean line.
/// - 1: a `--since` argument. Promises: a time comes out as an XEP-0082 UTC date-time, an
///   id is the text itself, a refusal is a usage error.
/// - else: a message from the server, taken by a query of the account's archive. Promises:
///   only results with the query's id and from the archive itself become items, each with
///   an id and a message in jabber:client.
enum ArchiveFuzz {
    static let account = try! JID("bob@example.org")

    static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        switch mode {
        case 0: stateFile(rest)
        case 1: since(rest)
        default: results(rest)
        }
    }

    private static func stateFile(_ bytes: [UInt8]) {
        let positions: [JID: MessageArchive.Position]
        do {
            positions = try ListenStateFile.parse(bytes, path: "fuzz")
        } catch {
            require(error.status == .config, "a state file refused with \(error.status)")
            require(!error.message.contains("\n"), "a refusal of several lines: \(error.message.debugDescription)")
            return
        }
        let written = ListenStateFile.render(positions.filter {
            if case .after(let id) = $0.value { return ListenStateFile.fitsALine(id) }
            return true
        })
        do {
            let again = try ListenStateFile.parse(written, path: "fuzz")
            let kept = positions.filter { if case .after(let id) = $0.value { return ListenStateFile.fitsALine(id) }; return true }
            require(again == kept, "\(positions) written and read again is \(again)")
        } catch {
            require(false, "what was read, written again, is refused: \(error.message)")
        }
    }

    private static func since(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        do {
            switch try SinceOption(text, now: 1_796_000_000) {
            case .time(let stamp):
                require(Timestamp.validated(stamp) == stamp && stamp.utf8.count == 20 && stamp.hasSuffix("Z"), "the time \(stamp.debugDescription)")
            case .archiveID(let id):
                require(id == text, "the id \(id.debugDescription) of \(text.debugDescription)")
            }
        } catch {
            require(error.status == .usage, "--since refused with \(error.status)")
        }
    }

    private static func results(_ bytes: [UInt8]) {
        guard let elements = try? XMLFragmentParser().feed(bytes) else { return }
        let query = MessageArchive.Query(archive: account, requestID: "r", queryID: "q", isOwnArchive: true)
        for element in elements where element.name == "message" {
            let taken = query.take(element)
            let result = element.child("result", namespace: Namespace.mam)
            require(taken == (result?[attribute: "queryid"] == "q"), "a result taken or left against its queryid")
        }
        for item in query.items {
            require(!item.archiveID.isEmpty, "an item without an id")
            require(item.message.name == "message" && item.message.namespace == Namespace.client, "an item that is no jabber:client message")
        }
        for element in elements where element.name == "iq" {
            _ = try? query.finish(element)
        }
    }
}
