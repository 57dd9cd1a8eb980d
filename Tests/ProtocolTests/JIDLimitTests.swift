import XCTest

@testable import XMPPProtocol

/// Length limits, forbidden characters and domainpart forms.
final class JIDLimitTests: XCTestCase {
    private func error(_ make: () throws(JIDError) -> JID) -> JIDError? {
        do {
            let jid = try make()
            XCTFail("accepted as \(jid)")
            return nil
        } catch {
            return error
        }
    }

    /// A domain of `bytes` ASCII octets made of labels of at most 63.
    private func domain(bytes: Int) -> String {
        var labels: [String] = []
        var left = bytes
        while left > 0 {
            // 63 bytes and a dot at a time; 64 left would end on an empty label, so split it 62 + dot + 1.
            let size = left <= 63 ? left : (left == 64 ? 62 : 63)
            labels.append(String(repeating: "d", count: size))
            left -= size
            if left > 0 { left -= 1 }
        }
        let text = labels.joined(separator: ".")
        precondition(text.utf8.count == bytes)
        return text
    }

    // MARK: 1023 octets per part, counted in UTF-8

    func testLocalpartOf1023BytesIsAcceptedAnd1024Rejected() throws {
        let ok = String(repeating: "a", count: 1023)
        XCTAssertEqual(try JID("\(ok)@example.org").localpart?.utf8.count, 1023)
        XCTAssertEqual(error { () throws(JIDError) in try JID("\(ok)a@example.org") }, .tooLong(part: "localpart", bytes: 1024))
    }

    func testLengthIsCountedInUTF8Bytes() throws {
        // U+00E9 is two bytes: 511 of them plus one ASCII letter is 1023 bytes, 512 is 1024.
        let ok = String(repeating: "\u{E9}", count: 511) + "a"
        XCTAssertEqual(try JID("\(ok)@example.org").localpart?.utf8.count, 1023)
        let long = String(repeating: "\u{E9}", count: 512)
        XCTAssertEqual(long.count, 512)
        XCTAssertEqual(error { () throws(JIDError) in try JID("\(long)@example.org") }, .tooLong(part: "localpart", bytes: 1024))
        // U+265A is three bytes: 341 of them are 1023 bytes.
        XCTAssertNoThrow(try JID("a@example.org/" + String(repeating: "\u{265A}", count: 341)))
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a@example.org/" + String(repeating: "\u{265A}", count: 341) + "x") },
            .tooLong(part: "resourcepart", bytes: 1024))
    }

    func testResourcepartOf1023BytesIsAcceptedAnd1024Rejected() throws {
        let ok = String(repeating: "r", count: 1023)
        XCTAssertEqual(try JID("a@example.org/\(ok)").resourcepart?.utf8.count, 1023)
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a@example.org/\(ok)r") }, .tooLong(part: "resourcepart", bytes: 1024))
    }

    func testDomainpartOf1023BytesIsAcceptedAnd1024Rejected() throws {
        XCTAssertEqual(try JID(domain(bytes: 1023)).domainpart.utf8.count, 1023)
        XCTAssertEqual(error { () throws(JIDError) in try JID(domain(bytes: 1024)) }, .tooLong(part: "domainpart", bytes: 1024))
        // The trailing dot is stripped before the length is checked.
        XCTAssertNoThrow(try JID(domain(bytes: 1023) + "."))
    }

    func testAThreeThousandOctetJIDWithEveryPartAtTheLimitIsValid() throws {
        let text = String(repeating: "l", count: 1023) + "@" + domain(bytes: 1023) + "/" + String(repeating: "r", count: 1023)
        XCTAssertEqual(text.utf8.count, 3071)
        XCTAssertEqual(try JID(text).description, text)
    }

    // MARK: Localpart characters (RFC 7622 §3.3.1 and the IdentifierClass)

    func testEachCharacterExcludedFromLocalpartsIsRejected() {
        for character in [
            "\"", "&", "'", "/", ":", "<", ">", "@", " ", "\t", "\n", "\r", "\u{0}", "\u{7F}", "\u{85}", "\u{A0}", "\u{3000}",
            "\u{200B}", "\u{200D}",
        ] {
            let expected = JIDError.forbiddenCharacter(part: "localpart", character: character)
            // "/" and "@" would split a parsed string, so check them through the part-wise initialiser.
            XCTAssertEqual(
                error { () throws(JIDError) in try JID(localpart: "a\(character)b", domainpart: "example.org", resourcepart: nil)
                },
                expected, "U+\(String(character.unicodeScalars.first!.value, radix: 16))")
        }
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a:b@example.org") }, .forbiddenCharacter(part: "localpart", character: ":"))
    }

    func testLocalpartAcceptsASCIIPunctuationLettersAndDigitsOfAnyScript() throws {
        XCTAssertEqual(try JID("a.b-c_d+e!#$%()*,;=?[]^`{|}~9@example.org").localpart, "a.b-c_d+e!#$%()*,;=?[]^`{|}~9")
        XCTAssertEqual(try JID("\u{41F}\u{451}\u{442}\u{440}@example.org").localpart, "\u{43F}\u{451}\u{442}\u{440}")
        XCTAssertEqual(try JID("\u{645}\u{62D}\u{645}\u{62F}@example.org").localpart, "\u{645}\u{62D}\u{645}\u{62F}")
        XCTAssertNoThrow(try JID("\u{65E5}\u{672C}\u{0663}@example.org"))
    }

    func testLocalpartRejectsSymbolsAndNonASCIIPunctuation() {
        for character in ["\u{2603}", "\u{20AC}", "\u{2014}", "\u{1F600}", "\u{E000}"] {
            XCTAssertEqual(
                error { () throws(JIDError) in try JID("a\(character)@example.org") },
                .forbiddenCharacter(part: "localpart", character: character), character)
        }
    }

    // MARK: Resourcepart characters (OpaqueString)

    func testResourcepartAcceptsSpacesSymbolsAndSeparatorsInside() throws {
        XCTAssertEqual(
            try JID("a@example.org/My Laptop \u{2603} @ home: \"x\" <y> & 'z'").resourcepart,
            "My Laptop \u{2603} @ home: \"x\" <y> & 'z'")
    }

    func testResourcepartRejectsControlsFormatCharactersAndLineSeparators() {
        for character in [
            "\u{0}", "\t", "\n", "\r", "\u{1B}", "\u{7F}", "\u{85}", "\u{200E}", "\u{2028}", "\u{2029}", "\u{E000}", "\u{FEFF}",
        ] {
            XCTAssertEqual(
                error { () throws(JIDError) in try JID("a@example.org/x\(character)y") },
                .forbiddenCharacter(part: "resourcepart", character: character), character.debugDescription)
        }
    }

    func testResourcepartMustNotBeginOrEndWithASpace() {
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a@example.org/x ") },
            .forbiddenCharacter(part: "resourcepart", character: " "))
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a@example.org/\u{3000}x") },
            .forbiddenCharacter(part: "resourcepart", character: " "))
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a@example.org/ ") }, .forbiddenCharacter(part: "resourcepart", character: " ")
        )
    }

    // MARK: Domainpart

    func testDomainRejectsSpacesControlsAndPunctuation() {
        for character in [
            " ", "\t", "\u{0}", "!", "\"", "#", "$", "%", "&", "'", "(", "*", "+", ",", ":", ";", "<", "=", ">", "?", "@", "\\",
            "^", "`", "{", "|", "~", "\u{3000}", "\u{2603}", "\u{3002}",
        ] {
            XCTAssertEqual(
                error { () throws(JIDError) in try JID(localpart: "a", domainpart: "exa\(character)mple.org", resourcepart: nil)
                },
                .forbiddenCharacter(part: "domainpart", character: character), character.debugDescription)
        }
    }

    func testDomainLabelsAreAtMost63BytesAndNotEmpty() throws {
        let label63 = String(repeating: "x", count: 63)
        XCTAssertEqual(try JID("\(label63).example").domainpart, "\(label63).example")
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("\(label63)x.example") },
            .invalidDomain("a label is 64 bytes long (at most 63 allowed)"))
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a..example") }, .invalidDomain("\"a..example\" has an empty label"))
        XCTAssertEqual(error { () throws(JIDError) in try JID(".example") }, .invalidDomain("\".example\" has an empty label"))
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("-a.example") },
            .invalidDomain("the label \"-a\" begins or ends with a hyphen"))
        XCTAssertEqual(
            error { () throws(JIDError) in try JID("a-.example") },
            .invalidDomain("the label \"a-\" begins or ends with a hyphen"))
    }

    func testInternationalisedDomainsStayUTF8AndAreLowercased() throws {
        XCTAssertEqual(try JID("juliet@B\u{DC}CHER.example").domainpart, "b\u{FC}cher.example")
        XCTAssertEqual(
            try JID("\u{4F8B}\u{3048}.\u{30C6}\u{30B9}\u{30C8}").domainpart, "\u{4F8B}\u{3048}.\u{30C6}\u{30B9}\u{30C8}")
        XCTAssertEqual(try JID("xn--bcher-kva.example").domainpart, "xn--bcher-kva.example")
    }

    func testUnqualifiedHostNamesAndUnderscoresAreAccepted() throws {
        XCTAssertEqual(try JID("a@localhost").domainpart, "localhost")
        XCTAssertEqual(try JID("a@xmpp_server").domainpart, "xmpp_server")
    }

    func testIPLiterals() throws {
        XCTAssertEqual(try JID("a@192.0.2.1/r").domainpart, "192.0.2.1")
        XCTAssertEqual(try JID("a@[::1]/r").domainpart, "[::1]")
        XCTAssertEqual(try JID("a@[2001:DB8:0:0:0:0:0:1]").domainpart, "[2001:db8::1]")
        XCTAssertEqual(try JID("a@[2001:db8::1]."), try JID("a@[2001:DB8::1]"))
        for bad in ["[::1", "[]", "[example.org]", "[::1]x", "[1::2::3]", "[fe80::1%25eth0]", "[192.0.2.1]"] {
            guard case .invalidDomain? = error({ () throws(JIDError) in try JID("a@\(bad)") }) else {
                XCTFail("\(bad) not rejected as an invalid domain")
                continue
            }
        }
    }

    func testHostileInputsAreRejectedWithoutCrashing() {
        XCTAssertNotNil(error { () throws(JIDError) in try JID(String(repeating: "@", count: 100_000)) })
        XCTAssertNotNil(error { () throws(JIDError) in try JID(String(repeating: "/", count: 100_000)) })
        XCTAssertNotNil(error { () throws(JIDError) in try JID("[" + String(repeating: ":", count: 100_000) + "]") })
        XCTAssertEqual(
            error { () throws(JIDError) in try JID(String(repeating: "a.", count: 100_000) + "b") },
            .tooLong(part: "domainpart", bytes: 200_001))
    }
}
