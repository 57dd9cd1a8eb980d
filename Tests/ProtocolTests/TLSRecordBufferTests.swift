import XCTest

@testable import XMPPProtocol

final class TLSRecordBufferTests: XCTestCase {
    /// A handshake record (5 bytes) and an application-data record (300 bytes), back to back.
    private let records: [[UInt8]] = [
        [22, 3, 3, 0, 5] + [1, 2, 3, 4, 5],
        [23, 3, 3, 1, 44] + [UInt8](repeating: 9, count: 300),
    ]

    func testWholeRecordsComeOutWhateverTheNetworkChunking() {
        let stream = records.flatMap { $0 }
        for split in 0...stream.count {
            var buffer = TLSRecordBuffer()
            var chunks: [[UInt8]] = []
            for part in [Array(stream[..<split]), Array(stream[split...])] {
                buffer.append(part)
                while let chunk = buffer.takeChunk() { chunks.append(Array(chunk)) }
            }
            XCTAssertEqual(chunks, records, "split at \(split)")
            XCTAssertFalse(buffer.hasCompleteChunk)
        }
    }

    func testByteByByteArrivalWaitsForTheWholeRecord() {
        var buffer = TLSRecordBuffer()
        for byte in records[1].dropLast() {
            buffer.append([byte])
            XCTAssertFalse(buffer.hasCompleteChunk)
        }
        buffer.append([records[1].last!])
        XCTAssertTrue(buffer.hasCompleteChunk)
        XCTAssertEqual(buffer.takeChunk().map(Array.init), records[1])
    }

    func testBytesThatAreNotTLSAreHandedOnAtOnce() {
        var buffer = TLSRecordBuffer()
        buffer.append(Array("<?xml".utf8))
        XCTAssertEqual(buffer.takeChunk().map(Array.init), Array("<?xml".utf8))

        var wrongVersion = TLSRecordBuffer()
        wrongVersion.append([22, 7, 1, 0xFF, 0xFF])
        XCTAssertEqual(wrongVersion.takeChunk().map(Array.init), [22, 7, 1, 0xFF, 0xFF])
    }
}
