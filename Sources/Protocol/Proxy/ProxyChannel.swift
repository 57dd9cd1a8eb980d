/// The connection to a proxy during its handshake: whole writes, exact reads, every wait
/// under one deadline, and transport failures said as the proxy's.
///
/// It never reads past what it is asked for, so that once the handshake is over every byte
/// still to come belongs to the tunnel.
struct ProxyChannel {
    let tcp: TCPConnection
    /// `ProxyConfiguration.displayName`.
    let proxy: String
    let deadline: Deadline

    func write(_ bytes: [UInt8]) throws(ProxyError) {
        do {
            try tcp.write(bytes, deadline: deadline)
        } catch {
            throw failure(error)
        }
    }

    /// Exactly `count` bytes of `what` ("its reply to the greeting"); a proxy that closes
    /// before they all came sent a truncated reply.
    func read(exactly count: Int, of what: String) throws(ProxyError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = try read(atMost: count - bytes.count)
            guard !chunk.isEmpty else {
                throw .malformedReply(proxy: proxy, reason: "the connection closed in the middle of \(what)")
            }
            bytes += chunk
        }
        return bytes
    }

    /// Whatever is there, up to `maxCount` bytes; empty at the end of the stream.
    func read(atMost maxCount: Int) throws(ProxyError) -> [UInt8] {
        do {
            return try tcp.read(maxCount: maxCount, deadline: deadline)
        } catch {
            throw failure(error)
        }
    }

    /// Fails if the proxy sent anything beyond its reply, or closed the tunnel at once:
    /// nothing has gone through it yet, and XMPP's client speaks first.
    func expectNothingMore(target: ProxyTarget) throws(ProxyError) {
        guard tcp.hasPendingInput else { return }
        let extra = try read(atMost: 4096)
        guard !extra.isEmpty else {
            throw .transport(proxy: proxy, .connectionLost("the tunnel to \(target) closed as soon as it opened"))
        }
        throw .unexpectedData(proxy: proxy, count: extra.count)
    }

    private func failure(_ error: TransportError) -> ProxyError {
        error == .timedOut ? .timedOut(proxy: proxy) : .transport(proxy: proxy, error)
    }
}
