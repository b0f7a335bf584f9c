// TagTable: a fixed map from tags to values, looked up with one multiply and a probe or two.

/// For the tables looked up for every element of every walk (the profile's actions, the
/// identifying attributes): a Dictionary of Tag cost about 100 instructions a lookup in hashing
/// and probing; this open-addressing table, at most half full, about 15. Built once, never changed.
struct TagTable<Value: Sendable>: Sendable {
    private let keys: [UInt32]
    private let values: [Value?]
    private let shift: UInt32

    init(_ entries: [Tag: Value]) {
        var slots = 16
        while slots < 2 * entries.count { slots *= 2 }
        shift = UInt32(32 - slots.trailingZeroBitCount)
        var keys = [UInt32](repeating: 0, count: slots)
        var values = [Value?](repeating: nil, count: slots)
        for (tag, value) in entries {
            var k = Self.slot(tag.packed, shift: shift)
            while values[k] != nil { k = (k + 1) & (slots - 1) }
            keys[k] = tag.packed
            values[k] = value
        }
        self.keys = keys
        self.values = values
    }

    subscript(tag: Tag) -> Value? {
        let key = tag.packed
        var k = Self.slot(key, shift: shift)
        while let value = values[k] {
            if keys[k] == key { return value }
            k = (k + 1) & (keys.count - 1)
        }
        return nil
    }

    func contains(_ tag: Tag) -> Bool { self[tag] != nil }

    /// Fibonacci hashing: the top bits of the tag times 2^32 / golden ratio.
    private static func slot(_ key: UInt32, shift: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) &>> shift)
    }
}

extension TagTable where Value == Bool {
    /// A set of tags: each maps to true.
    init(_ tags: some Sequence<Tag>) {
        self.init(Dictionary(tags.map { ($0, true) }, uniquingKeysWith: { a, _ in a }))
    }
}
