// ReviewError: the one error type of the Review module; its text names instances, groups and proposals by number, never a value.

public struct ReviewError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// The workspace folder or database cannot be created, opened or migrated.
        public static let workspace = Code(name: "workspace")
        /// The instance, proposal, group or check is not in a state that allows the decision.
        public static let conflict = Code(name: "conflict")
        /// Another live reviewer holds the device group.
        public static let claimed = Code(name: "claimed")
        public static let notFound = Code(name: "not-found")
        public static let audit = Code(name: "audit")
        public static let commit = Code(name: "commit")
        public static let usage = Code(name: "usage")
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
