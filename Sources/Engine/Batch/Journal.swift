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
        var info = stat()
        let known = stat(path, &info) == 0
        let size = known ? String(info.st_size) : "?"
        let modified = known ? "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : "?"
        let digest = SHA256.hash(data: Data("\(path)\u{0}\(size)\u{0}\(modified)".utf8))
        return hex(digest.prefix(16))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
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
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
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

    /// Lines are written in batches. A killed process loses nothing the kernel already has, so
    /// outputs and journal stay consistent without a sync per file; the run syncs once at its end,
    /// so that "exit 0" means on disk. After a power cut, a journaled output that did not survive
    /// (missing or short) is simply done again (BatchRun.isWhole).
    private var pending = Data()
    private var pendingCount = 0
    static let writeEvery = 256
    /// Off for measurements only (DCMSCRUB_NO_SYNC): then outputs reach the disk when the kernel decides.
    private let durable = ProcessInfo.processInfo.environment["DCMSCRUB_NO_SYNC"] == nil

    func append(identity: String, outcome: InstanceOutcome) {
        guard let encoded = try? JSONEncoder().encode(outcome) else { return }
        append(identity: identity, encodedOutcome: encoded)
    }

    /// An Entry's line around an outcome already encoded (for the report): identity and settings
    /// are hex digits, which JSON takes as they are.
    func append(identity: String, encodedOutcome: Data) {
        var line = Data(#"{"identity":""#.utf8) + Data(identity.utf8) + Data(#"","outcome":"#.utf8)
        line.append(encodedOutcome)
        line.append(contentsOf: Array(#","settings":""#.utf8) + Array(settings.utf8) + Array(#""}"#.utf8) + [0x0A])
        lock.lock()
        pending.append(line)
        pendingCount += 1
        if pendingCount >= Self.writeEvery { writePendingLocked() }
        lock.unlock()
    }

    /// Makes every output and journal line durable: one sync for the whole run.
    func flush() {
        lock.lock()
        defer { lock.unlock() }
        writePendingLocked()
        if durable { sync() } // syncfs is not exported to Swift here; sync covers the output folder too
    }

    private func writePendingLocked() {
        handle.write(pending)
        pending = Data()
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
