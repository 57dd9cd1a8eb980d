import XCTest
import XMPPProtocol

/// Hostile or broken server messages: each must throw a typed error, never crash or spin.
final class SASLSCRAMMalformedTests: XCTestCase {
    private static let nonce = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j"

    func testMalformedServerFirstMessagesAreRejected() throws {
        let n = SASLSCRAMMalformedTests.nonce
        let cases = [
            "",
            ",",
            "m=ext,\(n),s=QSXCR+Q6sek8bf92,i=4096",  // mandatory extension
            "\(n),s=QSXCR+Q6sek8bf92",  // no i=
            "\(n),i=4096",  // no s=
            "s=QSXCR+Q6sek8bf92,i=4096",  // no r=
            "s=QSXCR+Q6sek8bf92,\(n),i=4096",  // wrong order
            "\(n),s=QSXCR+Q6sek8bf92,,i=4096",  // empty attribute
            "\(n),s=QSXCR+Q6sek8bf92,i=4096,",  // trailing comma
            "\(n),s=QSXCR+Q6sek8bf92,i=4096,garbage",  // extension without "="
            "\(n),s=QSXCR+Q6sek8bf92,i=4096,1=x",  // attribute name not a letter
            "\(n),s,i=4096",
            "\(n),s=QSXCR+Q6sek8bf9,i=4096",  // salt not base64 (length)
            "\(n),s=QSXCR+Q6sek8bf9!,i=4096",  // salt not base64 (character)
            "\(n),s=,i=4096",  // empty salt
            "\(n),s=QSXCR+Q6sek8bf92,i=",  // empty count
            "\(n),s=QSXCR+Q6sek8bf92,i=-1",
            "\(n),s=QSXCR+Q6sek8bf92,i=+4096",
            "\(n),s=QSXCR+Q6sek8bf92,i=4096x",
            "\(n),s=QSXCR+Q6sek8bf92,i= 4096",
            "\(n)\u{7F},s=QSXCR+Q6sek8bf92,i=4096",  // nonce not printable
            "\(n) x,s=QSXCR+Q6sek8bf92,i=4096",
            "r=,s=QSXCR+Q6sek8bf92,i=4096",
            "\(n),s=QSXCR+Q6sek8bf92,i=4096,x=\(String(repeating: "A", count: 20_000))",  // oversized
        ]
        for serverFirst in cases {
            var scram = try awaitingServerFirst()
            assertSASLMalformed { () throws(SASLError) in try scram.respond(to: saslBytes(serverFirst)) }
        }
    }

    func testInvalidUTF8ServerFirstIsRejected() throws {
        var scram = try awaitingServerFirst()
        assertSASLMalformed { () throws(SASLError) in try scram.respond(to: saslBytes("r=fyko") + [0xFF, 0xFE]) }
    }

    func testIterationCountsOutsideTheBoundsAreRejected() throws {
        let counts: [(String, Int)] = [
            ("0", 0), ("1000001", 1_000_001), ("99999999", 99_999_999),
            ("9223372036854775807", Int.max), ("99999999999999999999999999999999", Int.max),
        ]
        for (digits, value) in counts {
            var scram = try awaitingServerFirst()
            assertSASLError(.iterationCountOutOfRange(value)) { () throws(SASLError) in
                try scram.respond(to: saslBytes("\(SASLSCRAMMalformedTests.nonce),s=QSXCR+Q6sek8bf92,i=\(digits)"))
            }
        }
    }

    func testSmallestIterationCountIsAccepted() throws {
        var scram = try awaitingServerFirst()
        let response = try scram.respond(to: saslBytes("\(SASLSCRAMMalformedTests.nonce),s=QSXCR+Q6sek8bf92,i=1"))
        XCTAssertTrue(saslText(response).hasPrefix("c=biws,\(SASLSCRAMMalformedTests.nonce),p="))
    }

    func testMalformedServerFinalMessagesAreRejected() throws {
        let cases: [[UInt8]] = [
            saslBytes("x=foo"), saslBytes("rmF9pqV8S7suAoZWja4dJRkFsKQ="), saslBytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ"),
            saslBytes("v=!!!!"), saslBytes(","), saslBytes("v"), [0xC3, 0x28],
            saslBytes("v=" + String(repeating: "A", count: 40_000)),
        ]
        for serverFinal in cases {
            var inSuccess = try rfc5802ExchangeAwaitingServerFinal()
            assertSASLMalformed { () throws(SASLError) in try inSuccess.verifySuccess(serverFinal) }
            var inChallenge = try rfc5802ExchangeAwaitingServerFinal()
            assertSASLMalformed { () throws(SASLError) in try inChallenge.respond(to: serverFinal) }
        }
    }

    /// Every truncation of a valid server-first-message either throws or, when the cut leaves
    /// a shorter but valid iteration count, answers.
    func testEveryTruncationOfServerFirstIsHandled() throws {
        let full = saslBytes(SASLSCRAMTests.serverFirst5802)
        let firstValidLength = full.count - "096".count  // "...,i=4"
        for length in 0..<full.count {
            var scram = try awaitingServerFirst()
            do {
                _ = try scram.respond(to: Array(full.prefix(length)))
                XCTAssertGreaterThanOrEqual(length, firstValidLength, "accepted a \(length)-byte prefix")
            } catch {
                XCTAssertLessThan(length, firstValidLength, "rejected a \(length)-byte prefix: \(error)")
            }
        }
    }

    /// Random bytes, and random mutations of a valid message, never crash the parser.
    func testRandomInputIsRejectedWithoutCrashing() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let valid = saslBytes(SASLSCRAMTests.serverFirst5802)
        var rejected = 0
        for round in 0..<2000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                input = valid
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let position = Int(generator.next() % UInt64(input.count))
                    input[position] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            var scram = try awaitingServerFirst()
            do { _ = try scram.respond(to: input) } catch { rejected += 1 }
        }
        // Mutations that hit only the nonce suffix or the salt may be accepted; most are not.
        XCTAssertGreaterThan(rejected, 1500)
    }

    private func awaitingServerFirst() throws -> SCRAM {
        var scram = rfc5802Exchange()
        _ = try scram.initialResponse()
        return scram
    }
}
