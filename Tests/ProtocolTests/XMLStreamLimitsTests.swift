import XCTest
import XMPPProtocol

/// Depth and size limits: hostile input must stop with a typed error after bounded memory.
final class XMLStreamLimitsTests: XCTestCase {
    private func nested(_ depth: Int) -> String {
        String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
    }

    func testDepthLimitCountsFromTheStanza() throws {
        let atLimit = try parseStream([Array((streamHeaderXML + nested(32)).utf8)])
        XCTAssertEqual(atLimit.count, 2)
        XCTAssertThrowsError(try parseStream([Array((streamHeaderXML + nested(33)).utf8)])) {
            XCTAssertEqual($0 as? XMLStreamError, .tooDeep(limit: 32))
        }
        let small = XMLLimits(maxDepth: 2)
        XCTAssertEqual(try parseStream([Array((streamHeaderXML + nested(2)).utf8)], limits: small).count, 2)
        XCTAssertThrowsError(try parseStream([Array((streamHeaderXML + nested(3)).utf8)], limits: small)) {
            XCTAssertEqual($0 as? XMLStreamError, .tooDeep(limit: 2))
        }
    }

    func testStanzaSizeLimit() throws {
        let limits = XMLLimits(maxStanzaBytes: 1000)
        let fits = "<message><body>" + String(repeating: "x", count: 900) + "</body></message>"
        let tooBig = "<message><body>" + String(repeating: "x", count: 1100) + "</body></message>"
        // Many stanzas that fit, one after another: the count starts over for each.
        let many = streamHeaderXML + String(repeating: fits, count: 20)
        XCTAssertEqual(try parseStream([Array(many.utf8)], limits: limits).count, 21)
        XCTAssertEqual(try parseStream(Array(many.utf8).map { [$0] }, limits: limits).count, 21)
        for input in [streamHeaderXML + tooBig, streamHeaderXML + fits + tooBig] {
            XCTAssertThrowsError(try parseStream([Array(input.utf8)], limits: limits)) {
                XCTAssertEqual($0 as? XMLStreamError, .stanzaTooLarge(limit: 1000))
            }
        }
        let bigAttribute = "<message to='" + String(repeating: "y", count: 1100) + "'/>"
        XCTAssertThrowsError(try parseStream([Array((streamHeaderXML + bigAttribute).utf8)], limits: limits)) {
            XCTAssertEqual($0 as? XMLStreamError, .stanzaTooLarge(limit: 1000))
        }
    }

    func testStanzaSizeLimitIsExactInAnyChunking() throws {
        func stanza(bytes: Int) -> String {
            let markup = "<message><body></body></message>"
            return "<message><body>" + String(repeating: "é", count: (bytes - markup.utf8.count) / 2)
                + String(repeating: "x", count: (bytes - markup.utf8.count) % 2) + "</body></message>"
        }
        let limits = XMLLimits(maxStanzaBytes: 200)
        // After a first stanza, the next one is measured from the first one's end.
        let fits = Array((streamHeaderXML + "<a/>" + stanza(bytes: 200)).utf8)
        let over = Array((streamHeaderXML + "<a/>" + stanza(bytes: 201)).utf8)
        XCTAssertEqual(stanza(bytes: 201).utf8.count, 201)
        for split in 0...fits.count {
            XCTAssertEqual(
                try parseStream([Array(fits[..<split]), Array(fits[split...])], limits: limits).count, 3)
        }
        XCTAssertEqual(try parseStream(fits.map { [$0] }, limits: limits).count, 3)
        let splits = (0...over.count).map { [Array(over[..<$0]), Array(over[$0...])] }
        for chunks in [[over], over.map { [$0] }] + splits {
            XCTAssertThrowsError(try parseStream(chunks, limits: limits)) {
                XCTAssertEqual($0 as? XMLStreamError, .stanzaTooLarge(limit: 200))
            }
        }
    }

    /// Feeds 64 KiB chunks of `filler` after `prefix` until the parser throws, and returns
    /// the error and how many bytes it took.
    private func feedEndlessly(
        prefix: String, filler: UInt8, limits: XMLLimits = .default
    ) -> (XMLStreamError?, Int) {
        let parser = XMLStreamParser(limits: limits)
        let chunk = [UInt8](repeating: filler, count: 64 << 10)
        var fed = prefix.utf8.count
        do {
            _ = try parser.feed(Array(prefix.utf8))
            for _ in 0..<200 {
                fed += chunk.count
                _ = try parser.feed(chunk)
            }
        } catch {
            return (error, fed)
        }
        return (nil, fed)
    }

    func testEndlessTextStopsWithinTheLimit() {
        let (error, fed) = feedEndlessly(
            prefix: streamHeaderXML + "<message><body>", filler: UInt8(ascii: "a"))
        XCTAssertEqual(error, .stanzaTooLarge(limit: 1 << 20))
        XCTAssertLessThanOrEqual(fed, (1 << 20) + 2 * (64 << 10))
    }

    func testEndlessStartTagStopsWithinTheLimit() {
        let (error, fed) = feedEndlessly(prefix: streamHeaderXML + "<message to='", filler: UInt8(ascii: "a"))
        XCTAssertEqual(error, .stanzaTooLarge(limit: 1 << 20))
        XCTAssertLessThanOrEqual(fed, (1 << 20) + 2 * (64 << 10))
        let (nameError, nameFed) = feedEndlessly(prefix: streamHeaderXML + "<", filler: UInt8(ascii: "a"))
        XCTAssertEqual(nameError, .stanzaTooLarge(limit: 1 << 20))
        XCTAssertLessThanOrEqual(nameFed, (1 << 20) + 2 * (64 << 10))
    }

    func testEndlessStreamHeaderStopsWithinTheHeaderLimit() {
        let (error, fed) = feedEndlessly(prefix: "<stream:stream from='", filler: UInt8(ascii: "a"))
        XCTAssertEqual(error, .stanzaTooLarge(limit: 64 << 10))
        XCTAssertLessThanOrEqual(fed, 3 * (64 << 10))
        let (blankError, _) = feedEndlessly(prefix: "", filler: UInt8(ascii: " "))
        XCTAssertEqual(blankError, .stanzaTooLarge(limit: 64 << 10))
    }
}
