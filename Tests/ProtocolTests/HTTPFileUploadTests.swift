import XCTest

@testable import XMPPProtocol

/// XEP-0363's XML (the service's limit, slots and the headers a slot may ask for) and the
/// URLs an upload accepts.
final class HTTPFileUploadTests: XCTestCase {
    private func parse(_ xml: String) throws -> XMLElement {
        try XCTUnwrap(try XMLFragmentParser().feed(Array(xml.utf8)).first)
    }

    func testTheLimitIsReadFromTheUploadFormOnly() throws {
        let info = try parse("""
            <iq type='result' from='upload.example'><query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='store' type='file'/><feature var='urn:xmpp:http:upload:0'/>\
            <x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:example:other</value></field>\
            <field var='max-file-size'><value>1</value></field></x>\
            <x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>\
            <field var='max-file-size'><value> 5242880 </value></field></x></query></iq>
            """)
        let service = HTTPFileUpload.service(try JID("upload.example"), info: info)
        XCTAssertEqual(service?.maxFileSize, 5_242_880)
        XCTAssertEqual(service?.jid.description, "upload.example")
    }

    func testAServiceWithoutTheFeatureOrWithANonsenseLimitIsHandled() throws {
        let none = try parse("<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'><feature var='http://jabber.org/protocol/muc'/></query></iq>")
        XCTAssertNil(HTTPFileUpload.service(try JID("conference.example"), info: none))
        let nonsense = try parse("""
            <iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:http:upload:0'/>\
            <x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'><value>urn:xmpp:http:upload:0</value></field>\
            <field var='max-file-size'><value>-4</value></field></x></query></iq>
            """)
        XCTAssertNil(HTTPFileUpload.service(try JID("upload.example"), info: nonsense)?.maxFileSize)
        let error = try parse("<iq type='error'><query xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:http:upload:0'/></query></iq>")
        XCTAssertNil(HTTPFileUpload.service(try JID("upload.example"), info: error))
    }

    func testASlotKeepsOnlyThePermittedHeaders() throws {
        let answer = try parse("""
            <iq type='result'><slot xmlns='urn:xmpp:http:upload:0'>\
            <put url='https://upload.example/put/abc/a.png'><header name='Authorization'>Bearer t</header>\
            <header name='Cookie'>c=1</header><header name='X-Evil'>1</header><header name='Host'>evil.example</header>\
            <header name='expires'>Tue, 01 Dec 2026 23:00:00 GMT</header></put>\
            <get url='https://upload.example/get/abc/a.png'/></slot></iq>
            """)
        let slot = try XCTUnwrap(HTTPFileUpload.slot(in: answer))
        XCTAssertEqual(slot.headers.map(\.name), ["Authorization", "Cookie", "expires"])
        XCTAssertEqual(slot.getURL, "https://upload.example/get/abc/a.png")
        XCTAssertFalse(String(describing: slot).contains("Bearer"), "a slot's header values are secrets")
    }

    func testATracedSlotShowsNoHeaderValue() throws {
        let answer = try parse("""
            <iq type='result' id='s1'><slot xmlns='urn:xmpp:http:upload:0'><put url='https://u.example/p'>            <header name='Authorization'>Bearer secret-token</header><header name='Cookie'>c=secret</header></put>            <get url='https://u.example/g'/></slot></iq>
            """)
        let shown = try XCTUnwrap(UploadSlotTrace.redacted(answer)).serialized(parentNamespace: Namespace.client)
        XCTAssertFalse(shown.contains("secret"), shown)
        XCTAssertTrue(shown.contains("<header name='Authorization'>[redacted]</header>"), shown)
        XCTAssertTrue(shown.contains("https://u.example/g"), shown)
        XCTAssertNil(UploadSlotTrace.redacted(try parse("<iq type='result'><query xmlns='jabber:iq:roster'/></iq>")))
    }

    func testASlotWithoutBothURLsIsNone() throws {
        XCTAssertNil(HTTPFileUpload.slot(in: try parse("<iq type='result'><slot xmlns='urn:xmpp:http:upload:0'><put url='https://a/b'/></slot></iq>")))
        XCTAssertNil(HTTPFileUpload.slot(in: try parse("<iq type='result'><slot xmlns='urn:xmpp:http:upload:0'><put url=''/><get url='https://a/b'/></slot></iq>")))
    }

    func testAHeaderThatCouldStartAnotherIsNotWellFormed() {
        XCTAssertTrue(HTTPHeader(name: "Authorization", value: "Bearer abc\tdef").isWellFormed)
        XCTAssertFalse(HTTPHeader(name: "Authorization", value: "x\r\nHost: evil").isWellFormed)
        XCTAssertFalse(HTTPHeader(name: "Cookie", value: "a\nb").isWellFormed)
        XCTAssertFalse(HTTPHeader(name: "Bad Name", value: "1").isWellFormed)
        XCTAssertFalse(HTTPHeader(name: "A:B", value: "1").isWellFormed)
        XCTAssertFalse(HTTPHeader(name: "", value: "1").isWellFormed)
    }

    func testURLsAreReadAsASlotMayHoldThem() throws {
        let url = try XCTUnwrap(HTTPURL("https://Upload.Example:5281/file_share/x/a%20b.png?v=1#frag"))
        XCTAssertEqual(url.host, "upload.example")
        XCTAssertEqual(url.port, 5281)
        XCTAssertTrue(url.isHTTPS)
        XCTAssertEqual(url.withoutScheme, "Upload.Example:5281/file_share/x/a%20b.png?v=1#frag")
        XCTAssertEqual(HTTPURL("https://[::1]/x")?.host, "::1")
        XCTAssertEqual(HTTPURL("https://[::1]/x")?.port, 443)
        XCTAssertEqual(HTTPURL("http://example.org")?.port, 80)
        XCTAssertFalse(try XCTUnwrap(HTTPURL("http://example.org/")).isHTTPS)
        for bad in [
            "ftp://example.org/x", "https://user:pw@example.org/x", "https:///x", "https://example.org:0/x",
            "https://example.org:99999/x", "https://example.org:8a/x", "https://[::1/x", "https://[nothost]/x",
            "https://exa mple.org/", "https://example.org/\r\nHost: x", "example.org/x", "https:/example.org",
        ] {
            XCTAssertNil(HTTPURL(bad), bad)
        }
    }

    func testStreamingGCMMatchesTheOneShotCipherAndStreamingDigestTheOneShotHash() throws {
        let key = Digest.randomBytes(32), iv = Digest.randomBytes(12)
        let plaintext = Digest.randomBytes(100_003)
        let encryptor = try GCMEncryptor(key: key, iv: iv)
        let digest = StreamingDigest(.sha256)
        var ciphertext = plaintext
        var offset = 0
        for size in [1, 16, 4_095, 65_536, 30_355] {
            try ciphertext.withUnsafeMutableBytes { try encryptor.encryptInPlace(UnsafeMutableRawBufferPointer(rebasing: $0[offset..<offset + size])) }
            plaintext.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + size])) }
            offset += size
        }
        XCTAssertEqual(offset, plaintext.count)
        let tag = try encryptor.finish()
        XCTAssertEqual(try Cipher.gcmOpen(key: key, iv: iv, ciphertext: ciphertext, tag: tag), plaintext)
        XCTAssertEqual(digest.finish(), Digest.hash(.sha256, plaintext))
        XCTAssertThrowsError(try GCMEncryptor(key: Digest.randomBytes(24), iv: iv))
    }
}
