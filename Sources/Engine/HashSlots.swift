// HashSlots: a power-of-two number of slots and the multiplicative hash of a 32-bit key into them.

/// Fibonacci hashing: the top bits of the key times 2^32 / golden ratio. Shared by the fixed tables
/// looked up for every element or byte (TagTable, the byte scan's needle groups), where a
/// Dictionary's hashing cost more than the rest of the lookup.
struct HashSlots: Sendable {
    /// A power of two.
    let count: Int
    /// 32 - log2(count), below 32: the shift needs no check for a larger one.
    private let shift: UInt32

    /// The first power of two from `minimum` up that is at least `wanted`.
    init(atLeast wanted: Int, minimum: Int) {
        var count = minimum
        while count < wanted { count *= 2 }
        self.count = count
        shift = UInt32(32 - count.trailingZeroBitCount)
    }

    func slot(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) &>> shift)
    }
}
