// Journal: what a run has finished, kept in the output folder so that a killed run resumes where it stopped.
import Crypto
import Foundation

final class Journal: @unchecked Sendable {
    private let path: String
    private let folder: String
    private let settings: String
    private let lock = NSLock()
    private let handle: FileHandle
    /// Outcomes recorded by earlier runs with the same settings, by input identity.
    private(set) var completed: [String: InstanceOutcome] = [:]

    /// The journal names inputs only by a hash of path, size and modification time: the output
    /// folder is what gets shared, and a source path may carry a name.
    static func identity(of path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.stringValue ?? "?"
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let digest = SHA256.hash(data: Data("\(path)\u{0}\(size)\u{0}\(modified)".utf8))
        return digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    init(folder: String, settings: String) throws {
        self.folder = folder
        self.settings = SHA256.hash(data: Data(settings.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        path = folder + "/.dcmscrub-journal"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let decoder = JSONDecoder()
            for line in text.split(separator: "\n") {
                // A line cut short by a kill does not parse and is simply redone.
                guard let entry = try? decoder.decode(Entry.self, from: Data(line.utf8)),
                      entry.settings == self.settings else { continue }
                completed[entry.identity] = entry.outcome
            }
        }
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw EngineError(.write, "cannot open the run journal in the output folder")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    struct Entry: Codable {
        var identity: String
        var settings: String
        var outcome: InstanceOutcome
    }

    /// Lines waiting for the next file-system sync: an outcome is recorded only once its output is
    /// on disk, so a power cut can lose work but never make the journal claim a file it lacks.
    private var pending = Data()
    private var pendingCount = 0
    /// Off for measurements only (DCMSCRUB_NO_SYNC): then outputs reach the disk when the kernel decides.
    private let durable = ProcessInfo.processInfo.environment["DCMSCRUB_NO_SYNC"] == nil
    static let syncEvery = 256

    func append(identity: String, outcome: InstanceOutcome) {
        guard var line = try? JSONEncoder().encode(Entry(identity: identity, settings: settings, outcome: outcome)) else { return }
        line.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        pending.append(line)
        pendingCount += 1
        if pendingCount >= Self.syncEvery { flushLocked() }
    }

    /// Syncs the output file system, then records what is now durable.
    func flush() {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
    }

    private func flushLocked() {
        guard pendingCount > 0 else { return }
        if durable { sync() } // syncfs is not exported to Swift here; sync covers the output folder too
        handle.write(pending)
        fsync(handle.fileDescriptor)
        pending.removeAll(keepingCapacity: true)
        pendingCount = 0
    }

    /// Temporary files of a killed run (".name.pid.random.tmp") are removed before work starts.
    func removeStaleTemporaries() {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix("."), name.hasSuffix(".tmp") {
                try? FileManager.default.removeItem(atPath: folder + "/" + relative)
            }
        }
    }
}
