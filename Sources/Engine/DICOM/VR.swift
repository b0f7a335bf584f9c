// VR: a value representation as its two letters in one 16-bit word, compared and hashed at once.

/// What DicomElement.vr holds. It compares with a literal ("PN") as a String would, and prints as
/// its letters. A String made for every element described, and compared with "UI", "DA"...
/// several times in every walk, cost a fortieth of a header file's work.
public struct VR: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The first letter in the low byte, the second in the high byte.
    public let code: UInt16

    public init(_ first: UInt8, _ second: UInt8) {
        code = UInt16(first) | UInt16(second) << 8
    }

    /// Two ASCII letters; any other literal is a programming error.
    public init(stringLiteral value: StaticString) {
        precondition(value.utf8CodeUnitCount == 2, "a VR is two letters")
        self.init(value.utf8Start[0], value.utf8Start[1])
    }

    public var description: String {
        String(decoding: [UInt8(code & 0xFF), UInt8(code >> 8)], as: UTF8.self)
    }
}
