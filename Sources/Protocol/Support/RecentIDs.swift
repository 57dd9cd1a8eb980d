/// The last `capacity` ids inserted, for "is this one of ours?" checks with bounded memory.
struct RecentIDs {
    private var members: Set<String> = []
    private var order: [String] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        order.reserveCapacity(min(capacity, 1024))
    }

    mutating func insert(_ id: String) {
        guard members.insert(id).inserted else { return }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[next])
            order[next] = id
            next = (next + 1) % capacity
        }
    }

    func contains(_ id: String) -> Bool { members.contains(id) }
}
