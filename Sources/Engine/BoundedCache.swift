// BoundedCache: a dictionary the workers share, emptied when full: made once per process, memory flat.
import Foundation

/// What the files of a study share (folded names, their needles, replacement UIDs) is made once
/// per process and kept here. Emptied when it reaches `limit`, so a batch of millions of patients
/// holds no more than that. Values are made outside the lock; two workers may make the same one.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The value kept for `key`, or the one `make` makes, kept from now on.
    func value(_ key: Key, orMake make: () throws -> Value) rethrows -> Value {
        lock.lock()
        let known = entries[key]
        lock.unlock()
        if let known { return known }
        let made = try make()
        lock.lock()
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = made
        lock.unlock()
        return made
    }
}
