// FileBytes: a file's bytes, read-only, for the quality check: small files read into a reused buffer, large ones mapped.
import Foundation

/// A header file is read whole into a buffer the next file reuses. Mapping it instead cost a page
/// fault per few pages and, in a process with several threads, an unmap that interrupts every
/// other core to flush its TLB: 7% of a header batch's time (perf, 10k files). Files larger than
/// `readLimit` (cines) are mapped, so that the check never holds a copy of one in memory.
final class FileBytes {
    let bytes: UnsafeRawBufferPointer
    private let mapped: UnsafeMutableRawPointer?
    private let buffer: ReadBuffer?
    private let length: Int

    static let readLimit = DicomFile.memoryLimit

    /// True when the file is mapped (larger than `readLimit`), not read.
    var isMapped: Bool { mapped != nil }

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EngineError(.io, "cannot open a file to check (errno \(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EngineError(.io, "cannot read a file's size (errno \(errno))") }
        length = Int(info.st_size)
        if length == 0 {
            mapped = nil
            buffer = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        if length <= Self.readLimit {
            let taken = ReadBuffer.take(capacity: length)
            var offset = 0
            while offset < length {
                let n = pread(fd, taken.base + offset, length - offset, off_t(offset))
                if n <= 0 { break }
                offset += n
            }
            guard offset == length else {
                ReadBuffer.giveBack(taken)
                throw EngineError(.io, "cannot read a file to check (errno \(errno))")
            }
            mapped = nil
            buffer = taken
            bytes = UnsafeRawBufferPointer(start: taken.base, count: length)
            return
        }
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw EngineError(.io, "cannot map a file to check (errno \(errno))")
        }
        mapped = base
        buffer = nil
        bytes = UnsafeRawBufferPointer(start: base, count: length)
    }

    deinit {
        if let buffer { ReadBuffer.giveBack(buffer) }
        if let mapped { munmap(mapped, length) }
    }
}

/// Memory for reading whole files, kept between files: a few per process, one per file being checked.
final class ReadBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int

    private init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [ReadBuffer] = []
    /// More than one per worker thread is never needed at once (the output and its source).
    private static let kept = 8

    static func take(capacity: Int) -> ReadBuffer {
        lock.lock()
        let buffer = free.popLast()
        lock.unlock()
        guard let buffer else { return ReadBuffer(capacity: capacity) }
        if buffer.capacity < capacity {
            buffer.base.deallocate()
            buffer.base = .allocate(byteCount: capacity, alignment: 16)
            buffer.capacity = capacity
        }
        return buffer
    }

    static func giveBack(_ buffer: ReadBuffer) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < kept { free.append(buffer) }
    }
}
