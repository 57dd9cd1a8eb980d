import Glibc
import XCTest
import XMPPProtocol

/// A `Transport` whose other end is a script: the server's side of a conversation, played
/// one step per read, with everything the client writes recorded (as text, per write, and
/// parsed into elements) so tests can check what went out and when.
///
/// Reads never block past their deadline: a `stall` step, or running out of steps, waits
/// until the deadline (at most `longestStall`) and throws `.timedOut`, as a silent server
/// would make a socket do.
final class MemoryTransport: Transport {
    /// One thing the server does when the client next reads.
    struct Step {
        enum Action {
            /// Check that the client has written `fragment` since the previous expectation,
            /// then deliver what `reply` makes of the elements written in that time.
            case expect(fragment: String, reply: ([XMLElement]) -> String)
            case deliver([UInt8])
            /// End of stream: this and every later read returns no bytes.
            case close
            /// The read waits until its deadline and times out.
            case stall
        }

        let action: Action
        let file: StaticString
        let line: UInt

        static func expect(
            _ fragment: String, reply: String = "", file: StaticString = #filePath, line: UInt = #line
        ) -> Step {
            Step(action: .expect(fragment: fragment, reply: { _ in reply }), file: file, line: line)
        }

        /// An expectation whose answer depends on what the client sent (to echo an IQ's id).
        static func expect(
            _ fragment: String, file: StaticString = #filePath, line: UInt = #line,
            reply: @escaping (_ sent: [XMLElement]) -> String
        ) -> Step {
            Step(action: .expect(fragment: fragment, reply: reply), file: file, line: line)
        }

        static func deliver(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Step {
            Step(action: .deliver(Array(text.utf8)), file: file, line: line)
        }

        static var close: Step { Step(action: .close, file: #filePath, line: #line) }
        static var stall: Step { Step(action: .stall, file: #filePath, line: #line) }
    }

    /// One call to `write`, and how many reads came before it.
    struct Write {
        let text: String
        let readsBefore: Int
    }

    /// The longest a stalled read sleeps, so a test with a far deadline fails instead of hanging.
    static let longestStall = 10.0

    private var steps: [Step]
    private var nextStep = 0
    private var pending: ArraySlice<UInt8> = []
    private var atEndOfStream = false
    private(set) var isClosed = false

    private(set) var writes: [Write] = []
    private(set) var readCount = 0
    /// The client's output parsed as a stream: every element it wrote, in order.
    private(set) var sentElements: [XMLElement] = []
    private var sentBytes: [UInt8] = []
    private let clientStream = XMLStreamParser()
    /// Where the next expectation starts looking, in `sentBytes` and `sentElements`.
    private var checkedBytes = 0
    private var checkedElements = 0

    init(script: [Step] = []) {
        steps = script
    }

    /// Adds steps to the end of the script.
    func play(_ more: [Step]) {
        steps += more
    }

    /// Everything the client wrote, in one string.
    var writtenText: String { String(decoding: sentBytes, as: UTF8.self) }

    var unplayedSteps: Int { steps.count - nextStep }

    func read(maxCount: Int, deadline: Deadline) throws(TransportError) -> [UInt8] {
        guard !isClosed else { throw .closed }
        readCount += 1
        while pending.isEmpty {
            if atEndOfStream { return [] }
            guard nextStep < steps.count else { return try stall(until: deadline) }
            let step = steps[nextStep]
            nextStep += 1
            switch step.action {
            case .expect(let fragment, let reply):
                let elements = try checkClientWrote(fragment, step: step)
                pending = ArraySlice(Array(reply(elements).utf8))
            case .deliver(let bytes):
                pending = ArraySlice(bytes)
            case .close:
                atEndOfStream = true
            case .stall:
                return try stall(until: deadline)
            }
        }
        let chunk = pending.prefix(maxCount)
        pending = pending.dropFirst(chunk.count)
        return Array(chunk)
    }

    func write(_ bytes: [UInt8], deadline: Deadline) throws(TransportError) {
        guard !isClosed else { throw .closed }
        writes.append(Write(text: String(decoding: bytes, as: UTF8.self), readsBefore: readCount))
        sentBytes += bytes
        do {
            for case .element(let element) in try clientStream.feed(bytes) { sentElements.append(element) }
        } catch {
            XCTFail("the client wrote bad XML (\(error)): \(writtenText)")
        }
    }

    func close() {
        isClosed = true
    }

    private func checkClientWrote(_ fragment: String, step: Step) throws(TransportError) -> [XMLElement] {
        let unchecked = String(decoding: sentBytes[checkedBytes...], as: UTF8.self)
        guard unchecked.contains(fragment) else {
            XCTFail("expected the client to have sent \(fragment); it sent: \(unchecked)", file: step.file, line: step.line)
            throw .connectionLost("the script expected \(fragment)")
        }
        let elements = Array(sentElements[checkedElements...])
        checkedBytes = sentBytes.count
        checkedElements = sentElements.count
        return elements
    }

    private func stall(until deadline: Deadline) throws(TransportError) -> [UInt8] {
        let seconds = min(deadline.remainingSeconds, Self.longestStall)
        if seconds > 0 { usleep(useconds_t(seconds * 1_000_000)) }
        throw .timedOut
    }
}
