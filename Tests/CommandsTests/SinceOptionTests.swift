import XCTest

@testable import Commands

/// `listen --since`: RFC 3339 times in any offset, durations back from now, and anything
/// else that could be an archive id; a text that starts like a date must be a valid one.
final class SinceOptionTests: XCTestCase {
    private let now = 1_796_000_000  // 2026-11-30T00:53:20Z

    func testRFC3339TimesBecomeUTC() throws {
        XCTAssertEqual(try SinceOption("2026-12-02T09:00:00Z"), .time("2026-12-02T09:00:00Z"))
        XCTAssertEqual(try SinceOption("2026-12-02T09:00:00+01:00"), .time("2026-12-02T08:00:00Z"))
        XCTAssertEqual(try SinceOption("2026-12-02t23:30:00.125-00:45"), .time("2026-12-03T00:15:00Z"))
        XCTAssertEqual(try SinceOption("2024-02-29 00:00:00z"), .time("2024-02-29T00:00:00Z"))
    }

    func testImpossibleDatesAreUsageErrors() {
        for text in ["2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-12-02T24:00:00Z", "2026-12-02T09:00:00", "2026-12-02", "2026-12-02T09:00:00+1:00"] {
            XCTAssertThrowsError(try SinceOption(text), text) { error in
                XCTAssertEqual((error as? Failure)?.status, .usage, text)
            }
        }
    }

    func testDurationsCountBackFromNow() throws {
        XCTAssertEqual(try SinceOption("90s", now: now), .time("2026-11-30T00:51:50Z"))
        XCTAssertEqual(try SinceOption("1h30m", now: now), .time("2026-11-29T23:23:20Z"))
        XCTAssertEqual(try SinceOption("2d", now: now), .time("2026-11-28T00:53:20Z"))
        XCTAssertEqual(try SinceOption("1w", now: now), .time("2026-11-23T00:53:20Z"))
    }

    /// What the fuzzer found: 8,888,888,888 minutes back is the year -14874, which no
    /// archive query can name. Before the epoch is everything an archive holds.
    func testTimesBeforeTheEpochAreTheEpochAndAfterTheYear9999AreRefused() throws {
        XCTAssertEqual(try SinceOption("08888888888m", now: now), .time("1970-01-01T00:00:00Z"))
        XCTAssertEqual(try SinceOption("0000-01-01T00:30:00+01:00"), .time("1970-01-01T00:00:00Z"))
        XCTAssertEqual(try SinceOption("1969-12-31T23:59:59Z"), .time("1970-01-01T00:00:00Z"))
        XCTAssertEqual(try SinceOption("9999-12-31T23:59:59Z"), .time("9999-12-31T23:59:59Z"))
        XCTAssertThrowsError(try SinceOption("9999-12-31T23:30:00-01:00")) { error in
            XCTAssertEqual((error as? Failure)?.status, .usage)
            XCTAssertTrue((error as? Failure)?.message.contains("9999") == true, "\(error)")
        }
    }

    func testAnythingElseIsAnArchiveID() throws {
        XCTAssertEqual(try SinceOption("Oi3EnNs599smxR0nem6w0qXP"), .archiveID("Oi3EnNs599smxR0nem6w0qXP"))
        XCTAssertEqual(try SinceOption("1d2e3f"), .archiveID("1d2e3f"), "not a duration: units need numbers")
        XCTAssertEqual(try SinceOption("h"), .archiveID("h"))
        for text in ["", "with space", "line\nfeed"] {
            XCTAssertThrowsError(try SinceOption(text), text)
        }
    }
}
