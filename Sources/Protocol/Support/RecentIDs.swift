/// The last `capacity` ids inserted, for "is this one of ours?" checks with bounded memory.
public typealias RecentIDs = RecentItems<String>

/// The last `capacity` items inserted, with bounded memory: ids, or whatever else tells
/// things apart (listen's message identities, which are not made strings first).
public struct RecentItems<Item: Hashable & Sendable>: Sendable {
    private var members: Set<Item> = []
    private var order: [Item] = []
    private var next = 0
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
        order.reserveCapacity(min(capacity, 1024))
    }

    public mutating func insert(_ id: Item) {
        guard members.insert(id).inserted else { return }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[next])
            order[next] = id
            next = (next + 1) % capacity
        }
    }

    public func contains(_ id: Item) -> Bool { members.contains(id) }
}
