/// The RFC 2782 "Usage rules" order in which SRV targets are tried.
///
/// Lower priorities come strictly first; within one priority each next record is drawn at
/// random with probability proportional to its weight, weight-0 records placed first in
/// the draw so that they keep a small chance when others weigh more.
public enum SRVOrdering {
    public static func order(_ records: [SRVRecord], random: inout some RandomNumberGenerator) -> [SRVRecord] {
        order(records, priority: \.priority, weight: \.weight, random: &random)
    }

    /// `order(_:random:)` with the system's random generator.
    public static func order(_ records: [SRVRecord]) -> [SRVRecord] {
        var random = SystemRandomNumberGenerator()
        return order(records, random: &random)
    }

    /// The same algorithm for anything with a priority and a weight, so that records of
    /// different services (XEP-0368) can be ordered together.
    static func order<Item>(
        _ items: [Item], priority: (Item) -> UInt16, weight: (Item) -> UInt16,
        random: inout some RandomNumberGenerator
    ) -> [Item] {
        let groups = Dictionary(grouping: items, by: priority)
        var ordered: [Item] = []
        ordered.reserveCapacity(items.count)
        for level in groups.keys.sorted() {
            // Stable partition: weight-0 records first, each side in the order received.
            let group = groups[level] ?? []
            var unordered = group.filter { weight($0) == 0 } + group.filter { weight($0) != 0 }
            while !unordered.isEmpty {
                let total = unordered.reduce(UInt64(0)) { $0 + UInt64(weight($1)) }
                let drawn = UInt64.random(in: 0...total, using: &random)
                var runningSum: UInt64 = 0
                var chosen = unordered.count - 1
                for (index, item) in unordered.enumerated() {
                    runningSum += UInt64(weight(item))
                    if runningSum >= drawn {
                        chosen = index
                        break
                    }
                }
                ordered.append(unordered.remove(at: chosen))
            }
        }
        return ordered
    }
}
