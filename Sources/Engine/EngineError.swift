// EngineError: the one error type of the Engine; its text names files by position and tags by number, never a value.

public struct EngineError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        public static let notDICOM = Code(name: "not-dicom")
        public static let malformed = Code(name: "malformed")
        public static let tooLarge = Code(name: "too-large")
        public static let unsupported = Code(name: "unsupported")
        public static let undecodable = Code(name: "undecodable-pixels")
        public static let needsPixelReview = Code(name: "needs-pixel-review")
        public static let characterSet = Code(name: "character-set")
        public static let edit = Code(name: "edit-failed")
        public static let write = Code(name: "write-failed")
        public static let io = Code(name: "io")
        public static let profile = Code(name: "profile")
        public static let key = Code(name: "key")
        public static let usage = Code(name: "usage")
        public static let network = Code(name: "network")
    }

    public let code: Code
    /// One line, no identifying value.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
