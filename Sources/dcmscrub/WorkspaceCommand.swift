// WorkspaceCommand: what the workspace commands share: the --workspace option, one-line errors, a terminal progress line.
import ArgumentParser
import Engine
import Foundation
import Review

struct WorkspaceOption: ParsableArguments {
    @Option(name: .long, help: "The review workspace folder.")
    var workspace: String

    func open() throws -> Workspace {
        try reviewing { try Workspace.open(at: workspace) }
    }
}

/// Review and Engine errors end the command with their one-line message and exit status 2.
func reviewing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ReviewError {
        FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
        throw ExitCode(2)
    } catch let error as EngineError {
        FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
        throw ExitCode(2)
    }
}

/// "\r12/40 ingested" on a terminal, nothing in a log.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let verb: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private var last = Date.distantPast

    init(_ verb: String) { self.verb = verb }

    func show(done: Int, total: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        FileHandle.standardError.write(Data("\r\(done)/\(total) \(verb)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
