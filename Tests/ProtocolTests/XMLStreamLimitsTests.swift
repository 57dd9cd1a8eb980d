import Foundation
import Glibc
import XCTest
import XMPPProtocol

/// Depth, size and name limits. A stanza that breaks one is any sender's doing: it is
/// dropped whole and the stream goes on, with memory flat however long it is. What breaks
/// the stream itself (its header) ends it with a typed error.
final class XMLStreamLimitsTests: XCTestCase {
    private func nested(_ depth: Int) -> String {
        String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
    }

    private let after = "<message id='after'><body>still here</body></message>"

    /// The events of a stream made of the header and `body`, whole and byte by byte, which
    /// must agree.
    private func events(_ body: String, limits: XMLLimits = .default, file: StaticString = #filePath, line: UInt = #line) throws -> [XMLStreamEvent] {
        let bytes = Array((streamHeaderXML + body).utf8)
        let whole = try parseStream([bytes], limits: limits)
        XCTAssertEqual(try parseStream(bytes.map { [$0] }, limits: limits), whole, "byte by byte", file: file, line: line)
        return Array(whole.dropFirst())
    }

    private func dropped(_ event: XMLStreamEvent?) -> DroppedStanza? {
        guard case .droppedStanza(let dropped)? = event else { return nil }
        return dropped
    }

    private func elementID(_ event: XMLStreamEvent?) -> String? {
        guard case .element(let element)? = event else { return nil }
        return element[attribute: "id"]
    }

    func testDepthLimitCountsFromTheStanza() throws {
        XCTAssertEqual(try events(nested(32)).count, 1)
        let tooDeep = try events(nested(33) + after)
        XCTAssertEqual(dropped(tooDeep.first)?.reason, .tooDeep(limit: 32))
        XCTAssertEqual(dropped(tooDeep.first)?.element?.name, "a")
        XCTAssertEqual(elementID(tooDeep.last), "after")
        XCTAssertEqual(tooDeep.count, 2)

        let small = XMLLimits(maxDepth: 2)
        XCTAssertEqual(try events(nested(2), limits: small).count, 1)
        XCTAssertEqual(dropped(try events(nested(3), limits: small).first)?.reason, .tooDeep(limit: 2))
        // An empty element counts as a level too.
        XCTAssertEqual(dropped(try events("<a><b/></a>", limits: XMLLimits(maxDepth: 1)).first)?.reason, .tooDeep(limit: 1))
    }

    /// Far past libxml2's own limit of 256 levels, which would end the stream.
    func testAThousandLevelsAreDroppedAndTheStreamGoesOn() throws {
        let stanza = "<message from='mallory@example.com/x' id='deep'>" + nested(1000) + "</message>"
        let result = try events(stanza + after)
        XCTAssertEqual(result.count, 2)
        let drop = try XCTUnwrap(dropped(result.first))
        XCTAssertEqual(drop.reason, .tooDeep(limit: 32))
        XCTAssertEqual(drop.qualifiedName, "message")
        XCTAssertEqual(drop.element?[attribute: "from"], "mallory@example.com/x")
        XCTAssertEqual(drop.element?[attribute: "id"], "deep")
        XCTAssertEqual(drop.element?.namespace, "jabber:client")
        XCTAssertEqual(drop.element?.children, [])
        XCTAssertTrue(drop.isStanza)
        XCTAssertEqual(elementID(result.last), "after")
    }

    func testStanzaSizeLimit() throws {
        let limits = XMLLimits(maxStanzaBytes: 1000)
        let fits = "<message><body>" + String(repeating: "x", count: 900) + "</body></message>"
        let tooBig = "<message id='big'><body>" + String(repeating: "x", count: 1100) + "</body></message>"
        // Many stanzas that fit, one after another: the count starts over for each.
        XCTAssertEqual(try events(String(repeating: fits, count: 20), limits: limits).count, 20)
        let result = try events(fits + tooBig + after, limits: limits)
        XCTAssertEqual(result.count, 3)
        XCTAssertEqual(dropped(result[1])?.reason, .tooLarge(limit: 1000))
        XCTAssertEqual(dropped(result[1])?.element?[attribute: "id"], "big")
        XCTAssertEqual(elementID(result[2]), "after")
        // A start tag that alone is too large: nothing of it is known but its name.
        let bigAttribute = "<message to='" + String(repeating: "y", count: 1100) + "'/>"
        let startTagOnly = try XCTUnwrap(dropped(try events(bigAttribute + after, limits: limits).first))
        XCTAssertEqual(startTagOnly.reason, .tooLarge(limit: 1000))
        XCTAssertEqual(startTagOnly.qualifiedName, "message")
        XCTAssertNil(startTagOnly.element)
        XCTAssertTrue(startTagOnly.isStanza)
    }

    func testStanzaSizeLimitIsExactInAnyChunking() throws {
        func stanza(bytes: Int) -> String {
            let markup = "<message><body></body></message>"
            return "<message><body>" + String(repeating: "é", count: (bytes - markup.utf8.count) / 2)
                + String(repeating: "x", count: (bytes - markup.utf8.count) % 2) + "</body></message>"
        }
        let limits = XMLLimits(maxStanzaBytes: 200)
        // After a first stanza, the next one is measured from the first one's end.
        let fits = Array((streamHeaderXML + "<a/>" + stanza(bytes: 200) + "<b/>").utf8)
        let over = Array((streamHeaderXML + "<a/>" + stanza(bytes: 201) + "<b/>").utf8)
        XCTAssertEqual(stanza(bytes: 201).utf8.count, 201)
        let overSplits = (0...over.count).map { [Array(over[..<$0]), Array(over[$0...])] }
        for chunks in [[over], over.map { [$0] }] + overSplits {
            let result = try parseStream(chunks, limits: limits)
            XCTAssertEqual(result.count, 4)
            XCTAssertEqual(dropped(result[2])?.reason, .tooLarge(limit: 200))
        }
        for split in 0...fits.count {
            let result = try parseStream([Array(fits[..<split]), Array(fits[split...])], limits: limits)
            XCTAssertEqual(result.count, 4)
            XCTAssertNil(dropped(result[2]))
        }
    }

    func testNameLimitKeepsLibxml2sOwnOutOfReach() throws {
        let longName = String(repeating: "n", count: 60_000)
        for stanza in [
            "<message id='1'><\(longName)/></message>",
            "<message id='1'><x \(longName)='v'/></message>",
            "<message id='1'><x></\(longName)></message>",
        ] {
            let result = try events(stanza + after)
            XCTAssertEqual(dropped(result.first)?.reason, .nameTooLong(limit: 4096), String(stanza.prefix(30)))
            XCTAssertEqual(elementID(result.last), "after")
        }
        let named = try XCTUnwrap(dropped(try events("<\(longName)/>" + after).first))
        XCTAssertEqual(named.qualifiedName.utf8.count, 4096)
        XCTAssertFalse(named.isStanza)
    }

    /// Names are taken in runs: the limit still falls on the byte that breaks it, for an
    /// element's name, an attribute's and an end tag's, however the reads fell, and so does
    /// the size limit when it falls inside a name.
    func testNameLimitIsExactInAnyChunking() throws {
        let limits = XMLLimits(maxNameBytes: 8)
        let fit = "abcdefgh", over = "abcdefghi"
        let cases: [(stanza: String, dropped: Bool)] = [
            ("<message id='1'><\(fit)/></message>", false), ("<message id='1'><\(over)/></message>", true),
            ("<message id='1'><x \(fit)='v'/></message>", false), ("<message id='1'><x \(over)='v'/></message>", true),
            ("<message id='1'><x></x  ></message>", false), ("<message id='1'><\(fit)></\(fit)></message>", false),
            ("<message id='1'><x></\(over)></message>", true),
            ("<\(fit) id='1'/>", false), ("<\(over) id='1'/>", true),
        ]
        for (stanza, isDropped) in cases {
            let bytes = Array((streamHeaderXML + stanza + "<a/>").utf8)
            for split in 0...bytes.count {
                let result = try parseStream([Array(bytes[..<split]), Array(bytes[split...])], limits: limits)
                XCTAssertEqual(result.count, 3, "\(stanza) split at \(split)")
                let reason = dropped(result[1])?.reason
                XCTAssertEqual(reason, isDropped ? .nameTooLong(limit: 8) : nil, "\(stanza) split at \(split)")
                if isDropped, stanza.hasPrefix("<\(over)") {
                    XCTAssertEqual(dropped(result[1])?.qualifiedName, fit, "cut at the limit")
                }
            }
        }
        // 30 bytes of stanza end inside an attribute's name, then inside its value: the 31st
        // breaks the size limit.
        for stanza in ["<message id='1' abcdefghijklmnop='v'/>", "<message id='1' a='abcdefghijklmnopq'/>"] {
            let sized = Array((streamHeaderXML + stanza + "<a/>").utf8)
            for split in 0...sized.count {
                let result = try parseStream([Array(sized[..<split]), Array(sized[split...])], limits: XMLLimits(maxStanzaBytes: 30))
                XCTAssertEqual(dropped(result[1])?.reason, .tooLarge(limit: 30), "\(stanza) split at \(split)")
                XCTAssertEqual(dropped(result[1])?.element, nil, "the start tag was not complete")
            }
        }
        // Attributes in every shape the start tag allows still give the same element.
        let shapes = "<message id='s' a = \"1\"  b='2'\tc\n=\n'3'/>"
        let bytes = Array((streamHeaderXML + shapes + "<a/>").utf8)
        for split in 0...bytes.count {
            let result = try parseStream([Array(bytes[..<split]), Array(bytes[split...])])
            guard case .element(let element)? = result.dropFirst().first else { return XCTFail("split at \(split)") }
            XCTAssertEqual(element.attributes.map(\.value), ["s", "1", "2", "3"], "split at \(split)")
        }
    }

    /// Markup that hides angle brackets must not fool the count of levels.
    func testCDATAAndQuotedValuesDoNotCountAsElements() throws {
        let tricky = "<message id='q' a='x>y' b=\"/>\"><body><![CDATA[<a><b><c>]]]]></body></message>"
        let result = try events(tricky + after, limits: XMLLimits(maxDepth: 2))
        XCTAssertEqual(result.map(elementID), ["q", "after"])
    }

    func testNonStanzaElementsThatBreakALimitAreReportedAsSuch() throws {
        let features = try XCTUnwrap(dropped(try events("<stream:features>" + nested(40) + "</stream:features>").first))
        XCTAssertEqual(features.qualifiedName, "stream:features")
        XCTAssertEqual(features.element?.namespace, "http://etherx.jabber.org/streams")
        XCTAssertFalse(features.isStanza)
        let foreign = try XCTUnwrap(dropped(try events("<message xmlns='urn:other'>" + nested(40) + "</message>").first))
        XCTAssertFalse(foreign.isStanza)
    }

    func testMalformedXMLInsideAStanzaIsStillAStreamError() {
        // Found as it arrives, before the stanza could ever end or break a limit.
        XCTAssertThrowsError(try parseStream([Array((streamHeaderXML + "<message><body></message>").utf8)])) {
            guard case .malformed = $0 as? XMLStreamError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try parseStream([Array((streamHeaderXML + "<message><!-- x --></message>").utf8)])) {
            guard case .restricted = $0 as? XMLStreamError else { return XCTFail("\($0)") }
        }
    }

    /// The most memory this process has held since `resetPeakMemory`: what shows whether
    /// something grew while a stream was parsed.
    private func peakMemory() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Makes the peak start again from what the process holds now (Linux: clear_refs 5).
    private func resetPeakMemory() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return XCTFail("cannot reset the peak memory") }
        _ = write(fd, "5", 1)
        close(fd)
    }

    func testAnEndlessStanzaIsSkippedWithFlatMemory() throws {
        for prefix in ["<message><body>", "<message to='", "<", "<message>" + nested(40)] {
            let parser = XMLStreamParser()
            var events = try parser.feed(Array((streamHeaderXML + prefix).utf8))
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 10)
            resetPeakMemory()
            let before = peakMemory()
            for _ in 0..<256 { events += try parser.feed(chunk) }  // 16 MiB
            XCTAssertLessThan(peakMemory() - before, 2 << 20, prefix)
            // The header, and the drop, reported at once although the stanza never ends.
            XCTAssertEqual(events.count, 2, prefix)
            XCTAssertNotNil(dropped(events.last), prefix)
        }
    }

    func testEndlessStreamHeaderStopsWithinTheHeaderLimit() {
        for (prefix, filler) in [("<stream:stream from='", UInt8(ascii: "a")), ("", UInt8(ascii: " "))] {
            let parser = XMLStreamParser()
            var fed = prefix.utf8.count
            var failure: XMLStreamError?
            do {
                _ = try parser.feed(Array(prefix.utf8))
                for _ in 0..<10 {
                    fed += 64 << 10
                    _ = try parser.feed([UInt8](repeating: filler, count: 64 << 10))
                }
            } catch {
                failure = error
            }
            XCTAssertEqual(failure, .headerTooLarge(limit: 64 << 10))
            XCTAssertLessThanOrEqual(fed, 2 * (64 << 10) + prefix.utf8.count)
        }
    }

    /// libxml2 keeps every name it has seen in a dictionary; a stream that lasts months and
    /// carries ever-new names must not make it grow without bound.
    func testAMillionStanzasWithNewNamesKeepMemoryFlat() throws {
        let parser = XMLStreamParser()
        _ = try parser.feed(Array(streamHeaderXML.utf8))
        var baseline = 0
        var count = 0
        for round in 0..<100 {
            var batch = ""
            for index in 0..<10_000 {
                let name = "n\(round)x\(index)"
                batch += "<\(name) \(name)a='1'/>"
            }
            count += try parser.feed(Array(batch.utf8)).count
            if round == 9 {
                resetPeakMemory()
                baseline = peakMemory()
            }
        }
        XCTAssertEqual(count, 1_000_000)
        // Without fresh parses this grows by about 100 MB. With them it levels off (glibc
        // raises its mmap threshold after large frees and keeps some of what is freed in its
        // heap, which reaches a plateau near 20 MB above a fresh start).
        XCTAssertLessThan(peakMemory() - baseline, 32 << 20)
    }
}
