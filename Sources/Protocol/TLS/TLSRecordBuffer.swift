/// Bytes received from the network that OpenSSL has not been given yet, cut at TLS record
/// boundaries.
///
/// OpenSSL gets one whole record at a time, so everything it holds can be processed without
/// waiting, and a complete record still here is exactly "data available without reading the
/// socket" for poll loops. Memory stays bounded: at most one record (the length field is 16
/// bits) plus one network read.
struct TLSRecordBuffer {
    private var bytes: [UInt8] = []
    private var start = 0

    private static let headerLength = 5

    mutating func append(_ received: [UInt8]) {
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16 {
            bytes.removeFirst(start)
            start = 0
        }
        bytes.append(contentsOf: received)
    }

    /// Whether `takeChunk()` would return something.
    var hasCompleteChunk: Bool { nextChunkLength != nil }

    /// The next whole record, or nil until it has fully arrived.
    mutating func takeChunk() -> ArraySlice<UInt8>? {
        guard let length = nextChunkLength else { return nil }
        defer { start += length }
        return bytes[start..<start + length]
    }

    /// A whole record's length; or, for bytes that cannot start a TLS record (a server
    /// speaking plain XMPP on a direct-TLS port), everything there is, so that OpenSSL
    /// rejects them at once instead of this waiting for a length that will never arrive.
    private var nextChunkLength: Int? {
        let available = bytes.count - start
        guard available > 0 else { return nil }
        let contentType = bytes[start]
        // change_cipher_spec, alert, handshake, application_data, heartbeat.
        guard (20...24).contains(contentType) else { return available }
        guard available >= Self.headerLength else { return nil }
        guard bytes[start + 1] == 3 else { return available }
        let length = Self.headerLength + (Int(bytes[start + 3]) << 8 | Int(bytes[start + 4]))
        return available >= length ? length : nil
    }
}
