import XCTest
import XMPPProtocol

final class XMLFragmentParserTests: XCTestCase {
    private func feed(_ text: String, into parser: XMLFragmentParser) throws -> [XMLElement] {
        try parser.feed(Array(text.utf8))
    }

    private func error(_ body: () throws -> Void) -> XMLStreamError? {
        do {
            try body()
            return nil
        } catch {
            return error as? XMLStreamError
        }
    }

    func testTwoElementsOnOneLine() throws {
        let parser = XMLFragmentParser()
        let elements = try feed("<presence/> <message to='a@b'><body>hi &amp; bye</body></message>\n", into: parser)
        XCTAssertEqual(elements, [
            XMLElement("presence", namespace: "jabber:client"),
            XMLElement("message", namespace: "jabber:client", attributes: ["to": "a@b"], children: [
                .element(XMLElement("body", namespace: "jabber:client", children: [.text("hi & bye")])),
            ]),
        ])
        XCTAssertNoThrow(try parser.finish())
    }

    func testOneElementAcrossManyLines() throws {
        let parser = XMLFragmentParser()
        XCTAssertEqual(try feed("<iq type='get'\n", into: parser), [])
        XCTAssertEqual(try feed("    id='r1'>\n", into: parser), [])
        XCTAssertEqual(try feed("  <query xmlns='jabber:iq:roster'/>\n", into: parser), [])
        let elements = try feed("</iq>\n", into: parser)
        XCTAssertEqual(elements.count, 1)
        XCTAssertEqual(elements.first?[attribute: "id"], "r1")
        XCTAssertEqual(elements.first?.child("query", namespace: "jabber:iq:roster")?.name, "query")
        XCTAssertNoThrow(try parser.finish())
    }

    func testDefaultNamespaceIsConfigurable() throws {
        let parser = XMLFragmentParser(defaultNamespace: "jabber:server")
        XCTAssertEqual(try feed("<a/><b xmlns='urn:x'/>", into: parser), [
            XMLElement("a", namespace: "jabber:server"), XMLElement("b", namespace: "urn:x"),
        ])
    }

    func testMalformedInputReportsTheUsersLineAndColumn() throws {
        let parser = XMLFragmentParser()
        XCTAssertEqual(try feed("<a/>\n<b>\n", into: parser).count, 1)
        let thrown = error { _ = try self.feed("</c>\n", into: parser) }
        XCTAssertEqual(thrown, .malformed(
            message: "Opening and ending tag mismatch: b line 2 and c", line: 3, column: 5))
        // The parser stays dead.
        XCTAssertEqual(error { _ = try self.feed("<d/>", into: parser) }, thrown)
        XCTAssertEqual(error { try parser.finish() }, thrown)
    }

    func testErrorOnTheFirstLineIsNotShiftedByTheWrapper() {
        let parser = XMLFragmentParser()
        XCTAssertEqual(
            error { _ = try self.feed("<a></b>", into: parser) },
            .malformed(message: "Opening and ending tag mismatch: a line 1 and b", line: 1, column: 8))
        let stray = XMLFragmentParser()
        XCTAssertEqual(
            error { _ = try self.feed("<a/></x>", into: stray) },
            .malformed(message: "end tag without a matching start tag", line: 1, column: 9))
        let comment = XMLFragmentParser()
        XCTAssertEqual(
            error { _ = try self.feed("<a/><!--x-->", into: comment) },
            .restricted("comment", line: 1, column: 13))
    }

    func testTextOutsideElementsIsRejected() {
        let parser = XMLFragmentParser()
        guard case .malformed("text outside an element", 1, _)? = error({
            _ = try self.feed("hello <a/>", into: parser)
        }) else { return XCTFail("text accepted") }
        let trailing = XMLFragmentParser()
        XCTAssertEqual(try feed("<a/>hello", into: trailing).count, 1)
        XCTAssertEqual(error { try trailing.finish() }, .malformed(message: "text outside an element", line: 1, column: 10))
    }

    func testIncompleteInputAtEndOfInput() throws {
        let insideElement = XMLFragmentParser()
        _ = try feed("<message>\n  <body>hi", into: insideElement)
        XCTAssertEqual(
            error { try insideElement.finish() },
            .malformed(message: "end of input inside <body>", line: 2, column: 11))

        let insideTag = XMLFragmentParser()
        _ = try feed("<a/>\n<message to='x'", into: insideTag)
        XCTAssertEqual(
            error { try insideTag.finish() },
            .malformed(message: "end of input inside a tag", line: 2, column: 16))

        let insideCharacter = XMLFragmentParser()
        _ = try insideCharacter.feed(Array("<a>".utf8) + [0xF0, 0x9F])
        guard case .malformed? = error({ try insideCharacter.finish() }) else {
            return XCTFail("truncated UTF-8 accepted at end of input")
        }
    }

    func testCompleteInputFinishesCleanly() throws {
        let parser = XMLFragmentParser()
        _ = try feed("<a>😀</a>\n\n  \t", into: parser)
        XCTAssertNoThrow(try parser.finish())
    }

    func testRestrictionsAndLimitsApply() {
        let entity = XMLFragmentParser()
        guard case .restricted("entity reference &e;", 1, _)? = error({
            _ = try self.feed("<a>&e;</a>", into: entity)
        }) else { return XCTFail("entity accepted") }
        let deep = XMLFragmentParser(limits: XMLLimits(maxDepth: 1))
        XCTAssertEqual(error { _ = try self.feed("<a><b/></a>", into: deep) }, .tooDeep(limit: 1))
    }

    func testElementsBeforeAMistakeInTheSameFeedAreKept() {
        let parser = XMLFragmentParser()
        XCTAssertThrowsError(try parser.feed(Array("<a/><b>x</c>".utf8)))
        XCTAssertEqual(parser.completedBeforeFailure.map(\.name), ["a"])
    }
}
