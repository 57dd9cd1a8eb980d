import Glibc
import XCTest
import XMPPProtocol

final class TCPConnectionTests: XCTestCase {
    func testRoundTripOverIPv4() throws {
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        XCTAssertEqual(connection.remoteAddress, "127.0.0.1:\(listener.port)")
        XCTAssertGreaterThanOrEqual(connection.fileDescriptor, 0)

        try connection.write(Array("<stream:stream>".utf8), deadline: .after(seconds: 5))
        XCTAssertEqual(server.receive(count: 15), Array("<stream:stream>".utf8))
        server.send(Array("<features/>".utf8))
        XCTAssertEqual(try readExactly(11, from: connection), Array("<features/>".utf8))
    }

    func testRoundTripOverIPv6() throws {
        let listener = try LoopbackListener(ipv6: true)
        let connection = try TCPConnection.connect(to: [.loopbackIPv6], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        XCTAssertEqual(connection.remoteAddress, "[::1]:\(listener.port)")

        server.send([1, 2, 3])
        XCTAssertEqual(try readExactly(3, from: connection), [1, 2, 3])
        try connection.write([4, 5], deadline: .after(seconds: 5))
        XCTAssertEqual(server.receive(count: 2), [4, 5])
    }

    func testAnAddressThatRefusesIsFollowedByTheNext() throws {
        // Nothing listens on ::1 at this port (or there is no IPv6 loopback at all): the
        // IPv4 address after it must be tried.
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(
            to: [.loopbackIPv6, .loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        _ = try listener.accept()
        XCTAssertEqual(connection.remoteAddress, "127.0.0.1:\(listener.port)")
    }

    func testReadTimesOutAtTheDeadline() throws {
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        let started = Deadline.now()
        XCTAssertThrowsError(try connection.read(maxCount: 100, deadline: .after(seconds: 0.2))) {
            XCTAssertEqual($0 as? TransportError, .timedOut)
        }
        let elapsed = Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        XCTAssertGreaterThanOrEqual(elapsed, 0.19)
        XCTAssertLessThan(elapsed, 2)
        // Still usable after a timeout.
        server.send([42])
        XCTAssertEqual(try connection.read(maxCount: 100, deadline: .after(seconds: 5)), [42])
    }

    func testConnectionRefusedNamesTheAddress() throws {
        let port = try closedLoopbackPort()
        XCTAssertThrowsError(try TCPConnection.connect(to: [.loopbackIPv4], port: port, deadline: .after(seconds: 5))) {
            XCTAssertEqual(
                $0 as? TransportError, .system(call: "connect", message: "connection refused to 127.0.0.1:\(port)"))
        }
    }

    func testRefusalOnEveryAddressListsThemAll() throws {
        let port = try closedLoopbackPort()
        XCTAssertThrowsError(
            try TCPConnection.connect(to: [.loopbackIPv6, .loopbackIPv4], port: port, deadline: .after(seconds: 5))
        ) {
            guard case .system(call: "connect", let message)? = $0 as? TransportError else {
                return XCTFail("unexpected error \($0)")
            }
            XCTAssertTrue(message.contains(" to [::1]:\(port); "), message)
            XCTAssertTrue(message.hasSuffix("connection refused to 127.0.0.1:\(port)"), message)
        }
    }

    func testNoAddressIsAnError() {
        XCTAssertThrowsError(try TCPConnection.connect(to: [], port: 5222, deadline: .after(seconds: 5))) {
            XCTAssertEqual($0 as? TransportError, .system(call: "connect", message: "no address to connect to"))
        }
    }

    func testConnectTimesOutWhenTheListenerQueueIsFull() throws {
        // A listener that never accepts and whose queue is full drops further SYNs, so the
        // next connection attempt hangs until its deadline.
        let listener = try LoopbackListener(backlog: 0)
        var held: [TCPConnection] = []
        var timedOut = false
        let started = Deadline.now()
        for _ in 0..<8 {
            do {
                held.append(try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 0.3)))
            } catch TransportError.timedOut {
                timedOut = true
                break
            }
        }
        XCTAssertTrue(timedOut, "every connection attempt was accepted")
        XCTAssertLessThan(Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9, 3)
    }

    func testPeerClosingGivesAnEmptyRead() throws {
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        server.send([7])
        server.close()
        XCTAssertEqual(try readExactly(1, from: connection), [7])
        XCTAssertEqual(try connection.read(maxCount: 100, deadline: .after(seconds: 5)), [])
    }

    func testWritingToAClosedPeerIsAConnectionLossNotASignal() throws {
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        try listener.accept().close()
        var failure: TransportError?
        for _ in 0..<50 where failure == nil {
            do {
                try connection.write([UInt8](repeating: 0x61, count: 64 * 1024), deadline: .after(seconds: 5))
                usleep(10_000)
            } catch {
                failure = error
            }
        }
        guard case .connectionLost? = failure else {
            return XCTFail("expected connectionLost, got \(String(describing: failure))")
        }
    }

    func testWriteTimesOutWhenThePeerDoesNotRead() throws {
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        let server = try listener.accept()
        let started = Deadline.now()
        XCTAssertThrowsError(
            try connection.write([UInt8](repeating: 0, count: 64 * 1024 * 1024), deadline: .after(seconds: 0.3))
        ) {
            XCTAssertEqual($0 as? TransportError, .timedOut)
        }
        XCTAssertLessThan(Double(Deadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9, 3)
        server.close()
    }

    func testCloseIsIdempotentAndFailsLaterCalls() throws {
        let listener = try LoopbackListener()
        let connection = try TCPConnection.connect(to: [.loopbackIPv4], port: listener.port, deadline: .after(seconds: 5))
        connection.close()
        connection.close()
        XCTAssertEqual(connection.fileDescriptor, -1)
        XCTAssertThrowsError(try connection.read(maxCount: 1, deadline: .after(seconds: 1))) {
            XCTAssertEqual($0 as? TransportError, .closed)
        }
        XCTAssertThrowsError(try connection.write([1], deadline: .after(seconds: 1))) {
            XCTAssertEqual($0 as? TransportError, .closed)
        }
    }

    private func readExactly(_ count: Int, from transport: Transport) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let chunk = try transport.read(maxCount: count - bytes.count, deadline: .after(seconds: 5))
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return bytes
    }
}
