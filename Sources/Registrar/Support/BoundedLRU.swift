/// A dictionary with a fixed capacity that forgets its least recently used entry when full. All
/// operations are O(1): entries live in one array linked into a recency list by index, so the
/// registrar's replay and brute-force tables stay bounded whatever a flood of sources does.
struct BoundedLRU<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: Key
        var value: Value
        var newer: Int
        var older: Int
    }

    let capacity: Int
    private var nodes: [Node] = []
    private var slots: [Key: Int] = [:]
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { nodes.count }
    var isEmpty: Bool { nodes.isEmpty }

    /// The value for `key`, marking it most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        moveToFront(slot)
        return nodes[slot].value
    }

    /// The value for `key` without touching its recency.
    func peek(_ key: Key) -> Value? {
        slots[key].map { nodes[$0].value }
    }

    /// The least recently used entry, the next to be evicted.
    var leastRecent: (key: Key, value: Value)? {
        oldest < 0 ? nil : (nodes[oldest].key, nodes[oldest].value)
    }

    /// Stores `value` as most recently used; returns the entry evicted to make room, if any.
    @discardableResult
    mutating func set(_ value: Value, for key: Key) -> (key: Key, value: Value)? {
        if let slot = slots[key] {
            nodes[slot].value = value
            moveToFront(slot)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if nodes.count >= capacity, let victim = leastRecent {
            evicted = victim
            removeValue(for: victim.key)
        }
        nodes.append(Node(key: key, value: value, newer: -1, older: -1))
        let slot = nodes.count - 1
        slots[key] = slot
        linkAtFront(slot)
        return evicted
    }

    @discardableResult
    mutating func removeValue(for key: Key) -> Value? {
        guard let slot = slots.removeValue(forKey: key) else { return nil }
        let removed = nodes[slot].value
        unlink(slot)
        let last = nodes.count - 1
        if slot != last {
            // Move the last node into the hole and repoint its neighbours.
            nodes[slot] = nodes[last]
            slots[nodes[slot].key] = slot
            let newer = nodes[slot].newer, older = nodes[slot].older
            if newer >= 0 { nodes[newer].older = slot } else { newest = slot }
            if older >= 0 { nodes[older].newer = slot } else { oldest = slot }
        }
        nodes.removeLast()
        return removed
    }

    /// Keys from most to least recently used (for tests and diagnostics).
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot >= 0, keys.count < nodes.count {
            keys.append(nodes[slot].key)
            slot = nodes[slot].older
        }
        return keys
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot].newer, older = nodes[slot].older
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }

    private mutating func linkAtFront(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = -1
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
