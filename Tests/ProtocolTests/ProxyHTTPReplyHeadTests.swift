import XCTest

@testable import XMPPProtocol

/// The HTTP reply head reader never asks for a byte beyond the empty line, however the
/// lines end, so the tunnel's first bytes are left for the stream.
final class ProxyHTTPReplyHeadTests: XCTestCase {
    private let heads = [
        "HTTP/1.1 200\n\n",
        "HTTP/1.1 200\r\n\r\n",
        "HTTP/1.1 200 Connection established\r\n\r\n",
        "HTTP/1.0 200 OK\r\nProxy-Agent: x\r\n\r\n",
        "HTTP/1.0 200 OK\nA: b\n\n",
        "HTTP/1.1 200 OK\r\nA: b\n\r\n",
        "HTTP/1.1 200 OK\nA: \r\n\n",
        "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
    ]

    /// Reads as a handshake does, from a stream where the tunnel's bytes follow the head.
    func testReadingNoMoreThanSafeReadCountStopsExactlyAtTheEnd() {
        for head in heads {
            let stream = Array(head.utf8) + Array("<?xml version='1.0'?>".utf8)
            var reader = HTTPReplyHead()
            var position = 0
            while !reader.isComplete {
                let count = reader.safeReadCount
                XCTAssertGreaterThan(count, 0, head)
                let end = min(position + count, stream.count)
                reader.append(Array(stream[position..<end]))
                position = end
                if reader.isComplete || end == stream.count { break }
            }
            XCTAssertEqual(position, head.utf8.count, "read past the head of \(head.debugDescription)")
            XCTAssertEqual(reader.safeReadCount, 0)
            XCTAssertTrue(reader.statusLine?.hasPrefix("HTTP/1.") == true)
            XCTAssertFalse(reader.statusLine?.hasSuffix("\r") == true)
        }
    }

    /// Heads no proxy should send, shorter than any valid one, still stop the reading at
    /// their end (a fuzzed "\n\n" once made the reader take 14 bytes and trap).
    func testHeadsShorterThanAnyValidOneStopTheReadingAtTheirEnd() {
        for head in ["\n\n", "\r\n\r\n", "x\n\n", "\n\r\n", "HTTP\n\n"] {
            let stream = Array(head.utf8) + Array("tunnel bytes".utf8)
            var reader = HTTPReplyHead()
            var position = 0
            while !reader.isComplete && position < stream.count {
                let end = min(position + reader.safeReadCount, stream.count)
                reader.append(Array(stream[position..<end]))
                position = end
            }
            XCTAssertTrue(reader.isComplete, head.debugDescription)
            XCTAssertEqual(position, head.utf8.count, "read past the head of \(head.debugDescription)")
        }
    }

    func testAHeadWithoutItsEmptyLineHasALimit() {
        var reader = HTTPReplyHead()
        reader.append(Array("HTTP/1.1 200 OK\r\n".utf8))
        while reader.safeReadCount > 0 { reader.append(Array(repeating: UInt8(ascii: "x"), count: reader.safeReadCount)) }
        XCTAssertFalse(reader.isComplete)
        XCTAssertEqual(reader.bytes.count, HTTPReplyHead.limit)
    }

    func testNonHTTPIsSeenFromTheFirstBytes() {
        for (text, isNotHTTP) in [
            ("H", false), ("HTTP/", false), ("HTTP/1.1 2", false), ("HTTX", true), ("\r\n", true), ("SSH-", true),
        ] {
            var reader = HTTPReplyHead()
            reader.append(Array(text.utf8))
            XCTAssertEqual(reader.isNotHTTP, isNotHTTP, text)
        }
    }
}
