// SourceFile: an input held open while it is worked on, and the Pixel Data value left in it for the kernel to copy.
import CDCMTK
import Foundation

/// One open regular file, with what fstat said of it when it was opened: read in parts, and
/// known to be unchanged (or not) when its bytes are copied much later.
final class SourceFile: @unchecked Sendable {
    let descriptor: Int32
    let size: Int
    private let opened: stat

    /// Opens `path` for reading, with the checks and reasons of cdcm_open.
    init(path: String, maxBytes: UInt64) throws {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError(.io, "cannot read file") }
        var info = stat()
        guard fstat(fd, &info) == 0 else { close(fd); throw EngineError(.io, "cannot read file") }
        guard info.st_mode & S_IFMT == S_IFREG else { close(fd); throw EngineError(.malformed, "not a regular file") }
        if maxBytes != 0 && UInt64(info.st_size) > maxBytes {
            close(fd)
            throw EngineError(.tooLarge, "file is larger than the size limit")
        }
        descriptor = fd
        size = Int(info.st_size)
        opened = info
    }

    deinit { close(descriptor) }

    /// Bytes `range` of the file, read into memory not zeroed first. Fewer when the file was cut
    /// while it was read: it is parsed as what was read, and fails there.
    func read(_ range: Range<Int>) throws -> Data {
        guard let buffer = malloc(max(range.count, 1)) else { throw EngineError(.io, "cannot read file") }
        var done = 0
        while done < range.count {
            let n = pread(descriptor, buffer + done, range.count - done, off_t(range.lowerBound + done))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { free(buffer); throw EngineError(.io, "cannot read file") }
            if n == 0 { break }
            done += n
        }
        return Data(bytesNoCopy: buffer, count: done, deallocator: .free)
    }

    /// The 8 bytes at `offset` (an item's tag and length), or nil when fewer can be read.
    func itemHeader(at offset: Int) -> PixelDataSpan.ItemHeader? {
        var header: PixelDataSpan.ItemHeader = (0, 0, 0, 0, 0, 0, 0, 0)
        let n = withUnsafeMutableBytes(of: &header) { pread(descriptor, $0.baseAddress, 8, off_t(offset)) }
        return n == 8 ? header : nil
    }

    /// True when the file still has the size, modification and change time it was opened with:
    /// nothing has written to it since.
    var isUnchanged: Bool {
        var now = stat()
        return fstat(descriptor, &now) == 0 && now.st_size == opened.st_size
            && now.st_mtim.tv_sec == opened.st_mtim.tv_sec && now.st_mtim.tv_nsec == opened.st_mtim.tv_nsec
            && now.st_ctim.tv_sec == opened.st_ctim.tv_sec && now.st_ctim.tv_nsec == opened.st_ctim.tv_nsec
    }
}

/// A source's top-level Pixel Data value that was never read into memory: a header-only run
/// leaves it in the source file, and the output's writer has the kernel copy it there
/// (cdcm_copy_range) after the re-encoded header, which ends with this value's element header.
/// The check knows the output's value by this object: the very bytes the source holds.
public final class StoredValue: @unchecked Sendable {
    let file: SourceFile
    /// Where the value lies in the source file.
    public let range: Range<Int>
    /// Encapsulated Pixel Data: each item's value (the offset table first) in the source file,
    /// as its item headers state them up to the sequence delimiter, which ends `range`. Empty for native.
    let fragments: [Range<Int>]

    init(file: SourceFile, range: Range<Int>, fragments: [Range<Int>] = []) {
        self.file = file
        self.range = range
        self.fragments = fragments
    }

    /// The bytes at `part` of the source file, read now; fails when fewer can be read or the
    /// source changed since it was opened.
    func read(part: Range<Int>) throws -> Data {
        let bytes = try file.read(part)
        guard bytes.count == part.count, file.isUnchanged else { throw Self.changed }
        return bytes
    }

    /// The value's bytes, read now (for a caller that wants the whole output in memory).
    func read() throws -> Data { try read(part: range) }

    /// Appends the value to `fd`; fails when the source is no longer what it was when opened,
    /// so that an output never mixes a header read then with pixels written since.
    func copy(to fd: Int32) throws {
        let failure = cdcm_copy_range(file.descriptor, UInt64(range.lowerBound), UInt64(range.count), fd)
        guard failure == 0, file.isUnchanged else {
            throw failure == 0 || failure == EIO ? Self.changed : EngineError(.write, "cannot write an output file (errno \(failure))")
        }
    }

    static let changed = EngineError(.io, "the source file changed while it was read")
}
