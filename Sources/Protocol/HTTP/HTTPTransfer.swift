internal import CCurl
import Glibc

/// A header line of a request: its name and value, neither holding a line break.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether it can be sent as one header line: a token for its name, and no CR, LF or
    /// other control character in its value (which would start a header of the server's choosing).
    var isWellFormed: Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }
            && value.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
    }
}

/// What an upload reads its bytes from, in order, as the transfer asks for them.
public protocol HTTPRequestBody: AnyObject {
    /// The number of bytes the body has, sent as Content-Length.
    var length: Int64 { get }
    /// Fills the start of `buffer` with the next bytes and says how many; 0 at the end; nil
    /// when the bytes could not be had (the body keeps why, for its owner to report).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int?
}

/// One HTTP PUT through libcurl, the only door to it. The connection has the XMPP
/// connection's TLS policy and trust (`TLSContext.applyPolicy` on libcurl's `SSL_CTX`: the
/// system store and `--ca-file`, TLS 1.2 at least), goes through its proxy unless NO_PROXY
/// names the host, resolves names with `HostResolver` (never `getaddrinfo`), follows no
/// redirect, speaks only HTTPS, and ends by the deadline.
public enum HTTPTransfer {
    /// What the server answered a request it accepted (2xx).
    public struct Response: Sendable, Equatable {
        public var status: Int
        /// "HTTP/1.1 201 Created", as the server sent it (at most 200 characters).
        public var statusLine: String
    }

    /// PUTs `body` at `url` with `headers`. Throws for anything but a 2xx answer: a 4xx is
    /// `.refused` with the status line, a 5xx or a network failure `.unreachable`, the
    /// deadline `.timedOut`, a certificate or handshake failure `.tls`; when the body could
    /// not be read, or `progress` said to stop, the error says the upload stopped, and the
    /// caller knows why. `progress` is called with the bytes sent and the total, often (at
    /// least once a second); false stops the transfer.
    public static func put(
        _ url: HTTPURL, headers: [HTTPHeader], body: HTTPRequestBody, settings: ConnectionSettings,
        userAgent: String, deadline: Deadline, progress: @escaping (Int64, Int64) -> Bool
    ) throws(XMPPError) -> Response {
        guard url.isHTTPS else {
            throw .tlsUnavailable("the upload URL \(url) is not https: the file is not sent in the clear")
        }
        let handle = try Handle()
        let proxy = settings.proxyFor(url.host)
        let state = TransferState(
            body: body, progress: progress,
            tls: TLSConfiguration(serverName: url.host, caFile: settings.caFile, verifyCertificate: !settings.insecure, alpn: []))
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        let context = unmanaged.toOpaque()

        var lines = headers.filter(\.isWellFormed).map { "\($0.name): \($0.value)" }
        // The slot is already granted: waiting for a 100 Continue would cost a round trip.
        lines.append("Expect:")
        var resolves: [String] = []
        if proxy == nil || proxy?.kind == .socks5 {
            resolves.append(try resolveEntry(url.host, port: url.port, deadline: deadline))
        }
        if let proxy, proxy.address == nil {
            resolves.append(try resolveEntry(proxy.host, port: proxy.port, deadline: deadline))
        }
        let headerList = StringList(lines)
        let resolveList = StringList(resolves)
        let milliseconds = max(1, Int(deadline.remainingSeconds * 1000))
        guard !deadline.hasPassed else { throw .timedOut("before uploading to \(url.host)") }

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
            let curl = handle.pointer
            var status = CURLE_OK
            func set(_ result: CURLcode) { if status == CURLE_OK { status = result } }
            set(ccurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorBytes.baseAddress))
            set(ccurl_setopt_string(curl, CURLOPT_URL, url.text))
            set(ccurl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "https"))
            set(ccurl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0))
            set(ccurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1))
            set(ccurl_setopt_long(curl, CURLOPT_UPLOAD, 1))
            set(ccurl_setopt_offset(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.length)))
            set(ccurl_setopt_long(curl, CURLOPT_UPLOAD_BUFFERSIZE, uploadBufferSize))
            set(ccurl_setopt_read(curl, readBody))
            set(ccurl_setopt_pointer(curl, CURLOPT_READDATA, context))
            set(ccurl_setopt_write(curl, discardBody))
            set(ccurl_setopt_header(curl, readHeader))
            set(ccurl_setopt_pointer(curl, CURLOPT_HEADERDATA, context))
            set(ccurl_setopt_long(curl, CURLOPT_NOPROGRESS, 0))
            set(ccurl_setopt_progress(curl, reportProgress))
            set(ccurl_setopt_pointer(curl, CURLOPT_XFERINFODATA, context))
            set(ccurl_setopt_list(curl, CURLOPT_HTTPHEADER, headerList.pointer))
            set(ccurl_setopt_list(curl, CURLOPT_RESOLVE, resolveList.pointer))
            set(ccurl_setopt_string(curl, CURLOPT_USERAGENT, userAgent))
            set(ccurl_setopt_long(curl, CURLOPT_TIMEOUT_MS, milliseconds))
            set(ccurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds))
            // Our trust only: libcurl's own CA bundle is not read, TLSContext.applyPolicy
            // gives the SSL_CTX the system store and --ca-file.
            set(ccurl_setopt_string(curl, CURLOPT_CAINFO, nil))
            set(ccurl_setopt_string(curl, CURLOPT_CAPATH, nil))
            set(ccurl_setopt_long(curl, CURLOPT_SSL_VERIFYPEER, settings.insecure ? 0 : 1))
            set(ccurl_setopt_long(curl, CURLOPT_SSL_VERIFYHOST, settings.insecure ? 0 : 2))
            set(ccurl_setopt_ssl_context(curl, applyTLSPolicy))
            set(ccurl_setopt_pointer(curl, CURLOPT_SSL_CTX_DATA, context))
            // The proxy is ours to choose: "" is none, and NO_PROXY has been applied already,
            // so libcurl reads neither ALL_PROXY nor NO_PROXY itself.
            set(ccurl_setopt_string(curl, CURLOPT_PROXY, proxy.map { "\($0.displayName)" } ?? ""))
            set(ccurl_setopt_string(curl, CURLOPT_NOPROXY, ""))
            if let proxy, proxy.hasCredentials {
                set(ccurl_setopt_string(curl, CURLOPT_PROXYUSERNAME, proxy.username ?? ""))
                set(ccurl_setopt_string(curl, CURLOPT_PROXYPASSWORD, proxy.password ?? ""))
            }
            guard status == CURLE_OK else { return status }
            return ccurl_easy_perform(curl)
        }
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var status = 0
        _ = ccurl_getinfo_long(handle.pointer, CURLINFO_RESPONSE_CODE, &status)
        if code != CURLE_OK {
            throw failure(code, detail: detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail, state: state, url: url, proxy: proxy)
        }
        let statusLine = state.statusLine.isEmpty ? "HTTP status \(status)" : state.statusLine
        switch status {
        case 200..<300: return Response(status: status, statusLine: statusLine)
        case 400..<500: throw .refused("the upload service refused the file: \(statusLine)")
        default: throw .unreachable("the upload service failed: \(statusLine)")
        }
    }

    /// How much libcurl reads from the body and writes at a time. Its default, 64 KiB, puts
    /// Prosody's mod_http_file_share in a slow path: a 1 MB upload on loopback took 0.45 s
    /// (median of 6) with it, 0.29 s with 512 KiB, and no less with 2 MiB. Memory stays flat
    /// either way: this is the one buffer.
    static let uploadBufferSize = 512 * 1024

    /// A CURLOPT_RESOLVE line, "HOST:PORT:ADDRESS,ADDRESS", from `HostResolver`.
    private static func resolveEntry(_ host: String, port: UInt16, deadline: Deadline) throws(XMPPError) -> String {
        let addresses: [IPAddress]
        do {
            addresses = try HostResolver().addresses(of: host, deadline: deadline)
        } catch {
            throw .unreachable("the upload service \(host) cannot be reached: \(error.message)", remedy: .checkDomainOrServer)
        }
        let listed = addresses.map { $0.family == .ipv6 ? "[\($0)]" : "\($0)" }.joined(separator: ",")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(shownHost):\(port):\(listed)"
    }

    private static func failure(_ code: CURLcode, detail: String, state: TransferState, url: HTTPURL, proxy: ProxyConfiguration?) -> XMPPError {
        let server = "\(url.host):\(url.port)"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut("uploading to \(server) (\(state.sent) of \(state.body.length) bytes sent)")
        case CURLE_PEER_FAILED_VERIFICATION:
            return .tls(.certificateNotTrusted(detail), server: server)
        case CURLE_SSL_CERTPROBLEM where state.policyFailure != nil:
            return .tls(.configuration(state.policyFailure!), server: server)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return .tls(.handshakeFailed(detail), server: server)
        case CURLE_READ_ERROR, CURLE_ABORTED_BY_CALLBACK:
            return .connectionLost("uploading to \(server): the upload was stopped after \(state.sent) bytes")
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            return .unreachable("the proxy \(proxy?.displayName ?? "") failed: \(detail)", remedy: .checkProxy)
        case CURLE_COULDNT_CONNECT where proxy != nil:
            return .unreachable("cannot upload to \(server) through \(proxy!.displayName): \(detail)", remedy: .checkProxy)
        default:
            return .unreachable("cannot upload to \(server): \(detail)")
        }
    }
}

/// What the C callbacks of one transfer share, reached through their user-data pointer.
private final class TransferState {
    let body: HTTPRequestBody
    let progress: (Int64, Int64) -> Bool
    let tls: TLSConfiguration
    var sent: Int64 = 0
    var statusLine = ""
    var policyFailure: String?

    init(body: HTTPRequestBody, progress: @escaping (Int64, Int64) -> Bool, tls: TLSConfiguration) {
        self.body = body
        self.progress = progress
        self.tls = tls
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> TransferState {
        Unmanaged<TransferState>.fromOpaque(pointer!).takeUnretainedValue()
    }
}

private func readBody(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let state = TransferState.from(context)
    guard let read = state.body.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count)) else {
        return Int(CURL_READFUNC_ABORT)
    }
    state.sent += Int64(read)
    return read
}

private func discardBody(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    size * count
}

/// Keeps the last status line ("HTTP/1.1 201 Created"), skipping interim answers.
private func readHeader(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let buffer else { return length }
    let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
    if bytes.starts(with: Array("HTTP/".utf8)) {
        let line = String(decoding: bytes.prefix(200), as: UTF8.self)
        TransferState.from(context).statusLine = line.trimmingXMLWhitespace()
    }
    return length
}

private func reportProgress(_ context: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _ total: curl_off_t, _ sent: curl_off_t) -> Int32 {
    let state = TransferState.from(context)
    return state.progress(Int64(sent), state.body.length) ? 0 : 1
}

private func applyTLSPolicy(_: UnsafeMutableRawPointer?, _ sslContext: UnsafeMutableRawPointer?, _ context: UnsafeMutableRawPointer?) -> CURLcode {
    let state = TransferState.from(context)
    guard let sslContext else { return CURLE_SSL_CERTPROBLEM }
    do {
        try TLSContext.applyPolicy(state.tls, to: OpaquePointer(sslContext))
        return CURLE_OK
    } catch {
        if case .tls(.configuration(let reason)) = error { state.policyFailure = reason } else { state.policyFailure = "\(error)" }
        return CURLE_SSL_CERTPROBLEM
    }
}

/// A libcurl easy handle; libcurl is loaded and its global state set up once, before the first.
private final class Handle {
    let pointer: UnsafeMutableRawPointer

    /// nil once libcurl is ready, else why it is not.
    private static let loadFailure: String? = {
        var reason = [CChar](repeating: 0, count: 512)
        guard ccurl_load(&reason, reason.count) == 0 else {
            return String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return ccurl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK ? nil : "curl_global_init failed"
    }()

    init() throws(XMPPError) {
        if let failure = Self.loadFailure {
            throw .unreachable("HTTP upload needs libcurl (libcurl.so.4, Debian's libcurl4): \(failure)")
        }
        guard let pointer = ccurl_easy_init() else { throw .unreachable("libcurl could not start a transfer (out of memory)") }
        self.pointer = pointer
    }

    deinit { ccurl_easy_cleanup(pointer) }
}

/// A `curl_slist` of C strings, freed with it.
private final class StringList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String]) {
        for line in lines { pointer = ccurl_slist_append(pointer, line) }
    }

    deinit { ccurl_slist_free_all(pointer) }
}
