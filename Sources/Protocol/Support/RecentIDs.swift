/// The last `capacity` ids inserted, for "is this one of ours?" checks with bounded memory.
public struct RecentIDs: Sendable {
    private var members: Set<String> = []
    private var order: [String] = []
    private var next = 0
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
        order.reserveCapacity(min(capacity, 1024))
    }

    public mutating func insert(_ id: String) {
        guard members.insert(id).inserted else { return }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[next])
            order[next] = id
            next = (next + 1) % capacity
        }
    }

    public func contains(_ id: String) -> Bool { members.contains(id) }
}
