// AtomicFile: temporary file + fsync + rename + fsync of the folder, for every output the Engine writes.
import CDCMTK
import Foundation

public enum AtomicFile {
    static func temporaryPath(for path: String) -> String {
        let (folder, name) = split(path)
        return (folder.isEmpty ? "." : folder) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// NSString's deletingLastPathComponent and lastPathComponent of `path`. An output's path (no
    /// doubled or trailing slash) is split at its last slash over its UTF-8 buffer; NSString first
    /// rewrites the whole path and cost more than the rest of writing a small file, and stepping
    /// String indices cost a hundred instructions a byte. Any other path goes to NSString.
    static func split(_ path: String) -> (folder: String, name: String) {
        // nil outside: no contiguous UTF-8; nil inside: not a plain path.
        let plain = path.utf8.withContiguousStorageIfAvailable { bytes -> (folder: String, name: String)? in
            guard bytes.last != 0x2F else { return nil }
            var previous: UInt8 = 0
            var lastSlash: Int?
            for k in bytes.indices {
                if bytes[k] == 0x2F {
                    if previous == 0x2F { return nil }
                    lastSlash = k
                }
                previous = bytes[k]
            }
            guard let lastSlash else { return ("", path) }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(lastSlash + 1)...]), as: UTF8.self)
            return (lastSlash == 0 ? "/" : String(decoding: UnsafeBufferPointer(rebasing: bytes[..<lastSlash]), as: UTF8.self), name)
        }
        if let split = plain ?? nil { return split }
        return ((path as NSString).deletingLastPathComponent, (path as NSString).lastPathComponent)
    }

    /// Moves a fully written temporary file over `path`. `durable`: fsync the file and its folder
    /// first; a batch instead syncs the whole file system every few hundred files (Journal), which
    /// costs one sync instead of two per file and keeps the same guarantee for what it records.
    static func commit(temporary: String, to path: String, durable: Bool = true) throws {
        if durable { try fsyncPath(temporary) }
        guard rename(temporary, path) == 0 else {
            throw EngineError(.write, "cannot rename an output into place (errno \(errno))")
        }
        if durable {
            let folder = split(path).folder
            try? fsyncPath(folder.isEmpty ? "." : folder)
        }
    }

    /// A file written not `durable` and at least this large starts for the disk as soon as it is
    /// written, while the next files are worked on, so that a batch's one sync at its end has
    /// little left to write (10k header files of 130 KB: 2.6 s wall against 2.9 s when the end's
    /// sync wrote them all). Smaller ones are left to the kernel's writeback and that sync: a
    /// disk request of its own for every small file cost more than the rest of its writing (10k
    /// header files of 16x16 pixels, 4 KB: 1.85 s wall against 2.2 s, half the system time).
    static let writebackFrom = 64 << 10

    /// Writes `data` to `path` atomically with the given permissions. Not `durable`: no fsync (a
    /// batch syncs once at its end), and from `writebackFrom` bytes the disk write starts at once.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644, durable: Bool = true) throws {
        try write(to: path, mode: mode, durable: durable, startsWriteback: data.count >= writebackFrom) { fd in
            data.withUnsafeBytes { writeAll(fd, $0) }
        }
    }

    /// Writes `data` and then the source's Pixel Data value, copied from the source file, to
    /// `path` atomically; fails, writing nothing, when the source changed since it was opened.
    static func write(_ data: Data, then value: StoredValue, to path: String, mode: mode_t = 0o644, durable: Bool = true) throws {
        try write(to: path, mode: mode, durable: durable, startsWriteback: data.count + value.range.count >= writebackFrom) { fd in
            guard data.withUnsafeBytes({ writeAll(fd, $0) }) else { return false }
            try value.copy(to: fd)
            return true
        }
    }

    /// Writes what `fill` writes to the descriptor (false: it failed) to `path` atomically.
    static func write(to path: String, mode: mode_t = 0o644, durable: Bool = true, startsWriteback: Bool = true,
                      _ fill: (Int32) throws -> Bool) throws {
        let temporary = temporaryPath(for: path)
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw EngineError(.write, "cannot create an output file (errno \(errno))") }
        let ok: Bool
        do { ok = try fill(fd) } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        fchmod(fd, mode)
        if ok && !durable && startsWriteback { cdcm_start_writeback(fd) }
        let closed = close(fd) == 0
        guard ok && closed else {
            unlink(temporary)
            throw EngineError(.write, "cannot write an output file (errno \(errno))")
        }
        do { try commit(temporary: temporary, to: path, durable: durable) } catch {
            unlink(temporary)
            throw error
        }
    }

    /// All of `raw` to `fd`, across short writes.
    static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < raw.count {
            let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    static func fsyncPath(_ path: String) throws {
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw EngineError(.write, "cannot open an output for fsync (errno \(errno))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw EngineError(.write, "fsync failed (errno \(errno))") }
    }
}
