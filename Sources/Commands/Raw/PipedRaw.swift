import Glibc
import XMPPProtocol

/// `raw` with stdin not a terminal: elements from stdin, checked one by one before they
/// are sent; every element received printed on its own line; answers awaited after EOF.
struct PipedRaw {
    let link: RawLink
    let pretty: Bool
    let wait: Double

    func run(features: XMLElement) throws {
        let printer = ElementPrinter(pretty: pretty, decorated: false, colour: false)
        StandardOutput.writeLine(printer.render(features, .received))
        link.onEvent = { event in StandardOutput.writeLine(printer.render(event, .received)) }

        let parser = XMLFragmentParser()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            guard try link.pump(alsoWatching: 0, deadline: .distantFuture) else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(.noInput, "cannot read standard input: \(String(cString: strerror(errno)))")
            }
            do {
                if count == 0 {
                    try parser.finish()
                    break
                }
                for element in try parser.feed(Array(buffer[0..<count])) { link.send(element) }
            } catch {
                // What came before the mistake is sent, as it would have been had it arrived
                // in an earlier read; nothing of the bad element or after it is.
                for element in parser.completedBeforeFailure { link.send(element) }
                link.close()
                throw Self.inputFailure(error)
            }
        }
        let deadline = Deadline.after(seconds: wait)
        while !link.pending.isEmpty && !deadline.hasPassed {
            _ = try link.pump(alsoWatching: nil, deadline: deadline)
        }
        link.close()
        if !link.refused.isEmpty {
            throw Failure(.refused, "the server answered \(link.refused.count) IQ(s) with an error: \(link.refused.joined(separator: ", "))")
        }
        if !link.pending.isEmpty {
            throw Failure(.tempFail, "no answer within \(Self.seconds(wait)) to the IQ(s) \(link.pending.keys.sorted().joined(separator: ", ")); raise --wait")
        }
    }

    /// Bad input is exit 65 with where it is; nothing of the bad element was sent.
    static func inputFailure(_ error: XMLStreamError) -> Failure {
        let where_: String
        let what: String
        switch error {
        case .malformed(let message, let line, let column):
            (where_, what) = ("line \(line), column \(column)", message)
        case .restricted(let construct, let line, let column):
            (where_, what) = ("line \(line), column \(column)", "\(construct) is not allowed in XMPP (RFC 6120 §11)")
        case .tooDeep(let limit):
            (where_, what) = ("an element", "nested deeper than \(limit) levels")
        case .stanzaTooLarge(let limit):
            (where_, what) = ("an element", "larger than \(limit) bytes")
        case .headerTooLarge(let limit):
            (where_, what) = ("the input", "longer than \(limit) bytes before its first element")
        case .notAStream(let message):
            (where_, what) = ("the input", message)
        }
        return Failure(.dataError, "standard input, \(where_): \(what); nothing of that element was sent")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
