import Glibc
import XCTest

@testable import Commands

/// `LineReader` fed through a real pipe, one `fill()` per write, as `send -i` sees stdin.
final class LineReaderTests: XCTestCase {
    /// A pipe whose read end a `LineReader` reads; both ends are closed when the test ends.
    private final class Pipe {
        let readEnd: Int32
        private(set) var writeEnd: Int32

        init() throws {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
            readEnd = fds[0]
            writeEnd = fds[1]
        }

        func write(_ text: String) {
            write(Array(text.utf8))
        }

        func write(_ bytes: [UInt8]) {
            let written = bytes.withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, $0.count) }
            precondition(written == bytes.count, "short write to the test pipe")
        }

        func closeWriteEnd() {
            if writeEnd >= 0 { close(writeEnd) }
            writeEnd = -1
        }

        deinit {
            closeWriteEnd()
            close(readEnd)
        }
    }

    private func lines(_ reader: inout LineReader) throws -> [String] {
        var result: [String] = []
        while let (bytes, _) = try reader.nextLine() {
            result.append(String(decoding: bytes, as: UTF8.self))
        }
        return result
    }

    func testLinesSplitAcrossFillsComeOutWhole() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)

        pipe.write("hel")
        try reader.fill()
        XCTAssertNil(try reader.nextLine(), "a partial line came out")
        XCTAssertFalse(reader.hasBufferedLine)

        pipe.write("lo\nwor")
        try reader.fill()
        XCTAssertTrue(reader.hasBufferedLine)
        let first = try XCTUnwrap(try reader.nextLine())
        XCTAssertEqual(String(decoding: first.bytes, as: UTF8.self), "hello")
        XCTAssertEqual(first.number, 1)
        XCTAssertNil(try reader.nextLine())

        pipe.write("ld\n")
        try reader.fill()
        let second = try XCTUnwrap(try reader.nextLine())
        XCTAssertEqual(String(decoding: second.bytes, as: UTF8.self), "world")
        XCTAssertEqual(second.number, 2)
        XCTAssertFalse(reader.atEOF)
    }

    func testMultibyteCharacterSplitAcrossFillsIsKeptWhole() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        let rocket = Array("🚀\n".utf8)
        pipe.write(Array(rocket[..<2]))
        try reader.fill()
        XCTAssertNil(try reader.nextLine())
        pipe.write(Array(rocket[2...]))
        try reader.fill()
        XCTAssertEqual(try lines(&reader), ["🚀"])
    }

    func testCRLFLineEndsAreRemovedButALoneCarriageReturnIsKept() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        pipe.write("one\r\ntwo\nthree\rstill three\r\n")
        try reader.fill()
        XCTAssertEqual(try lines(&reader), ["one", "two", "three\rstill three"])
    }

    func testCRLFSplitBetweenFills() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        pipe.write("one\r")
        try reader.fill()
        XCTAssertNil(try reader.nextLine())
        pipe.write("\n")
        try reader.fill()
        XCTAssertEqual(try lines(&reader), ["one"])
    }

    func testBlankLinesAreReturnedEmptyAndCounted() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        pipe.write("a\n\n\r\nb\n")
        try reader.fill()
        var numbered: [(String, Int)] = []
        while let (bytes, number) = try reader.nextLine() {
            numbered.append((String(decoding: bytes, as: UTF8.self), number))
        }
        XCTAssertEqual(numbered.map(\.0), ["a", "", "", "b"])
        XCTAssertEqual(numbered.map(\.1), [1, 2, 3, 4])
    }

    func testLastLineWithoutNewlineComesOutAtEOF() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        pipe.write("first\nlast")
        try reader.fill()
        XCTAssertEqual(try lines(&reader), ["first"], "the unfinished line came out before EOF")
        pipe.closeWriteEnd()
        try reader.fill()
        XCTAssertTrue(reader.atEOF)
        XCTAssertTrue(reader.hasBufferedLine)
        let last = try XCTUnwrap(try reader.nextLine())
        XCTAssertEqual(String(decoding: last.bytes, as: UTF8.self), "last")
        XCTAssertEqual(last.number, 2)
        XCTAssertNil(try reader.nextLine())
        XCTAssertFalse(reader.hasBufferedLine)
    }

    func testEmptyInputIsEOFWithoutLines() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        pipe.closeWriteEnd()
        try reader.fill()
        XCTAssertTrue(reader.atEOF)
        XCTAssertFalse(reader.hasBufferedLine)
        XCTAssertNil(try reader.nextLine())
    }

    func testInputEndingInNewlineHasNoExtraEmptyLine() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        pipe.write("only\n")
        pipe.closeWriteEnd()
        try reader.fill()
        try reader.fill()
        XCTAssertTrue(reader.atEOF)
        XCTAssertEqual(try lines(&reader), ["only"])
    }

    func testLineOfExactlyTheLimitIsAccepted() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 10)
        pipe.write("0123456789\r\n")
        try reader.fill()
        XCTAssertEqual(try lines(&reader), ["0123456789"])
    }

    func testLineOfExactlyTheLimitWithItsCRLFSplitBetweenFillsIsAccepted() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 10)
        pipe.write("0123456789\r")
        try reader.fill()
        XCTAssertNil(try reader.nextLine())
        pipe.write("\n")
        try reader.fill()
        XCTAssertEqual(try lines(&reader), ["0123456789"])
    }

    func testCompleteLineOverTheLimitIsADataErrorNamingIt() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 10)
        pipe.write("short\n0123456789A\nafter\n")
        try reader.fill()
        XCTAssertNotNil(try reader.nextLine())
        assertDataError(naming: "line 2", limit: 10) { try reader.nextLine() }
    }

    /// An unfinished line is refused as soon as it is over the limit: the reader does not
    /// keep reading (and holding) bytes while waiting for a newline that may never come.
    func testUnfinishedLineOverTheLimitIsRefusedWithoutWaitingForItsEnd() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 1000)
        pipe.write(Array(repeating: UInt8(ascii: "x"), count: 1001))
        try reader.fill()
        assertDataError(naming: "line 1", limit: 1000) { try reader.nextLine() }
    }

    func testMessagesNameTheInput() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 3, inputName: "/tmp/lines.txt")
        pipe.write("long line\n")
        try reader.fill()
        assertDataError(naming: "line 1 of /tmp/lines.txt", limit: 3) { try reader.nextLine() }
    }

    func testReadErrorIsNoInput() throws {
        var reader = LineReader(fd: -1, maxLineBytes: 10)
        XCTAssertThrowsError(try reader.fill()) { error in
            XCTAssertEqual((error as? Failure)?.status, .noInput)
        }
    }

    /// Many lines written in uneven pieces, filled as they come: each comes out once, whole
    /// and in order.
    func testManyLinesInManySmallWritesComeOutInOrder() throws {
        let pipe = try Pipe()
        var reader = LineReader(fd: pipe.readEnd, maxLineBytes: 100)
        let all = (1...5000).map { "message number \($0)" }
        let bytes = Array(all.map { $0 + "\n" }.joined().utf8)
        var received: [String] = []
        var offset = 0
        var chunk = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            pipe.write(Array(bytes[offset..<end]))
            offset = end
            chunk = chunk % 97 + 13  // uneven pieces that cut lines anywhere
            try reader.fill()
            received += try lines(&reader)
        }
        pipe.closeWriteEnd()
        try reader.fill()
        received += try lines(&reader)
        XCTAssertEqual(received, all)
    }

    private func assertDataError(
        naming text: String, limit: Int, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Any?
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let failure = error as? Failure
            XCTAssertEqual(failure?.status, .dataError, file: file, line: line)
            XCTAssertTrue(failure?.message.contains(text) ?? false, failure?.message ?? "\(error)", file: file, line: line)
            XCTAssertTrue(failure?.message.contains("\(limit)") ?? false, failure?.message ?? "\(error)", file: file, line: line)
        }
    }
}
