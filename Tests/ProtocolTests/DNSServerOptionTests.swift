import XCTest

@testable import XMPPProtocol

/// `--server` values: host, port and TLS kind, with nothing looked up in DNS.
final class DNSServerOptionTests: XCTestCase {
    private func endpoints(_ server: String, _ mode: TLSMode = .auto) throws(EndpointError) -> [Endpoint] {
        let lookup = FakeSRVLookup()
        defer { XCTAssertEqual(lookup.queried, [], "no DNS look-up with --server") }
        return try EndpointResolver.endpoints(
            domain: "example.org", server: server, mode: mode, deadline: .after(seconds: 5), lookup: lookup)
    }

    func testHostWithoutPortUsesTheModesDefault() throws {
        XCTAssertEqual(try endpoints("xmpp.example.org"), [Endpoint(host: "xmpp.example.org", port: 5222, directTLS: false)])
        XCTAssertEqual(
            try endpoints("xmpp.example.org", .starttls), [Endpoint(host: "xmpp.example.org", port: 5222, directTLS: false)])
        XCTAssertEqual(
            try endpoints("xmpp.example.org", .direct), [Endpoint(host: "xmpp.example.org", port: 5223, directTLS: true)])
    }

    func testHostWithPort() throws {
        XCTAssertEqual(try endpoints("localhost:15222"), [Endpoint(host: "localhost", port: 15222, directTLS: false)])
        XCTAssertEqual(try endpoints("127.0.0.1:443", .direct), [Endpoint(host: "127.0.0.1", port: 443, directTLS: true)])
        XCTAssertEqual(try endpoints("h:1"), [Endpoint(host: "h", port: 1, directTLS: false)])
        XCTAssertEqual(try endpoints("h:65535"), [Endpoint(host: "h", port: 65535, directTLS: false)])
        XCTAssertEqual(try endpoints("h:005222"), [Endpoint(host: "h", port: 5222, directTLS: false)])
    }

    func testIPv6InBracketsAndBare() throws {
        XCTAssertEqual(try endpoints("[::1]:5222"), [Endpoint(host: "::1", port: 5222, directTLS: false)])
        XCTAssertEqual(try endpoints("[::1]", .direct), [Endpoint(host: "::1", port: 5223, directTLS: true)])
        XCTAssertEqual(try endpoints("::1"), [Endpoint(host: "::1", port: 5222, directTLS: false)])
        XCTAssertEqual(try endpoints("[2001:DB8::0:1]:5269"), [Endpoint(host: "2001:db8::1", port: 5269, directTLS: false)])
        XCTAssertEqual(try endpoints("2001:db8::7"), [Endpoint(host: "2001:db8::7", port: 5222, directTLS: false)])
    }

    func testInvalidValues() {
        let bad = [
            "", "host:", "host:0", "host:65536", "host:99999999999999999999", "host:abc", "host:+1", "host:-1",
            "host:1x", ":5222", "[::1", "[::1]5222", "[::1]:", "[::1]:0", "[zz]:1", "[]:1", "[example.org]:5222",
            "a:b:c", "host name:5222", "host\n:5222", "user@host", "host/path", "\u{1B}[31m:1",
        ]
        for value in bad {
            XCTAssertThrowsError(try endpoints(value), value.debugDescription) { error in
                guard case .invalidServer(let message)? = error as? EndpointError else {
                    return XCTFail("\(value.debugDescription): \(error)")
                }
                // Quoted as given (Commands escapes what it writes out), and cut short.
                XCTAssertTrue(message.hasPrefix("\"" + value.prefix(200)), message)
            }
        }
    }

    func testMessagesExplainTheProblem() {
        XCTAssertThrowsError(try endpoints("host:0")) {
            XCTAssertEqual(($0 as? EndpointError)?.message, "invalid server: \"host:0\": the port 0 is not between 1 and 65535")
        }
        XCTAssertThrowsError(try endpoints("a:b:c")) {
            XCTAssertEqual(
                ($0 as? EndpointError)?.message,
                "invalid server: \"a:b:c\": not an IPv6 address; write a host and port as HOST:PORT or [IPv6]:PORT")
        }
    }

    func testEndpointDescription() {
        XCTAssertEqual(Endpoint(host: "::1", port: 5222, directTLS: false).description, "[::1]:5222 (STARTTLS)")
        XCTAssertEqual(
            Endpoint(host: "xmpp.example.org", port: 443, directTLS: true).description, "xmpp.example.org:443 (direct TLS)")
    }
}
