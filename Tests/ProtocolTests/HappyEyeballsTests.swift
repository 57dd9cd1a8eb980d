import Glibc
import XCTest

@testable import XMPPProtocol

/// `TCPConnection.connect` races the addresses of a host (RFC 8305): families alternate,
/// a refused address hands over at once, one that black-holes hands over after the attempt
/// delay, and the first to connect is kept, the others abandoned.
///
/// A black hole on loopback: a listener whose accept queue is full drops further SYNs, so
/// a connect to it waits as one to an address whose packets vanish.
final class HappyEyeballsTests: XCTestCase {
    // Computed, not stored: XCTest keeps every test case object until exit, and ASan would
    // count what they hold as leaked (scripts/test-sanitize).
    private var v6a: IPAddress { IPAddress("2001:db8::a")! }
    private var v6b: IPAddress { IPAddress("2001:db8::b")! }
    private var v4a: IPAddress { IPAddress("192.0.2.1")! }
    private var v4b: IPAddress { IPAddress("192.0.2.2")! }

    func testFamiliesAlternateFromTheFirstAddresssFamily() {
        XCTAssertEqual(HappyEyeballs.interleave([v6a, v6b, v4a, v4b]), [v6a, v4a, v6b, v4b])
        XCTAssertEqual(HappyEyeballs.interleave([v4a, v6a, v6b]), [v4a, v6a, v6b])
        XCTAssertEqual(HappyEyeballs.interleave([v4a, v4b]), [v4a, v4b])
        XCTAssertEqual(HappyEyeballs.interleave([]), [])
    }

    func testARefusedAddressHandsOverToTheNextAtOnce() throws {
        let listener = try IPv4Listener(address: "127.0.0.1")
        var attempts: [ConnectAttempt] = []
        let connection = try TCPConnection.connect(
            to: [IPAddress("127.0.0.2")!, IPAddress("127.0.0.1")!], port: listener.port, deadline: .after(seconds: 5),
            report: { attempts.append($0) })
        XCTAssertEqual(connection.remoteAddress, "127.0.0.1:\(listener.port)")
        XCTAssertEqual(attempts.map(\.address), ["127.0.0.2:\(listener.port)", "127.0.0.1:\(listener.port)"])
        XCTAssertEqual(attempts.map(\.outcome), [.failed("connection refused"), .connected])
    }

    func testABlackHoledAddressIsOvertakenAndAbandoned() throws {
        let silent = try IPv4Listener(address: "127.0.0.2", backlog: 0)
        let filling = try silent.fillAcceptQueue()
        let listener = try IPv4Listener(address: "127.0.0.1", port: silent.port)
        var attempts: [ConnectAttempt] = []
        var overlapped = 0
        let connection = try TCPConnection.connect(
            to: [IPAddress("127.0.0.2")!, IPAddress("127.0.0.1")!], port: silent.port, deadline: .after(seconds: 20),
            whileConnecting: { overlapped += 1 }, report: { attempts.append($0) })
        XCTAssertEqual(connection.remoteAddress, "127.0.0.1:\(silent.port)")
        XCTAssertEqual(attempts.map(\.outcome), [.connected, .abandoned], "\(attempts)")
        XCTAssertEqual(attempts.map(\.address), ["127.0.0.1:\(silent.port)", "127.0.0.2:\(silent.port)"])
        XCTAssertGreaterThanOrEqual(
            attempts[1].milliseconds, Int(HappyEyeballs.attemptDelay * 1000),
            "the black hole had the attempt delay to itself before the next began")
        XCTAssertEqual(overlapped, 1)
        withExtendedLifetime((filling, listener)) {}
    }

    func testEveryAddressFailingNamesEach() throws {
        let port = try closedLoopbackPort()
        XCTAssertThrowsError(
            try TCPConnection.connect(
                to: [IPAddress("127.0.0.2")!, IPAddress("127.0.0.1")!], port: port, deadline: .after(seconds: 5))
        ) { error in
            XCTAssertEqual(
                error as? TransportError,
                .system(
                    call: "connect",
                    message: "connection refused to 127.0.0.2:\(port); connection refused to 127.0.0.1:\(port)"))
        }
    }

    func testOnlyBlackHolesEndAtTheDeadlineWithEveryAttemptTimedOut() throws {
        let silent = try IPv4Listener(address: "127.0.0.2", backlog: 0)
        let filling = try silent.fillAcceptQueue()
        var attempts: [ConnectAttempt] = []
        let deadline = Deadline.after(seconds: 0.6)
        XCTAssertThrowsError(
            try TCPConnection.connect(
                to: [IPAddress("127.0.0.2")!], port: silent.port, deadline: deadline, report: { attempts.append($0) })
        ) { error in
            XCTAssertEqual(error as? TransportError, .timedOut)
        }
        XCTAssertTrue(deadline.hasPassed)
        XCTAssertEqual(attempts.map(\.outcome), [.timedOut])
        withExtendedLifetime(filling) {}
    }
}

/// A listening IPv4 socket on a given loopback address (and port, or one the kernel picks).
private final class IPv4Listener {
    let fd: Int32
    let port: UInt16
    private let address: String

    init(address: String, port: UInt16 = 0, backlog: Int32 = 8) throws {
        self.address = address
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket: \(String(cString: strerror(errno)))") }
        self.fd = fd
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &socketAddress.sin_addr)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TestSetupError("bind/listen \(address):\(port): \(reason)")
        }
        self.port = boundPort(fd)
    }

    deinit { Glibc.close(fd) }

    /// Connections that fill the accept queue (never accepted), so that further SYNs are
    /// dropped; kept open as long as the result lives.
    func fillAcceptQueue() throws -> HeldSockets {
        let sockets = (0..<3).map { _ in startConnecting() }
        // The queue is full once a probe's SYN goes unanswered (a condition, not a pause).
        let probe = startConnecting()
        defer { Glibc.close(probe) }
        var entry = pollfd(fd: probe, events: Int16(POLLOUT), revents: 0)
        guard poll(&entry, 1, 300) == 0 else {
            sockets.forEach { Glibc.close($0) }
            throw TestSetupError("the accept queue of \(address):\(port) did not fill")
        }
        return HeldSockets(sockets)
    }

    /// A non-blocking socket whose connect to this listener has begun.
    private func startConnecting() -> Int32 {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &target.sin_addr)
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return client
    }
}

/// Sockets closed when this goes.
private final class HeldSockets {
    private let sockets: [Int32]
    init(_ sockets: [Int32]) { self.sockets = sockets }
    deinit { sockets.forEach { Glibc.close($0) } }
}
