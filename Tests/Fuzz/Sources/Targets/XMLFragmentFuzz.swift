import XMPPProtocol

/// raw's `XMLFragmentParser` fed the input in chunks cut by the input itself, then
/// finished. Promises checked: elements are well-formed trees within the limits that
/// serialize back to themselves; once it throws, every later call throws the same error;
/// the elements before a mistake and the outcome do not depend on the cut; `isIdle` agrees
/// with `finish()`.
enum XMLFragmentFuzz {
    static let limits = XMLLimits(maxDepth: 8, maxStanzaBytes: 2048, maxHeaderBytes: 1024)

    struct Outcome: Equatable {
        var elements: [XMLElement] = []
        var failure: XMLStreamError?
    }

    static func run(_ bytes: [UInt8]) {
        var choices = InputChoices(bytes)
        let chunked = parse(choices.chunks(of: bytes))
        let whole = parse([bytes])
        require(chunked.elements == whole.elements, "in chunks the input gave \(chunked.elements), in one feed \(whole.elements)")
        require((chunked.failure == nil) == (whole.failure == nil),
                "in chunks the input ended with \(String(describing: chunked.failure)), in one feed with \(String(describing: whole.failure))")
        for element in whole.elements {
            XMLChecks.requireWellFormed(element, limits: limits)
            XMLChecks.requireRoundTrip(element, namespaceInScope: Namespace.client)
        }
    }

    static func parse(_ chunks: [[UInt8]]) -> Outcome {
        let parser = XMLFragmentParser(limits: limits)
        var outcome = Outcome()
        for chunk in chunks {
            do {
                outcome.elements += try parser.feed(chunk)
            } catch {
                outcome.elements += parser.completedBeforeFailure
                outcome.failure = error
                break
            }
        }
        if outcome.failure == nil {
            let idle = parser.isIdle
            do {
                try parser.finish()
                require(idle, "finish() accepted input that isIdle called unfinished")
            } catch {
                require(!idle, "finish() refused input that isIdle called complete: \(error)")
                outcome.failure = error
            }
        }
        if let failure = outcome.failure {
            require(!parser.isIdle, "a failed parser says it is idle")
            do {
                let more = try parser.feed(Array("<a/>".utf8))
                require(false, "after failing with \(failure) a feed returned \(more)")
            } catch {
                require(error == failure, "after failing with \(failure) a feed threw \(error)")
            }
            do {
                try parser.finish()
                require(false, "after failing with \(failure) finish() succeeded")
            } catch {
                require(error == failure, "after failing with \(failure) finish() threw \(error)")
            }
        }
        return outcome
    }
}
