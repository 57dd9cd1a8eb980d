import Foundation
import Glibc
import XCTest

@testable import XMPPProtocol

/// /etc/hosts as `HostsFile` reads it: lines, comments, names, families, and a file that
/// is large, odd or missing.
final class DNSHostsFileTests: XCTestCase {
    private let table = """
        # The loopback names
        127.0.0.1\tlocalhost
        ::1     localhost ip6-localhost ip6-loopback   # IPv6 too

        192.0.2.10   xmpp.example.org   xmpp chat.example.org
        2001:db8::10 xmpp.example.org
          198.51.100.1 Other.Example.ORG.\r
        #192.0.2.99 xmpp.example.org
        192.0.2.10 XMPP.EXAMPLE.ORG
        fe80::1%eth0 linklocal.example
        not-an-address broken.example
        192.0.2.300 broken.example
        192.0.2.11
        192.0.2.12 after-a-comment.example#comment-right-after
        """

    private func lookup(_ name: String) -> [String] {
        HostsFile.addresses(of: name, inText: table).map(\.description)
    }

    func testEveryNameOnALineMatchesAndLinesAccumulateWithoutRepeats() {
        XCTAssertEqual(lookup("xmpp.example.org"), ["192.0.2.10", "2001:db8::10"])
        XCTAssertEqual(lookup("xmpp"), ["192.0.2.10"])
        XCTAssertEqual(lookup("chat.example.org"), ["192.0.2.10"])
        XCTAssertEqual(lookup("localhost"), ["127.0.0.1", "::1"])
        XCTAssertEqual(lookup("ip6-loopback"), ["::1"])
    }

    func testNamesMatchWithoutRegardToCaseOrATrailingDot() {
        XCTAssertEqual(lookup("other.example.org"), ["198.51.100.1"])
        XCTAssertEqual(lookup("OTHER.example.org."), ["198.51.100.1"])
        XCTAssertEqual(lookup("Xmpp.Example.Org"), ["192.0.2.10", "2001:db8::10"])
    }

    func testCommentsAndUnusableLinesGiveNothing() {
        XCTAssertEqual(lookup("6"), [])
        XCTAssertEqual(lookup("comment"), [])
        XCTAssertEqual(lookup("too"), [])
        XCTAssertEqual(lookup("linklocal.example"), [])
        XCTAssertEqual(lookup("broken.example"), [])
        XCTAssertEqual(lookup("192.0.2.11"), [])
        XCTAssertEqual(lookup("after-a-comment.example"), ["192.0.2.12"])
        XCTAssertEqual(lookup("example.org"), [])
        XCTAssertEqual(lookup(""), [])
    }

    func testOneLineIsReadAsAddressAndNames() throws {
        let entry = try XCTUnwrap(HostsFile.entry(Array("  ::1\tlocalhost  ip6-localhost # loopback".utf8)[...]))
        XCTAssertEqual(entry.address, .loopbackIPv6)
        XCTAssertEqual(entry.names, [DNSName("localhost"), DNSName("ip6-localhost")])
        XCTAssertNil(HostsFile.entry(Array("# 127.0.0.1 localhost".utf8)[...]))
        XCTAssertNil(HostsFile.entry(Array("   ".utf8)[...]))
        XCTAssertNil(HostsFile.entry(Array("127.0.0.1".utf8)[...]))
    }

    func testTheFileIsReadAcrossChunksAndOverlongLinesAreSkipped() throws {
        // The wanted line comes after more than one read's worth of other lines, an
        // overlong line spans a chunk boundary, and the last line has no newline.
        var text = String(repeating: "192.0.2.1 filler.example\n", count: 5_000)
        text += "192.0.2.2 " + String(repeating: "x", count: HostsFile.maximumLineLength) + " long.example\n"
        text += "192.0.2.3 wanted.example\n"
        text += String(repeating: "192.0.2.1 filler.example\n", count: 3_000)
        text += "192.0.2.4 last.example"
        let path = try temporaryFile(text)
        XCTAssertEqual(HostsFile.addresses(of: "wanted.example", path: path), [IPAddress("192.0.2.3")!])
        XCTAssertEqual(HostsFile.addresses(of: "long.example", path: path), [])
        XCTAssertEqual(HostsFile.addresses(of: "last.example", path: path), [IPAddress("192.0.2.4")!])
        XCTAssertEqual(HostsFile.addresses(of: "filler.example", path: path), [IPAddress("192.0.2.1")!])
    }

    func testMissingDirectoryAndFIFOGiveNothingWithoutBlocking() throws {
        XCTAssertEqual(HostsFile.addresses(of: "localhost", path: "/nonexistent/hosts"), [])
        XCTAssertEqual(HostsFile.addresses(of: "localhost", path: NSTemporaryDirectory()), [])
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("hosts-fifo-\(UUID().uuidString)").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        // No writer ever opens it: a blocking open or read would hang here.
        XCTAssertEqual(HostsFile.addresses(of: "localhost", path: fifo), [])
    }

    private func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hosts-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}

/// Which families are looked up, which are kept and in what order (`AddressPreference`).
final class DNSAddressPreferenceTests: XCTestCase {
    // Static: XCTest never frees its test case objects, so what they hold would count as a leak.
    private static let v4 = IPAddress("192.0.2.1")!
    private static let otherV4 = IPAddress("192.0.2.2")!
    private static let v6 = IPAddress("2001:db8::1")!
    private var v4: IPAddress { Self.v4 }
    private var otherV4: IPAddress { Self.otherV4 }
    private var v6: IPAddress { Self.v6 }

    private func preference(ipv4: Bool, ipv6: Bool, global: Bool = false) -> AddressPreference {
        AddressPreference(hasIPv4: ipv4, hasIPv6: ipv6, hasGlobalIPv6: global)
    }

    func testFamiliesLookedUp() {
        XCTAssertEqual(preference(ipv4: true, ipv6: false).familiesToLookUp, [.ipv4])
        XCTAssertEqual(preference(ipv4: false, ipv6: true, global: true).familiesToLookUp, [.ipv6])
        XCTAssertEqual(preference(ipv4: true, ipv6: true).familiesToLookUp, [.ipv4, .ipv6])
        XCTAssertEqual(preference(ipv4: true, ipv6: true, global: true).familiesToLookUp, [.ipv6, .ipv4])
        XCTAssertEqual(preference(ipv4: false, ipv6: false).familiesToLookUp, [.ipv4, .ipv6])
    }

    func testOrderKeepsTheOrderWithinAFamily() {
        let mixed = [v4, v6, otherV4]
        XCTAssertEqual(preference(ipv4: true, ipv6: true).order(mixed), [v4, otherV4, v6])
        XCTAssertEqual(preference(ipv4: true, ipv6: true, global: true).order(mixed), [v6, v4, otherV4])
        XCTAssertEqual(preference(ipv4: false, ipv6: false).order(mixed), [v4, otherV4, v6])
    }

    func testUnusableFamiliesAreDroppedButLoopbackStays() {
        let mixed = [v6, v4, .loopbackIPv6, .loopbackIPv4]
        XCTAssertEqual(preference(ipv4: true, ipv6: false).order(mixed), [v4, .loopbackIPv4, .loopbackIPv6])
        XCTAssertEqual(preference(ipv4: false, ipv6: true, global: true).order(mixed), [v6, .loopbackIPv6, .loopbackIPv4])
    }

    func testInterfaceAddressesAreRead() {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_addr.s_addr = UInt32(0xC000_0201).bigEndian
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: IPAddress("2001:db8::5")!.bytes) }
        var other = sockaddr()
        other.sa_family = sa_family_t(AF_PACKET)
        XCTAssertEqual(withSockaddr(&v4, AddressPreference.ipAddress), IPAddress("192.0.2.1"))
        XCTAssertEqual(withSockaddr(&v6, AddressPreference.ipAddress), IPAddress("2001:db8::5"))
        XCTAssertNil(withSockaddr(&other, AddressPreference.ipAddress))
    }

    private func withSockaddr<Socket>(
        _ socket: inout Socket, _ body: (UnsafeMutablePointer<sockaddr>) -> IPAddress?
    ) -> IPAddress? {
        withUnsafeMutablePointer(to: &socket) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    }
}

/// `IPAddress`: the one reader of numeric addresses.
final class DNSIPAddressTests: XCTestCase {
    func testNumericFormsAreRead() {
        XCTAssertEqual(IPAddress("192.0.2.1")?.bytes, [192, 0, 2, 1])
        XCTAssertEqual(IPAddress("2001:DB8::1")?.description, "2001:db8::1")
        XCTAssertEqual(IPAddress("::ffff:192.0.2.1")?.family, .ipv6)
        XCTAssertEqual(IPAddress("::1"), .loopbackIPv6)
    }

    func testAnythingElseIsNot() {
        for text in ["", "127.1", "0x7f.0.0.1", "192.0.2.01", "256.0.0.1", "fe80::1%eth0", "[::1]", "::1 ", "a.b.c.d", "1.2.3.4\u{0}"] {
            XCTAssertNil(IPAddress(text), text.debugDescription)
        }
        XCTAssertNil(IPAddress(bytes: [1, 2, 3]))
    }

    func testKinds() {
        XCTAssertTrue(IPAddress("127.8.9.10")!.isLoopback)
        XCTAssertFalse(IPAddress("192.0.2.1")!.isLoopback)
        XCTAssertTrue(IPAddress("2a01:4f8::1")!.isGlobalIPv6)
        XCTAssertFalse(IPAddress("fe80::1")!.isGlobalIPv6)
        XCTAssertFalse(IPAddress("fd00::2")!.isGlobalIPv6)
        XCTAssertFalse(IPAddress.loopbackIPv6.isGlobalIPv6)
    }
}
