import XCTest

@testable import XMPPProtocol

/// RFC 2782 ordering: priorities strictly, weights by proportional draws.
final class SRVOrderingTests: XCTestCase {
    private func record(_ target: String, priority: UInt16, weight: UInt16) -> SRVRecord {
        SRVRecord(priority: priority, weight: weight, port: 5222, target: target)
    }

    func testLowerPrioritiesAlwaysComeFirst() {
        let records = [
            record("c", priority: 20, weight: 65535), record("a", priority: 0, weight: 0),
            record("b1", priority: 10, weight: 1), record("b2", priority: 10, weight: 1000),
            record("a2", priority: 0, weight: 7), record("d", priority: 65535, weight: 9),
        ]
        var random = SplitMix64(seed: 1)
        for _ in 0..<500 {
            let ordered = SRVOrdering.order(records, random: &random)
            XCTAssertEqual(ordered.map(\.priority), [0, 0, 10, 10, 20, 65535])
            XCTAssertEqual(Set(ordered.map(\.target)), Set(records.map(\.target)))
        }
    }

    func testTheSameSeedGivesTheSameOrder() {
        let records = (0..<8).map { record("t\($0)", priority: UInt16($0 % 2), weight: UInt16($0 * 10)) }
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        for _ in 0..<50 {
            XCTAssertEqual(SRVOrdering.order(records, random: &first), SRVOrdering.order(records, random: &second))
        }
    }

    func testFirstChoiceIsProportionalToWeight() {
        // Draws are uniform over 0...100: a wins 61 of 101, b 30, c 10.
        let records = [
            record("a", priority: 5, weight: 60), record("b", priority: 5, weight: 30), record("c", priority: 5, weight: 10),
        ]
        var random = SplitMix64(seed: 2024)
        var firsts: [String: Int] = [:]
        let runs = 20_000
        for _ in 0..<runs {
            firsts[SRVOrdering.order(records, random: &random)[0].target, default: 0] += 1
        }
        XCTAssertEqual(Double(firsts["a", default: 0]) / Double(runs), 61.0 / 101, accuracy: 0.02)
        XCTAssertEqual(Double(firsts["b", default: 0]) / Double(runs), 30.0 / 101, accuracy: 0.02)
        XCTAssertEqual(Double(firsts["c", default: 0]) / Double(runs), 10.0 / 101, accuracy: 0.02)
    }

    func testSecondChoiceIsDrawnAgainAmongTheRest() {
        // Once "a" (weight 60) is taken, "b" (30) should precede "c" (10) about 31 times in 41.
        let records = [
            record("a", priority: 0, weight: 60), record("b", priority: 0, weight: 30), record("c", priority: 0, weight: 10),
        ]
        var random = SplitMix64(seed: 99)
        var afterA = 0
        var bSecond = 0
        for _ in 0..<20_000 {
            let ordered = SRVOrdering.order(records, random: &random).map(\.target)
            guard ordered[0] == "a" else { continue }
            afterA += 1
            if ordered[1] == "b" { bSecond += 1 }
        }
        XCTAssertEqual(Double(bSecond) / Double(afterA), 31.0 / 41, accuracy: 0.03)
    }

    func testZeroWeightRecordsKeepASmallChance() {
        let records = [record("heavy", priority: 0, weight: 100), record("zero", priority: 0, weight: 0)]
        var random = SplitMix64(seed: 5)
        var zeroFirst = 0
        let runs = 20_000
        for _ in 0..<runs where SRVOrdering.order(records, random: &random)[0].target == "zero" {
            zeroFirst += 1
        }
        // Expected 1 in 101.
        XCTAssertGreaterThan(zeroFirst, 0)
        XCTAssertEqual(Double(zeroFirst) / Double(runs), 1.0 / 101, accuracy: 0.005)
    }

    func testAllZeroWeightsKeepTheOrderReceived() {
        let records = ["x", "y", "z"].map { record($0, priority: 3, weight: 0) }
        var random = SplitMix64(seed: 8)
        XCTAssertEqual(SRVOrdering.order(records, random: &random), records)
    }

    func testLargeWeightsDoNotOverflow() {
        let records = (0..<300).map { record("h\($0)", priority: 0, weight: 65535) }
        var random = SplitMix64(seed: 3)
        XCTAssertEqual(SRVOrdering.order(records, random: &random).count, 300)
    }

    func testEmptyInputGivesEmptyOutput() {
        var random = SplitMix64(seed: 0)
        XCTAssertEqual(SRVOrdering.order([], random: &random), [])
        XCTAssertEqual(SRVOrdering.order([]), [])
    }
}
