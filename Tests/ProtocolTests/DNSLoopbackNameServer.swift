import Foundation
import Glibc

@testable import XMPPProtocol

/// One query as the test name server received it.
struct ReceivedQuery: Equatable, Sendable {
    let id: UInt16
    /// The question's labels as sent, and the name they make.
    let labels: [String]
    let type: UInt16
    var name: String { labels.joined(separator: ".") }

    /// A response to this query: its id (unless `id` says otherwise), its question (unless
    /// `question` replaces the labels), `flags` (default: a NOERROR response with recursion),
    /// and the `answers` records that `records` writes.
    func response(
        flags: UInt16 = 0x8180, id: UInt16? = nil, question: [String]? = nil, answers: UInt16 = 0,
        records: (inout DNSPacketBuilder) -> Void = { _ in }
    ) -> [UInt8] {
        var packet = DNSPacketBuilder()
        packet.header(id: id ?? self.id, flags: flags, questions: 1, answers: answers)
        packet.question(question ?? labels, type: type)
        records(&packet)
        return packet.bytes
    }

    /// A response with one address record per entry of `addresses`, owned by the question name.
    func response(addresses: [IPAddress], id: UInt16? = nil, question: [String]? = nil) -> [UInt8] {
        response(id: id, question: question, answers: UInt16(addresses.count)) { packet in
            for address in addresses {
                packet.record(type: address.family == .ipv4 ? 1 : 28, owner: { $0.name([], pointer: 12) }) {
                    $0.bytes += address.bytes
                }
            }
        }
    }

    /// NXDOMAIN.
    var nameNotFound: [UInt8] { response(flags: 0x8183) }
    /// NOERROR without records ("NODATA").
    var noRecords: [UInt8] { response() }
}

/// A UDP name server on 127.0.0.1 that a test scripts: for each query, `respond` gives
/// the datagrams to send back, in order (none: silence). The resolver is pointed at it
/// with `ResolverConfiguration.fixed` (`configuration(searchDomain:)`), so that no test
/// depends on the machine's resolv.conf, network or DNS.
final class LoopbackNameServer: @unchecked Sendable {
    typealias Responder = @Sendable (ReceivedQuery) -> [[UInt8]]

    let port: UInt16
    private let fd: Int32
    private let respond: Responder
    private let lock = NSLock()
    private var received: [ReceivedQuery] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(respond: @escaping Responder) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket: \(String(cString: strerror(errno)))") }
        do {
            try bindLoopback(fd, ipv6: false, port: 0)
        } catch {
            Glibc.close(fd)
            throw error
        }
        port = boundPort(fd)
        self.respond = respond
        Thread { [self] in serve() }.start()
    }

    deinit { stop() }

    /// The queries received so far, in order.
    var queries: [ReceivedQuery] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Resolver settings that send every query here.
    func configuration(searchDomain: String? = nil) -> ResolverConfiguration {
        .fixed(nameServer: .loopbackIPv4, port: port, searchDomain: searchDomain)
    }

    func stop() {
        lock.lock()
        let wasStopping = stopping
        stopping = true
        lock.unlock()
        guard !wasStopping else { return }
        _ = finished.wait(timeout: .now() + 5)
        Glibc.close(fd)
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func serve() {
        defer { finished.signal() }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        while !isStopping {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) == 1 else { continue }
            var client = sockaddr_storage()
            var clientLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &client) { address in
                address.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    buffer.withUnsafeMutableBytes { recvfrom(fd, $0.baseAddress, $0.count, 0, socketAddress, &clientLength) }
                }
            }
            guard count > 0, let query = Self.parse(Array(buffer.prefix(count))) else { continue }
            lock.lock()
            received.append(query)
            lock.unlock()
            for datagram in respond(query) {
                _ = withUnsafePointer(to: &client) { address in
                    address.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                        datagram.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, socketAddress, clientLength) }
                    }
                }
            }
        }
    }

    private static func parse(_ bytes: [UInt8]) -> ReceivedQuery? {
        var reader = DNSReader(bytes: bytes)
        guard let id = try? reader.u16(), let (name, end) = try? reader.name(at: DNSMessage.headerLength) else { return nil }
        reader.offset = end
        guard let type = try? reader.u16() else { return nil }
        return ReceivedQuery(id: id, labels: name.labels.map { String(decoding: $0, as: UTF8.self) }, type: type)
    }
}
