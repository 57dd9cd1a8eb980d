import XCTest

@testable import XMPPProtocol

/// Splitting, canonical form and the RFC 7622 §3.5 examples.
final class JIDTests: XCTestCase {
    private func parts(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [String?] {
        do {
            let jid = try JID(text)
            return [jid.localpart, jid.domainpart, jid.resourcepart]
        } catch {
            XCTFail("\"\(text)\" rejected: \(error.message)", file: file, line: line)
            return []
        }
    }

    private func error(_ text: String) -> JIDError? {
        do {
            let jid = try JID(text)
            XCTFail("\"\(text)\" accepted as \(jid)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: RFC 7622 §3.5, Table 1

    func testLegalExamplesFromTable1() {
        XCTAssertEqual(parts("juliet@example.com"), ["juliet", "example.com", nil])
        XCTAssertEqual(parts("juliet@example.com/foo"), ["juliet", "example.com", "foo"])
        XCTAssertEqual(parts("juliet@example.com/foo bar"), ["juliet", "example.com", "foo bar"])
        XCTAssertEqual(parts("juliet@example.com/foo@bar"), ["juliet", "example.com", "foo@bar"])
        XCTAssertEqual(parts(#"foo\20bar@example.com"#), [#"foo\20bar"#, "example.com", nil])
        XCTAssertEqual(parts("fussball@example.com"), ["fussball", "example.com", nil])
        XCTAssertEqual(parts("fu\u{DF}ball@example.com"), ["fu\u{DF}ball", "example.com", nil])
        XCTAssertEqual(parts("\u{3C0}@example.com"), ["\u{3C0}", "example.com", nil])
        XCTAssertEqual(parts("\u{3A3}@example.com/foo"), ["\u{3C3}", "example.com", "foo"])
        XCTAssertEqual(parts("\u{3C3}@example.com/foo"), ["\u{3C3}", "example.com", "foo"])
        XCTAssertEqual(parts("\u{3C2}@example.com/foo"), ["\u{3C2}", "example.com", "foo"])
        XCTAssertEqual(parts("king@example.com/\u{265A}"), ["king", "example.com", "\u{265A}"])
        XCTAssertEqual(parts("example.com"), [nil, "example.com", nil])
        XCTAssertEqual(parts("example.com/foobar"), [nil, "example.com", "foobar"])
        XCTAssertEqual(parts("a.example.com/b@example.net"), [nil, "a.example.com", "b@example.net"])
    }

    func testExamplesSixToElevenCompareAsTheRFCSays() throws {
        XCTAssertNotEqual(try JID("fussball@example.com"), try JID("fu\u{DF}ball@example.com"))
        XCTAssertEqual(try JID("\u{3A3}@example.com/foo"), try JID("\u{3C3}@example.com/foo"))
        XCTAssertNotEqual(try JID("\u{3C2}@example.com/foo"), try JID("\u{3C3}@example.com/foo"))
    }

    // MARK: RFC 7622 §3.5, Table 2

    func testIllegalExamplesFromTable2() {
        XCTAssertEqual(error(#""juliet"@example.com"#), .forbiddenCharacter(part: "localpart", character: "\""))
        XCTAssertEqual(error("foo bar@example.com"), .forbiddenCharacter(part: "localpart", character: " "))
        XCTAssertEqual(error("juliet@example.com/ foo"), .forbiddenCharacter(part: "resourcepart", character: " "))
        XCTAssertEqual(error("@example.com/"), .emptyPart("localpart"))
        XCTAssertEqual(error("henry\u{2163}@example.com"), .forbiddenCharacter(part: "localpart", character: "\u{2163}"))
        XCTAssertEqual(error("\u{265A}@example.com"), .forbiddenCharacter(part: "localpart", character: "\u{265A}"))
        XCTAssertEqual(error("juliet@"), .emptyPart("domainpart"))
        XCTAssertEqual(error("/foobar"), .emptyPart("domainpart"))
    }

    // MARK: Splitting (RFC 7622 §3.1, §3.2)

    func testResourceStartsAtTheFirstSlashAndKeepsLaterSeparators() {
        XCTAssertEqual(parts("room@muc.example.org/nick/with/slashes"), ["room", "muc.example.org", "nick/with/slashes"])
        XCTAssertEqual(parts("a@b.example/c@d/e"), ["a", "b.example", "c@d/e"])
        XCTAssertEqual(parts("b.example/c@d"), [nil, "b.example", "c@d"])
    }

    func testLocalpartEndsAtTheFirstAt() {
        XCTAssertEqual(error("a@b@example.org"), .forbiddenCharacter(part: "domainpart", character: "@"))
    }

    func testSeparatorFollowedByCombiningMarkStillSeparates() {
        // "/" + U+0301 is one Character in Swift; RFC 7622 splits before any mapping.
        XCTAssertEqual(parts("juliet@example.com/\u{301}x"), ["juliet", "example.com", "\u{301}x"])
        XCTAssertEqual(parts("juliet@\u{301}example.com"), ["juliet", "\u{301}example.com", nil])
    }

    func testEmptyInputAndEmptyParts() {
        XCTAssertEqual(error(""), .empty)
        XCTAssertEqual(error("@example.org"), .emptyPart("localpart"))
        XCTAssertEqual(error("a@example.org/"), .emptyPart("resourcepart"))
        XCTAssertEqual(error("a@/r"), .emptyPart("domainpart"))
        XCTAssertEqual(error("@"), .emptyPart("localpart"))
        XCTAssertEqual(error("/"), .emptyPart("domainpart"))
    }

    // MARK: Canonical form

    func testLocalpartAndDomainpartAreLowercasedResourceIsNot() throws {
        let jid = try JID("Juliet@Example.COM/Balcony")
        XCTAssertEqual(jid.description, "juliet@example.com/Balcony")
        XCTAssertEqual(jid, try JID("juliet@example.com/Balcony"))
        XCTAssertNotEqual(jid, try JID("juliet@example.com/balcony"))
    }

    func testTrailingDotOfDomainIsStripped() throws {
        XCTAssertEqual(try JID("juliet@example.com./r"), try JID("juliet@example.com/r"))
        XCTAssertEqual(try JID("example.com.").description, "example.com")
        XCTAssertEqual(error("."), .emptyPart("domainpart"))
        XCTAssertEqual(error("a@example.com.."), .invalidDomain("\"example.com.\" has an empty label"))
    }

    func testNonASCIISpacesInResourceAreMappedToASCIISpace() throws {
        XCTAssertEqual(try JID("a@b.example/x\u{3000}y").resourcepart, "x y")
        XCTAssertEqual(try JID("a@b.example/x\u{A0}y").resourcepart, "x y")
    }

    func testBareAndIsBare() throws {
        let full = try JID("juliet@example.com/balcony")
        XCTAssertFalse(full.isBare)
        XCTAssertTrue(full.bare.isBare)
        XCTAssertEqual(full.bare, try JID("juliet@example.com"))
        XCTAssertEqual(full.bare.description, "juliet@example.com")
        XCTAssertEqual(try JID("example.com/r").bare.description, "example.com")
    }

    func testWithResourceValidatesTheResource() throws {
        let bare = try JID("juliet@example.com")
        XCTAssertEqual(try bare.withResource("phone").description, "juliet@example.com/phone")
        XCTAssertEqual(try bare.withResource("phone").withResource(nil), bare)
        XCTAssertThrowsError(try bare.withResource("")) { XCTAssertEqual($0 as? JIDError, .emptyPart("resourcepart")) }
    }

    func testPartwiseInitialiserAppliesTheSameRules() throws {
        let jid = try JID(localpart: "Romeo", domainpart: "Example.NET.", resourcepart: "orchard/1")
        XCTAssertEqual(jid.description, "romeo@example.net/orchard/1")
        XCTAssertThrowsError(try JID(localpart: "a@b", domainpart: "example.net", resourcepart: nil)) {
            XCTAssertEqual($0 as? JIDError, .forbiddenCharacter(part: "localpart", character: "@"))
        }
        XCTAssertThrowsError(try JID(localpart: "", domainpart: "example.net", resourcepart: nil)) {
            XCTAssertEqual($0 as? JIDError, .emptyPart("localpart"))
        }
        XCTAssertThrowsError(try JID(localpart: nil, domainpart: "a/b", resourcepart: nil)) {
            XCTAssertEqual($0 as? JIDError, .forbiddenCharacter(part: "domainpart", character: "/"))
        }
    }

    func testDescriptionRoundTrips() throws {
        for text in ["a@b.example", "b.example/r", "a@b.example/r/s@t", "[::1]", "x@192.0.2.1/r"] {
            let jid = try JID(text)
            XCTAssertEqual(try JID(jid.description), jid, text)
            XCTAssertEqual(jid.description, text)
        }
    }

    // MARK: Messages

    func testMessagesNameTheJIDAndTheProblemOnOneLine() {
        XCTAssertEqual(
            JIDError.forbiddenCharacter(part: "localpart", character: " ").message(forJID: "foo bar@example.com"),
            "invalid JID \"foo bar@example.com\": the localpart must not contain U+0020 (space)")
        XCTAssertEqual(
            JIDError.forbiddenCharacter(part: "localpart", character: "<").message,
            "the localpart must not contain '<'")
        XCTAssertEqual(
            JIDError.emptyPart("domainpart").message(forJID: "juliet@"), "invalid JID \"juliet@\": the domainpart is empty")
        XCTAssertEqual(
            JIDError.tooLong(part: "localpart", bytes: 1024).message, "the localpart is 1024 bytes long (at most 1023 allowed)")
        // The character is named; the input is quoted as given, for Commands to escape.
        let withControl = JIDError.forbiddenCharacter(part: "resourcepart", character: "\u{1B}").message(forJID: "a@b/\u{1B}[31m")
        XCTAssertEqual(withControl, "invalid JID \"a@b/\u{1B}[31m\": the resourcepart must not contain U+001B")
    }
}
