/// The last `capacity` ids inserted, for "is this one of ours?" checks with bounded memory.
public typealias RecentIDs = RecentItems<String>

/// The last `capacity` items inserted, with bounded memory: ids, or whatever else tells
/// things apart (listen's message identities, which are not made strings first).
///
/// Inlinable, so that a module using it with an item type of its own gets code specialised
/// for that type, not generic code that looks the type up at every call.
public struct RecentItems<Item: Hashable & Sendable>: Sendable {
    @usableFromInline var members: Set<Item> = []
    @usableFromInline var order: [Item] = []
    @usableFromInline var next = 0
    public let capacity: Int

    @inlinable
    public init(capacity: Int) {
        self.capacity = capacity
        order.reserveCapacity(min(capacity, 1024))
    }

    @inlinable
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

    @inlinable
    public func contains(_ id: Item) -> Bool { members.contains(id) }
}
