// TagTable: a fixed map from tags to values, looked up with one multiply and a probe or two.

/// For the tables looked up for every element of every walk (the profile's actions, the
/// identifying attributes): a Dictionary of Tag cost about 100 instructions a lookup in hashing
/// and probing; this open-addressing table, at most half full, about 15. Built once, never changed.
struct TagTable<Value: Sendable>: Sendable {
    private let keys: [UInt32]
    private let values: [Value?]
    private let slots: HashSlots

    init(_ entries: [Tag: Value]) {
        let slots = HashSlots(atLeast: 2 * entries.count, minimum: 16)
        self.slots = slots
        var keys = [UInt32](repeating: 0, count: slots.count)
        var values = [Value?](repeating: nil, count: slots.count)
        for (tag, value) in entries {
            var k = slots.slot(tag.packed)
            while values[k] != nil { k = (k + 1) & (slots.count - 1) }
            keys[k] = tag.packed
            values[k] = value
        }
        self.keys = keys
        self.values = values
    }

    subscript(tag: Tag) -> Value? {
        let key = tag.packed
        var k = slots.slot(key)
        while let value = values[k] {
            if keys[k] == key { return value }
            k = (k + 1) & (keys.count - 1)
        }
        return nil
    }

    func contains(_ tag: Tag) -> Bool { self[tag] != nil }
}

extension TagTable where Value == Bool {
    /// A set of tags: each maps to true.
    init(_ tags: some Sequence<Tag>) {
        self.init(Dictionary(tags.map { ($0, true) }, uniquingKeysWith: { a, _ in a }))
    }
}
