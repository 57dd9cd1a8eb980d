import XCTest
import XMPPProtocol

/// Proxy URLs read as curl reads ALL_PROXY, and never shown with their credentials.
final class ProxyConfigurationTests: XCTestCase {
    func testURLsThatParse() throws {
        let cases: [(String, ProxyConfiguration)] = [
            ("socks5h://127.0.0.1:9050", .init(kind: .socks5h, host: "127.0.0.1", port: 9050)),
            ("socks5://proxy.example:1081", .init(kind: .socks5, host: "proxy.example", port: 1081)),
            ("SOCKS5H://Proxy.Example:1", .init(kind: .socks5h, host: "Proxy.Example", port: 1)),
            ("HtTp://proxy:3128/", .init(kind: .http, host: "proxy", port: 3128)),
            // No scheme is http://, no port is 1080, as in curl.
            ("proxy.example:3128", .init(kind: .http, host: "proxy.example", port: 3128)),
            ("proxy.example", .init(kind: .http, host: "proxy.example", port: 1080)),
            ("socks5://10.0.0.1", .init(kind: .socks5, host: "10.0.0.1", port: 1080)),
            ("socks5://10.0.0.1:", .init(kind: .socks5, host: "10.0.0.1", port: 1080)),
            ("socks5h://[::1]:9050", .init(kind: .socks5h, host: "::1", port: 9050)),
            ("http://[2001:db8::7]", .init(kind: .http, host: "2001:db8::7", port: 1080)),
            ("  socks5h://localhost:9050\n", .init(kind: .socks5h, host: "localhost", port: 9050)),
            ("socks5://u:p@h:65535", .init(kind: .socks5, host: "h", port: 65535, username: "u", password: "p")),
            ("http://user@h:8080", .init(kind: .http, host: "h", port: 8080, username: "user")),
            ("http://:pw@h", .init(kind: .http, host: "h", username: "", password: "pw")),
            ("http://user:@h", .init(kind: .http, host: "h", username: "user", password: "")),
            ("http://@h", .init(kind: .http, host: "h")),
            // Percent-decoded, and the last "@" ends the credentials.
            (
                "socks5h://al%40ice:p%3Ass%2F%25w%C3%B6rd@[::1]:1",
                .init(kind: .socks5h, host: "::1", port: 1, username: "al@ice", password: "p:ss/%wörd")
            ),
            ("http://alice:p@ss/w?rd#@h:1/", .init(kind: .http, host: "h", port: 1, username: "alice", password: "p@ss/w?rd#")),
            ("socks5h://abcdefghijklmnop.onion:9050", .init(kind: .socks5h, host: "abcdefghijklmnop.onion", port: 9050)),
        ]
        for (url, expected) in cases {
            XCTAssertEqual(try ProxyConfiguration.parse(url), expected, url)
        }
    }

    func testURLsThatDoNotParseSayWhy() {
        let supported = "use socks5://, socks5h:// or http://"
        let cases: [(String, String)] = [
            ("", "it is empty"),
            ("   ", "it is empty"),
            ("socks4://h:1080", "SOCKS4 (socks4://) is not supported; \(supported)"),
            ("SOCKS4A://h", "SOCKS4 (socks4a://) is not supported; \(supported)"),
            ("https://h:443", "TLS to the proxy (https://) is not supported; \(supported)"),
            ("socks://h", "socks:// is not supported; \(supported)"),
            ("ftp://h", "ftp:// is not supported; \(supported)"),
            ("://h", ":// is not supported; \(supported)"),
            ("sec ret://h", "this scheme is not supported; \(supported)"),
            ("http://h/path", "a proxy URL has no path, query or fragment (only an optional \"/\" after the port)"),
            ("http://h:1//", "a proxy URL has no path, query or fragment (only an optional \"/\" after the port)"),
            ("http://h?x", "a proxy URL has no path, query or fragment (only an optional \"/\" after the port)"),
            ("http://", "it names no host"),
            ("http://:8080", "it names no host"),
            ("http://u:p@", "it names no host"),
            ("http://h:0", "the port \"0\" is not a number from 1 to 65535"),
            ("http://h:65536", "the port \"65536\" is not a number from 1 to 65535"),
            ("http://h:80a", "the port \"80a\" is not a number from 1 to 65535"),
            ("http://h:+80", "the port \"+80\" is not a number from 1 to 65535"),
            ("http://::1:8080", "an IPv6 address must be written in brackets, as [::1]"),
            ("http://[::1", "an IPv6 address has no closing \"]\""),
            ("http://[127.0.0.1]:80", "\"127.0.0.1\" in brackets is not an IPv6 address"),
            ("http://[fe80::1%eth0]:80", "\"fe80::1%eth0\" in brackets is not an IPv6 address"),
            ("http://[::1]x", "unexpected text after the IPv6 address"),
            ("http://pro xy:80", "the host \"pro xy\" is neither a host name nor an IP address"),
            ("http://u:%zz@h", "the password has a \"%\" that is not followed by two hexadecimal digits"),
            ("http://u%4:p@h", "the user name has a \"%\" that is not followed by two hexadecimal digits"),
            ("http://u:%FF@h", "the password is not UTF-8 once percent-decoded"),
            ("socks5://\(String(repeating: "u", count: 256)):p@h", "the user name is longer than SOCKS5 allows (255 bytes)"),
            ("socks5h://u:\(String(repeating: "p", count: 256))@h", "the password is longer than SOCKS5 allows (255 bytes)"),
        ]
        for (url, reason) in cases {
            XCTAssertThrowsError(try ProxyConfiguration.parse(url), url) {
                XCTAssertEqual($0 as? ProxyError, .invalidURL(reason), url)
            }
        }
        // HTTP Basic has no such limit.
        XCTAssertNoThrow(try ProxyConfiguration.parse("http://u:\(String(repeating: "p", count: 300))@h"))
    }

    func testNoPartOfTheCredentialsReachesAnError() {
        for url in [
            "socks5h://alice:Se%2Fcret@h:99999", "http://alice:Se/cret@h:x", "alice:Se:cret@socks4://h",
            "http://alice:Se/cret/path@h/more", "socks9://alice:Secret@h", "http://alice:Secret@[::1",
        ] {
            XCTAssertThrowsError(try ProxyConfiguration.parse(url), url) {
                let text = "\($0)"
                XCTAssertFalse(text.contains("alice") || text.contains("Se") || text.contains("cret"), "\(url): \(text)")
            }
        }
    }

    /// "@" and a combining mark after it are one Character (found by fuzzing): the "@" still
    /// ends the credentials, which never reach the host, its errors or the display name.
    func testAnAtSignBeforeACombiningMarkStillEndsTheCredentials() {
        for url in ["http://alice:Secret@\u{06D9}host", "alice:Secret@\u{0301}h:1", "socks5h://alice:Secret@\u{0301}"] {
            do {
                let proxy = try ProxyConfiguration.parse(url)
                XCTAssertEqual(proxy.username, "alice", url)
                XCTAssertEqual(proxy.password, "Secret", url)
                XCTAssertFalse(proxy.host.contains("Secret") || proxy.displayName.contains("Secret"), url)
            } catch {
                XCTAssertFalse("\(error)".contains("Secret") || "\(error)".contains("alice"), "\(url): \(error)")
            }
        }
    }

    /// Every delimiter is found by scalar: "://" before a combining mark still ends the
    /// scheme (it was read as a user name "socks5" on an http:// proxy), and a ":" before one
    /// still starts the password or the port.
    func testDelimitersBeforeACombiningMarkAreStillFound() throws {
        let proxy = try ProxyConfiguration.parse("socks5://\u{0301}alice:\u{0301}Secret@proxy:1081")
        XCTAssertEqual(proxy.kind, .socks5)
        XCTAssertEqual(proxy.username, "\u{0301}alice")
        XCTAssertEqual(proxy.password, "\u{0301}Secret")
        XCTAssertEqual(proxy.host, "proxy")
        XCTAssertEqual(proxy.port, 1081)
        XCTAssertThrowsError(try ProxyConfiguration.parse("socks5://proxy:\u{0301}1")) { error in
            XCTAssertTrue("\(error)".contains("is not a number"), "\(error)")
        }
        XCTAssertEqual(try ProxyConfiguration.parse(" \r\nsocks5h://proxy\r\n").host, "proxy")
    }

    func testTheDisplayNameHasNoCredentials() throws {
        XCTAssertEqual(
            try ProxyConfiguration.parse("socks5h://alice:secret@127.0.0.1:9050").displayName, "socks5h://127.0.0.1:9050")
        XCTAssertEqual(try ProxyConfiguration.parse("alice@[::1]:3128").displayName, "http://[::1]:3128")
        XCTAssertEqual(try ProxyConfiguration.parse("socks5://proxy.example").displayName, "socks5://proxy.example:1080")
    }

    func testDescriptionsAndDumpsShowNeitherUserNameNorPassword() throws {
        let proxy = try ProxyConfiguration.parse("socks5h://alice-proxy:s3cret-Pw@127.0.0.1:9050")
        var dumped = ""
        dump(proxy, to: &dumped)
        for text in [String(describing: proxy), String(reflecting: proxy), "\([proxy])", dumped] {
            XCTAssertFalse(text.contains("alice-proxy") || text.contains("s3cret-Pw"), text)
            XCTAssertTrue(text.contains("127.0.0.1") && text.contains("redacted"), text)
        }
        XCTAssertEqual(
            String(describing: try ProxyConfiguration.parse("socks5://h")),
            "ProxyConfiguration(kind: socks5, host: h, port: 1080, username: nil, password: nil)")
    }

    func testWhatEachKindResolves() throws {
        XCTAssertFalse(ProxyConfiguration.Kind.socks5.proxyResolvesNames)
        XCTAssertTrue(ProxyConfiguration.Kind.socks5h.proxyResolvesNames)
        XCTAssertTrue(ProxyConfiguration.Kind.http.proxyResolvesNames)
        XCTAssertEqual(try ProxyConfiguration.parse("socks5://[::1]").address, .loopbackIPv6)
        XCTAssertNil(try ProxyConfiguration.parse("socks5://localhost").address)
    }
}
