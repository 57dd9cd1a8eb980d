import XCTest
import XMPPProtocol

/// NO_PROXY as curl 7.86 and later reads it.
final class ProxyNoProxyRulesTests: XCTestCase {
    private func assertRules(
        _ value: String, exclude: [String], keep: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        let rules = NoProxyRules(value)
        for host in exclude {
            XCTAssertTrue(rules.excludes(host: host), "NO_PROXY=\(value) should exclude \(host)", file: file, line: line)
        }
        for host in keep {
            XCTAssertFalse(rules.excludes(host: host), "NO_PROXY=\(value) should not exclude \(host)", file: file, line: line)
        }
    }

    func testNothingAndEverything() {
        assertRules("", exclude: [], keep: ["example.org", "127.0.0.1", "::1"])
        assertRules(" , ,, ", exclude: [], keep: ["example.org", ""])
        assertRules("*", exclude: ["example.org", "127.0.0.1", "[::1]", "x"], keep: [])
        assertRules("  *  ", exclude: ["example.org"], keep: [])
        // "*" among other entries is a host pattern, and matches no real host (curl).
        assertRules("*,example.org", exclude: ["example.org"], keep: ["other.org", "127.0.0.1"])
        assertRules("*.example.org", exclude: [], keep: ["xmpp.example.org", "example.org"])
    }

    func testNamesMatchThemselvesAndEverythingUnder() {
        assertRules(
            "example.org", exclude: ["example.org", "xmpp.example.org", "a.b.example.org", "EXAMPLE.ORG", "Xmpp.Example.Org."],
            keep: ["badexample.org", "example.org.evil", "org", "example.com", "xmppexample.org"])
        assertRules(".example.org", exclude: ["example.org", "xmpp.example.org"], keep: ["badexample.org"])
        assertRules("example.org.", exclude: ["example.org", "xmpp.example.org."], keep: ["badexample.org"])
        assertRules("Example.ORG", exclude: ["example.org", "a.example.org"], keep: [])
        assertRules("localhost", exclude: ["localhost", "LOCALHOST."], keep: ["127.0.0.1", "::1", "mylocalhost"])
    }

    func testListsBlanksAndPorts() {
        assertRules(
            " localhost ,\t.internal.example , 10.0.0.0/8,,example.com:8080 ",
            exclude: ["localhost", "db.internal.example", "10.1.2.3", "example.com", "www.example.com"],
            keep: ["internal", "11.0.0.1", "example.org"])
        assertRules("192.0.2.1:5222", exclude: ["192.0.2.1"], keep: ["192.0.2.2"])
        assertRules("[2001:db8::1]:5222", exclude: ["2001:db8::1", "[2001:db8::1]"], keep: ["2001:db8::2"])
    }

    func testAddressesAndNetworks() {
        assertRules("127.0.0.1", exclude: ["127.0.0.1"], keep: ["127.0.0.2", "localhost", "::1", "127.0.0.1.example"])
        assertRules("192.168.0.0/16", exclude: ["192.168.0.1", "192.168.255.255"], keep: ["192.169.0.1", "10.0.0.1"])
        assertRules("10.0.0.0/9", exclude: ["10.127.255.255"], keep: ["10.128.0.0"])
        assertRules("192.0.2.77/32", exclude: ["192.0.2.77"], keep: ["192.0.2.76"])
        assertRules("0.0.0.0/0", exclude: ["1.2.3.4", "255.255.255.255"], keep: ["::1", "example.org"])
        assertRules("::1", exclude: ["::1", "[::1]", "0:0::1"], keep: ["::2", "127.0.0.1"])
        assertRules("fe80::/10", exclude: ["fe80::1", "[febf:ffff::1]"], keep: ["fec0::1", "fe7f::1"])
        assertRules("[fe80::]/10", exclude: ["fe80::1"], keep: ["fec0::1"])
        assertRules("2001:db8::/32", exclude: ["2001:db8:ffff::1", "[2001:DB8::1]"], keep: ["2001:db9::1"])
        // An address entry is never compared with a name, nor a name entry with an address.
        assertRules("192.0.2.1", exclude: [], keep: ["host.example"])
        // Prefix lengths that make no sense match nothing.
        assertRules("10.0.0.0/33,fe80::/129,10.0.0.0/x,example.org/8", exclude: [], keep: ["10.0.0.1", "fe80::1", "example.org"])
    }
}
