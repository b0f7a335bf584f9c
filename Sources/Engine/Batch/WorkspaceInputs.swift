// WorkspaceInputs: the batch's input expansion and file identity, opened to the review workspace so both read inputs alike.

public enum WorkspaceInputs {
    /// The command line's files and folders as one sorted list of regular files (hidden files skipped).
    public static func files(in inputs: [String]) throws -> PathList {
        try InputWalker.files(in: inputs)
    }
}
