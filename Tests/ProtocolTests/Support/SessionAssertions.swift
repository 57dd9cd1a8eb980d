import XCTest
import XMPPProtocol

extension XMPPError {
    /// The case without its payload, so a test can say which failure it expects.
    enum Kind: Equatable {
        case unreachable, timedOut, connectionLost, streamError, refusedBeforeSession, protocolViolation, tlsUnavailable
        case tls, authenticationFailed, tokenRefused, stanzaError, refused
    }

    var kind: Kind {
        switch self {
        case .unreachable: return .unreachable
        case .timedOut: return .timedOut
        case .connectionLost: return .connectionLost
        case .streamError: return .streamError
        case .refusedBeforeSession: return .refusedBeforeSession
        case .protocolViolation: return .protocolViolation
        case .tlsUnavailable: return .tlsUnavailable
        case .tls: return .tls
        case .authenticationFailed: return .authenticationFailed
        case .tokenRefused: return .tokenRefused
        case .stanzaError: return .stanzaError
        case .refused: return .refused
        }
    }
}

/// Asserts that `body` throws an `XMPPError` of `kind`, and returns it for closer checks.
@discardableResult
func assertThrows<T>(
    _ kind: XMPPError.Kind, file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws(XMPPError) -> T
) -> XMPPError? {
    do {
        let value = try body()
        XCTFail("expected \(kind), got \(value)", file: file, line: line)
        return nil
    } catch {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        return error
    }
}

/// Collects what a `StreamConnection` traces.
final class TraceLog {
    private(set) var events: [TraceEvent] = []

    var tracer: Tracer { { event in self.events.append(event) } }

    var sent: [String] {
        events.compactMap {
            if case .sent(let text) = $0 { return text }
            return nil
        }
    }

    var received: [String] {
        events.compactMap {
            if case .received(let text) = $0 { return text }
            return nil
        }
    }
}
