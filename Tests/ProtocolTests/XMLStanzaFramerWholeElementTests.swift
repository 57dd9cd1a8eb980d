import XCTest

@testable import XMPPProtocol

/// The framer's shortcut for a stanza that came whole: it must give the pieces the
/// byte-by-byte reading gives, take the usual stanza, and leave to that reading every stanza
/// it is not sure of, at the limits and past them.
final class XMLStanzaFramerWholeElementTests: XCTestCase {
    private let header = Array(streamHeaderXML.utf8)

    /// The framer's pieces for the stanzas in `body`, fed in one call after the header.
    private func pieces(_ body: String, limits: XMLLimits = .default) throws -> [XMLStanzaFramer.Piece] {
        var framer = XMLStanzaFramer(limits: limits)
        _ = try framer.split(header)
        return try framer.split(Array(body.utf8))
    }

    /// Where `wholeElementEnd` says the element at the start of `stanza` ends, in a stream.
    private func shortcutEnd(_ stanza: String, limits: XMLLimits = .default) throws -> Int? {
        var framer = XMLStanzaFramer(limits: limits)
        _ = try framer.split(header)
        return Array(stanza.utf8).withUnsafeBufferPointer { framer.wholeElementEnd(in: $0, from: 0) }
    }

    func testTheUsualStanzasAreTakenWhole() throws {
        for stanza in [
            "<message from='a@b/c' to=\"d@e\" type='chat' id='1'><body>hi &amp; ></body><x xmlns='y'/></message>",
            "<presence/>", "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>", "<a b = '1'\n c='<>'></a >",
        ] {
            XCTAssertEqual(try shortcutEnd(stanza + "  <next/>"), stanza.utf8.count, stanza)
        }
    }

    func testWhatItIsNotSureOfIsLeftToTheByteByByteReading() throws {
        let limits = XMLLimits(maxDepth: 2, maxStanzaBytes: 40, maxNameBytes: 4)
        for stanza in [
            "<a><!-- c --></a>", "<a><![CDATA[x]]></a>", "<a><?p?></a>", "<a>unfinished", "<a b='1'",
            "<a><b><c/></b></a>",  // deeper than 2
            "<abcde/>", "<a bcdef='1'/>", "<a></abcde>",  // names longer than 4
            "<a>" + String(repeating: "x", count: 40) + "</a>",  // larger than 40
            "<a b='1'c='2'/>", "<a b/>", "<a / >", "</stream:stream>", "<>",
        ] {
            XCTAssertNil(try shortcutEnd(stanza, limits: limits), stanza)
        }
        // Just within every limit, it is taken.
        XCTAssertEqual(try shortcutEnd("<abcd><b x='1'/></abcd>", limits: limits), 23)
        let largest = "<a>" + String(repeating: "x", count: 33) + "</a>"
        XCTAssertEqual(try shortcutEnd(largest, limits: limits), 40)
    }

    /// The same pieces as when every byte comes in a call of its own, where the shortcut
    /// never applies; and one piece for each stanza.
    func testItGivesThePiecesTheByteByByteReadingGives() throws {
        let body = "<message id='1'><body>one</body></message>\n<presence from='x'/> <iq type='get' id='2'><q xmlns='z'/></iq>"
        let whole = try pieces(body)
        XCTAssertEqual(whole.count, 5)
        var framer = XMLStanzaFramer(limits: .default)
        _ = try framer.split(header)
        var bytewise: [UInt8] = []
        var kinds: [String] = []
        for byte in Array(body.utf8) {
            for piece in try framer.split([byte]) {
                switch piece {
                case .element(let bytes, let starts):
                    bytewise += bytes
                    if starts { kinds.append("element") }
                case .markup(let bytes):
                    bytewise += bytes
                    if kinds.last != "markup" { kinds.append("markup") }
                case .dropped:
                    XCTFail("nothing is dropped")
                }
            }
        }
        XCTAssertEqual(whole.map { piece -> String in
            if case .element(_, true) = piece { return "element" }
            return "markup"
        }, kinds)
        XCTAssertEqual(whole.flatMap { piece -> [UInt8] in
            switch piece {
            case .element(let bytes, _), .markup(let bytes): return Array(bytes)
            case .dropped: return []
            }
        }, bytewise)
        XCTAssertEqual(bytewise, Array(body.utf8))
    }

    /// A stanza the shortcut leaves is still dropped at the byte that breaks the limit, and
    /// the one after it is taken whole again.
    func testAfterAStanzaItLeftTheNextIsTakenAgain() throws {
        let limits = XMLLimits(maxDepth: 2)
        let result = try pieces("<a><b><c/></b></a><d id='2'/>", limits: limits)
        XCTAssertTrue(result.contains(.dropped(.tooDeep(limit: 2), name: "a", stub: Array("<a></a>".utf8))), "\(result)")
        guard case .element(let last, starts: true)? = result.last else { return XCTFail("\(result)") }
        XCTAssertEqual(String(decoding: last, as: UTF8.self), "<d id='2'/>")
    }
}
