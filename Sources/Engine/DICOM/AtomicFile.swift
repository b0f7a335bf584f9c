// AtomicFile: temporary file + fsync + rename + fsync of the folder, for every output the Engine writes.
import Foundation

public enum AtomicFile {
    static func temporaryPath(for path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return (folder.isEmpty ? "." : folder) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// Moves a fully written temporary file over `path`. `durable`: fsync the file and its folder
    /// first; a batch instead syncs the whole file system every few hundred files (Journal), which
    /// costs one sync instead of two per file and keeps the same guarantee for what it records.
    static func commit(temporary: String, to path: String, durable: Bool = true) throws {
        if durable { try fsyncPath(temporary) }
        guard rename(temporary, path) == 0 else {
            throw EngineError(.write, "cannot rename an output into place (errno \(errno))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if durable { try? fsyncPath(folder.isEmpty ? "." : folder) }
    }

    /// Writes `data` to `path` atomically with the given permissions.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let temporary = temporaryPath(for: path)
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw EngineError(.write, "cannot create an output file (errno \(errno))") }
        let ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        fchmod(fd, mode)
        close(fd)
        guard ok else {
            unlink(temporary)
            throw EngineError(.write, "cannot write an output file (errno \(errno))")
        }
        do { try commit(temporary: temporary, to: path) } catch {
            unlink(temporary)
            throw error
        }
    }

    static func fsyncPath(_ path: String) throws {
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw EngineError(.write, "cannot open an output for fsync (errno \(errno))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw EngineError(.write, "fsync failed (errno \(errno))") }
    }
}
