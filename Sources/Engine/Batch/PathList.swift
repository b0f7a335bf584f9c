// PathList: a run's input paths, front-coded in one buffer: about 15 bytes a file, not 150.

/// The paths of a batch in their order, each stored as the length of the prefix it shares with the
/// one before and the bytes after it. Every `stride`-th path is stored whole, so reading any one
/// decodes at most `stride` entries. A million inputs keep about 15 MB here, where an array of
/// strings kept about 150 MB.
public struct PathList: RandomAccessCollection, Sendable {
    private var bytes: [UInt8] = []
    /// Where every `stride`-th entry starts in `bytes`.
    private var checkpoints: [Int] = []
    private var last: [UInt8] = []
    public private(set) var count = 0
    static let stride = 32

    init() {}

    init(_ paths: [String]) {
        for path in paths { append(Array(path.utf8)) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    mutating func append(_ path: [UInt8]) {
        var shared = 0
        if count % Self.stride == 0 {
            checkpoints.append(bytes.count)
        } else {
            let limit = Swift.min(path.count, last.count)
            while shared < limit && path[shared] == last[shared] { shared += 1 }
        }
        Self.putNumber(shared, into: &bytes)
        Self.putNumber(path.count - shared, into: &bytes)
        bytes += path[shared...]
        last = path
        count += 1
    }

    public subscript(index: Int) -> String {
        precondition(index >= 0 && index < count, "path index out of range")
        var position = checkpoints[index / Self.stride]
        var path: [UInt8] = []
        for _ in 0...(index % Self.stride) {
            let shared = Self.number(in: bytes, at: &position)
            let length = Self.number(in: bytes, at: &position)
            path.removeSubrange(shared...)
            path += bytes[position..<(position + length)]
            position += length
        }
        return String(decoding: path, as: UTF8.self)
    }

    /// LEB128: 7 bits a byte, the high bit set on all but the last.
    private static func putNumber(_ value: Int, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func number(in bytes: [UInt8], at position: inout Int) -> Int {
        var value = 0, shift = 0
        while true {
            let byte = bytes[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
