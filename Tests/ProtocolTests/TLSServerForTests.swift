import COpenSSL
import Foundation
import Glibc
import XCTest
import XMPPProtocol

/// A TLS server for one connection, on a background thread, written directly against
/// OpenSSL so that tests can compare what the client computed with the server's view
/// (exporter values, SNI, close_notify).
final class TLSTestServer: @unchecked Sendable {
    struct Options {
        var certificate: String
        var key: String
        var minimumVersion = xmppcli_TLS1_2_VERSION()
        /// 0: the highest OpenSSL supports.
        var maximumVersion: Int32 = 0
        /// Security level 0, without which OpenSSL 3 will not speak TLS 1.1.
        var legacySecurity = false
        /// After echoing one line: send close_notify at once, or wait for the client's first.
        var closesFirst = false
        /// Refuse the extended master secret (RFC 7627), as servers before it did.
        var withoutExtendedMasterSecret = false
    }

    /// What the server saw of the connection.
    struct Report: Sendable {
        var handshakeError: String?
        var protocolVersion: String?
        var exporter: [UInt8]?
        /// The client's Finished message, which is tls-unique after a full TLS 1.2 handshake.
        var clientFinished: [UInt8]?
        var serverName: String?
        var received: [UInt8] = []
        var closeNotifyReceived = false
    }

    let port: UInt16
    private let listener: LoopbackListener
    private let context: OpaquePointer
    private let options: Options
    private let finished = NSCondition()
    private var report: Report?

    init(_ options: Options) throws {
        self.options = options
        listener = try LoopbackListener()
        port = listener.port
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TestSetupError("SSL_CTX_new") }
        self.context = context
        guard SSL_CTX_use_certificate_chain_file(context, options.certificate) == 1,
            SSL_CTX_use_PrivateKey_file(context, options.key, SSL_FILETYPE_PEM) == 1
        else { throw TestSetupError("cannot load \(options.certificate)") }
        if options.legacySecurity {
            SSL_CTX_set_security_level(context, 0)
            SSL_CTX_set_cipher_list(context, "DEFAULT@SECLEVEL=0")
        }
        _ = xmppcli_SSL_CTX_set_min_proto_version(context, options.minimumVersion)
        _ = xmppcli_SSL_CTX_set_max_proto_version(context, options.maximumVersion)
        SSL_CTX_set_alpn_select_cb(context, selectXMPPClient, nil)
        if options.withoutExtendedMasterSecret {
            // SSL_OP_NO_EXTENDED_MASTER_SECRET is SSL_OP_BIT(0), a macro Swift cannot import.
            _ = xmppcli_SSL_CTX_set_options(context, 1 << 0)
        }
    }

    deinit { SSL_CTX_free(context) }

    /// Serves one connection on a new thread: handshake, echo one line, close.
    func start() {
        Thread { [self] in
            blockSIGPIPEOnThisThread()
            let result = serveOne()
            finished.lock()
            report = result
            finished.broadcast()
            finished.unlock()
        }.start()
    }

    /// The report once the connection is over (nil if it took longer than `timeout`).
    func waitForReport(timeout: Double = 5) -> Report? {
        finished.lock()
        defer { finished.unlock() }
        let limit = Date(timeIntervalSinceNow: timeout)
        while report == nil && finished.wait(until: limit) {}
        return report
    }

    private func serveOne() -> Report {
        var report = Report()
        guard let client = try? listener.accept() else {
            report.handshakeError = "nobody connected"
            return report
        }
        guard let ssl = SSL_new(context) else {
            report.handshakeError = "SSL_new failed"
            return report
        }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, client.fd)
        ERR_clear_error()
        guard SSL_accept(ssl) == 1 else {
            report.handshakeError = errorQueueText()
            return report
        }
        report.protocolVersion = String(cString: SSL_get_version(ssl))
        if let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) {
            report.serverName = String(cString: name)
        }
        let label = "EXPORTER-Channel-Binding"
        var exporter = [UInt8](repeating: 0, count: 32)
        if SSL_export_keying_material(ssl, &exporter, 32, label, label.utf8.count, nil, 0, 0) == 1 {
            report.exporter = exporter
        }
        var finished = [UInt8](repeating: 0, count: 64)
        let finishedLength = SSL_get_peer_finished(ssl, &finished, finished.count)
        if finishedLength > 0 { report.clientFinished = Array(finished.prefix(finishedLength)) }

        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while report.received.last != UInt8(ascii: "\n") {
            let count = SSL_read(ssl, &buffer, Int32(buffer.count))
            guard count > 0 else { return report }
            report.received += buffer[..<Int(count)]
        }
        var offset = 0
        while offset < report.received.count {
            let written = report.received[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            guard written > 0 else { return report }
            offset += Int(written)
        }
        if options.closesFirst {
            SSL_shutdown(ssl)
        }
        let count = SSL_read(ssl, &buffer, Int32(buffer.count))
        report.closeNotifyReceived = count <= 0 && SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN
        return report
    }

    private func errorQueueText() -> String {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            reasons.append(ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(code)")
        }
        return reasons.isEmpty ? "handshake failed" : reasons.joined(separator: "; ")
    }
}

/// Chooses "xmpp-client" when the client offers it, as an XMPP server doing XEP-0368 does.
private func selectXMPPClient(
    _ ssl: OpaquePointer?, _ selected: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ selectedLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?,
    _ offeredLength: UInt32, _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let offered else { return SSL_TLSEXT_ERR_NOACK }
    var index = 0
    while index < Int(offeredLength) {
        let length = Int(offered[index])
        let name = UnsafeBufferPointer(start: offered + index + 1, count: min(length, Int(offeredLength) - index - 1))
        if Array(name) == Array("xmpp-client".utf8) {
            selected?.pointee = offered + index + 1
            selectedLength?.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index += 1 + length
    }
    return SSL_TLSEXT_ERR_NOACK
}

/// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when the client has
/// already gone; blocked on the test server's own thread, it leaves just EPIPE.
private func blockSIGPIPEOnThisThread() {
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &signals, nil)
}

/// A value one thread hands to another.
private final class Handover<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    func put(_ newValue: Value) {
        condition.lock()
        value = newValue
        condition.broadcast()
        condition.unlock()
    }

    func take() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}

/// Runs `body` on a new thread with SIGPIPE blocked and returns its result.
private func onThreadWithoutSIGPIPE<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Value {
    let handover = Handover<Value>()
    Thread {
        blockSIGPIPEOnThisThread()
        handover.put(body())
    }.start()
    return handover.take()
}

/// Whether a client that allows only TLS 1.1 (at security level 0) completes a handshake
/// with the server on `port`: proof that a test server offers TLS 1.1 at all.
func legacyTLS11ClientConnects(port: UInt16) throws -> Bool {
    try onThreadWithoutSIGPIPE { Result { try legacyTLS11Handshake(port: port) } }.get()
}

private func legacyTLS11Handshake(port: UInt16) throws -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { Glibc.close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw TestSetupError("connect: \(String(cString: strerror(errno)))") }
    setBlockingTimeouts(fd, seconds: 5)
    guard let context = SSL_CTX_new(TLS_client_method()) else { throw TestSetupError("SSL_CTX_new") }
    defer { SSL_CTX_free(context) }
    SSL_CTX_set_security_level(context, 0)
    SSL_CTX_set_cipher_list(context, "DEFAULT@SECLEVEL=0")
    _ = xmppcli_SSL_CTX_set_min_proto_version(context, xmppcli_TLS1_1_VERSION())
    _ = xmppcli_SSL_CTX_set_max_proto_version(context, xmppcli_TLS1_1_VERSION())
    guard let ssl = SSL_new(context) else { throw TestSetupError("SSL_new") }
    defer { SSL_free(ssl) }
    SSL_set_fd(ssl, fd)
    let connectedOverTLS11 = SSL_connect(ssl) == 1 && SSL_version(ssl) == xmppcli_TLS1_1_VERSION()
    ERR_clear_error()
    return connectedOverTLS11
}

/// Shared steps of the TLS tests: certificates, a server, a verified client connection.
extension XCTestCase {
    func certificates() throws -> TestCertificates {
        try TestCertificates.shared.get()
    }

    /// The test CA as the CA file, unless `trustingTestCA` is false (system store only).
    func configuration(
        serverName: String = "localhost", trustingTestCA: Bool = true, verify: Bool = true
    ) throws -> TLSConfiguration {
        TLSConfiguration(
            serverName: serverName, caFile: trustingTestCA ? try certificates().caCertificate : nil,
            verifyCertificate: verify)
    }

    func startServer(
        _ leaf: TestCertificates.Leaf, _ configure: (inout TLSTestServer.Options) -> Void = { _ in }
    ) throws -> TLSTestServer {
        var options = TLSTestServer.Options(certificate: try certificates().certificate(leaf), key: try certificates().serverKey)
        configure(&options)
        let server = try TLSTestServer(options)
        server.start()
        return server
    }

    func connect(
        to server: TLSTestServer, serverName: String = "localhost", trustingTestCA: Bool = true, verify: Bool = true
    ) throws -> TLSConnection {
        let tcp = try TCPConnection.connect(to: [.loopbackIPv4], port: server.port, deadline: .after(seconds: 5))
        return try TLSConnection.handshake(
            over: tcp, configuration: configuration(serverName: serverName, trustingTestCA: trustingTestCA, verify: verify),
            deadline: .after(seconds: 5))
    }

    /// Writes `line` and reads back the server's echo of it.
    func echo(_ line: String, over connection: TLSConnection) throws -> String {
        try connection.write(Array(line.utf8), deadline: .after(seconds: 5))
        var received: [UInt8] = []
        while received.count < line.utf8.count {
            let chunk = try connection.read(maxCount: 4096, deadline: .after(seconds: 5))
            if chunk.isEmpty { break }
            received += chunk
        }
        return String(decoding: received, as: UTF8.self)
    }
}
