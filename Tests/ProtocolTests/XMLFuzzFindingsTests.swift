import Glibc
import XCTest
import XMPPProtocol

/// What fuzzing the XML parsers found (scripts/fuzz, targets xml-stream, xml-fragment and
/// listen-record), each reduced to the smallest input that shows it.
final class XMLFuzzFindingsTests: XCTestCase {
    /// `<xml:x/>` is well-formed: the `xml` prefix is bound by definition. It parses as an
    /// element in the XML namespace, which no default namespace declaration may name, so
    /// the serializer must keep a prefix: `raw` sends and `listen --format xml` prints
    /// exactly this serialization.
    func testElementInTheXMLNamespaceSerializesToWellFormedXML() throws {
        let parser = XMLFragmentParser()
        let elements = try parser.feed(Array("<message><xml:x a='1'/></message>".utf8))
        XCTAssertEqual(elements.count, 1)
        let text = try XCTUnwrap(elements.first).serialized(parentNamespace: Namespace.client)
        let again = XMLFragmentParser()
        XCTAssertEqual(try again.feed(Array(text.utf8)), elements, "serialized as \(text)")
    }

    /// RFC 6120 §11.6: a stream is UTF-8. libxml2 still honours a UTF-16 byte-order mark
    /// (XML_PARSE_IGNORE_ENC only ignores the encoding declaration), so a server speaking
    /// UTF-16 is understood instead of refused.
    func testUTF16StreamWithByteOrderMarkIsRefused() {
        let stream = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " version='1.0'><message><body>hi</body></message>"
        var utf16 = [UInt8]([0xFF, 0xFE])
        for unit in stream.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let parser = XMLStreamParser()
        XCTAssertThrowsError(try parser.feed(utf16), "a UTF-16 stream was parsed")
    }

    /// Bytes that look like UCS-4 (`<` then three NULs) make libxml2 switch encodings and
    /// print "encoding error : input conversion failed ..." on the process's stderr, past
    /// `Diagnostics` and even with `-q`. The stream must fail with an error and print nothing.
    func testUCS4LookingBytesPrintNothingOnStandardError() throws {
        let parser = XMLStreamParser()
        var thrown = false
        let printed = try capturingStandardError {
            do { _ = try parser.feed([0x3C, 0x00, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]) } catch { thrown = true }
        }
        XCTAssertTrue(thrown)
        XCTAssertEqual(printed, "")
    }

    /// A mistake before the byte that breaks a limit is found however the reads fall: the
    /// bytes of the current read were once dropped with the stanza, so a mistake was found
    /// when fed byte by byte and missed when fed whole.
    func testAMistakeBeforeALimitIsFoundInAnyChunking() {
        let limits = XMLLimits(maxDepth: 3)
        let input = Array((streamHeaderXML + "<message><=x/>" + String(repeating: "<a>", count: 5)).utf8)
        for chunks in [[input], input.map { [$0] }] {
            XCTAssertThrowsError(try parseStream(chunks, limits: limits), "\(chunks.count) chunk(s)") {
                guard case .malformed = $0 as? XMLStreamError else { return XCTFail("\($0)") }
            }
        }
    }

    /// What `body` writes on file descriptor 2.
    private func capturingStandardError(_ body: () -> Void) throws -> String {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let saved = dup(2)
        XCTAssertEqual(dup2(ends[1], 2), 2)
        close(ends[1])
        body()
        dup2(saved, 2)
        close(saved)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        close(ends[0])
        return String(decoding: bytes, as: UTF8.self)
    }
}
