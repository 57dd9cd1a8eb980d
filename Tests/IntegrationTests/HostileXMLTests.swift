import XCTest

/// Servers that break XML (RFC 6120 §11 and §4): a DTD, entities, comments, processing
/// instructions, bytes that are not UTF-8, wrong namespaces, depth and size, a header that
/// never ends, bytes after the stream's end (fakeserver/hostile_xml.py).
///
/// Breakage by the stream itself ends the connection with exit 76: in the first features
/// the client stops before STARTTLS; in a stanza after login, `listen` prints nothing more.
/// Only a limit broken inside a stanza (depth, size) drops that stanza with a warning, and
/// the stream goes on: the message after it is still printed.
final class HostileXMLTests: XCTestCase {
    private func assertBrokenBeforeTLS(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertHostile(
            scenario, exits: 76, neverSends: [Hostile.streamOverTLS, Hostile.account], file: file, line: line)
    }

    private func assertStreamBrokenInStanza(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try assertHostile(scenario, exits: 76, client: .listen, file: file, line: line)
        XCTAssertEqual(run.result.stdout, "", "printed something of a broken stream", file: file, line: line)
    }

    private func assertStanzaDropped(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try assertHostile(scenario, exits: 0, client: .listen, file: file, line: line)
        XCTAssertTrue(
            run.result.stdout.contains("\"id\":\"after\""), "the message after the dropped one is missing: \(run.result.summary)",
            file: file, line: line)
        XCTAssertFalse(run.result.stdout.contains("\"id\":\"broken\""), "printed the broken stanza", file: file, line: line)
        XCTAssertFalse(run.result.stderr.isEmpty, "dropped a stanza without a warning", file: file, line: line)
    }

    // MARK: What RFC 6120 §11 forbids

    func testDoctypeExits76() throws { try assertBrokenBeforeTLS("xml-doctype") }
    func testInternalEntityExits76() throws { try assertBrokenBeforeTLS("xml-internal-entity") }
    func testBillionLaughsExits76() throws { try assertBrokenBeforeTLS("xml-billion-laughs") }
    func testExternalEntityExits76() throws { try assertBrokenBeforeTLS("xml-external-entity") }
    func testExternalDTDExits76() throws { try assertBrokenBeforeTLS("xml-external-dtd") }
    func testUndeclaredEntityExits76() throws { try assertBrokenBeforeTLS("xml-undeclared-entity") }
    func testProcessingInstructionInFeaturesExits76() throws { try assertBrokenBeforeTLS("xml-pi-in-features") }
    func testCommentInAStanzaExits76() throws { try assertStreamBrokenInStanza("xml-comment-in-stanza") }
    func testProcessingInstructionInAStanzaExits76() throws { try assertStreamBrokenInStanza("xml-pi-in-stanza") }

    // MARK: Bytes that are not UTF-8

    func testOverlongUTF8Exits76() throws { try assertBrokenBeforeTLS("xml-utf8-overlong") }
    func testTruncatedUTF8Exits76() throws { try assertBrokenBeforeTLS("xml-utf8-truncated") }
    func testEncodedSurrogateInAStanzaExits76() throws { try assertStreamBrokenInStanza("xml-utf8-surrogate") }
    func testByteFFInAStanzaExits76() throws { try assertStreamBrokenInStanza("xml-utf8-invalid-byte") }

    // MARK: Namespaces

    func testStreamRootInAnotherNamespaceExits76() throws { try assertBrokenBeforeTLS("xml-wrong-stream-namespace") }
    func testUndeclaredPrefixExits76() throws { try assertBrokenBeforeTLS("xml-unbound-prefix") }
    func testFeaturesOutsideTheStreamsNamespaceExit76() throws { try assertBrokenBeforeTLS("xml-wrong-features-namespace") }
    func testStanzaInTheServerNamespaceExits76() throws { try assertStreamBrokenInStanza("xml-wrong-stanza-namespace") }

    /// A stream in jabber:server is not a client stream, though everything else works:
    /// its header alone must stop the client (RFC 6120 §4.8.2), long before the password.
    func testStreamInTheServerNamespaceExits76() throws { try assertBrokenBeforeTLS("xml-wrong-content-namespace") }

    /// A `<stream:stream>` start tag inside the stream is not the start of a stanza.
    func testSecondStreamHeaderMidStreamExits76() throws { try assertStreamBrokenInStanza("xml-second-header") }

    // MARK: Depth and size

    func testFeaturesTooDeepExit76() throws { try assertBrokenBeforeTLS("xml-features-too-deep") }
    func testEndlessFeaturesExit76() throws { try assertBrokenBeforeTLS("xml-endless-features") }
    func testEndlessStreamHeaderExits76() throws { try assertBrokenBeforeTLS("xml-endless-header") }

    func testStanzaTooDeepIsDroppedAndTheStreamGoesOn() throws { try assertStanzaDropped("xml-stanza-too-deep") }
    func testStanzaNested100000DeepIsDroppedAndTheStreamGoesOn() throws { try assertStanzaDropped("xml-stanza-very-deep") }
    func testStanzaTooLargeIsDroppedAndTheStreamGoesOn() throws { try assertStanzaDropped("xml-stanza-too-large") }
    /// 32 MiB in one stanza: dropped, and memory does not follow it (`assertHostile` bounds it).
    func testHugeStanzaIsDroppedWithFlatMemory() throws { try assertStanzaDropped("xml-stanza-huge") }
    func testIQTooDeepIsDroppedAndTheStreamGoesOn() throws { try assertStanzaDropped("xml-iq-too-deep") }

    /// Not stanzas: a limit broken by a SASL or stream-management element ends the stream.
    func testSASLElementTooLargeExits76() throws {
        try assertHostile("xml-sasl-too-large", exits: 76, neverSends: [Hostile.saslResponse, Hostile.message])
    }
    func testStreamManagementElementTooDeepExits76() throws {
        try assertHostile("xml-sm-too-deep", exits: 76, remembered: Hostile.remembersStreamManagement)
    }

    // MARK: A header that never ends, bytes after the end

    func testStalledStreamHeaderExits75() throws {
        try assertHostile("xml-stalled-header", exits: 75, neverSends: [Hostile.streamOverTLS, Hostile.account])
    }

    /// The client closed and the server answered with its own close, then junk: done is done.
    func testBytesAfterTheServersCloseAreIgnored() throws {
        try assertHostile("xml-bytes-after-close", exits: 0)
    }

    /// The server closes its stream before the ack, with junk after `</stream:stream>` in the
    /// same record: nothing after the end is parsed, so this is the close it is, before the
    /// message was acknowledged, however the bytes fall into reads.
    func testJunkAfterAnEarlyCloseIsALostConnection() throws {
        try assertHostile("xml-close-then-junk", exits: 74)
    }
}
