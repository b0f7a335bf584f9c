// ReportSpool: report.json's instance lines on disk as inputs finish, in input order, so a run holds no outcome once it is recorded.
import Foundation

final class ReportSpool: @unchecked Sendable {
    private let path: String
    private let fd: Int32
    private let lock = NSLock()
    /// Lines finished before the ones ahead of them: at most a run of inputs per worker (Counter.takeRun).
    private var waiting: [Int: (line: Data, state: InstanceState)] = [:]
    private var nextIndex = 0
    private var buffer = Data()
    private var failed = false
    private(set) var count = 0
    private(set) var delivered = 0
    private(set) var quarantined = 0

    /// A hidden temporary file next to report.json; a killed run's is removed with the other temporaries.
    init(folder: String) throws {
        path = AtomicFile.temporaryPath(for: folder + "/report.json")
        fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw EngineError(.write, "cannot create the report's spool in the output folder (errno \(errno))") }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The encoder of report.json's lines: sorted keys, as RunReport.json writes them.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// `outcome` as `encoder()` encodes it: spelled out when it can be (`spelledOut`), otherwise by `encoder`.
    static func encode(_ outcome: InstanceOutcome, with encoder: JSONEncoder) -> Data? {
        spelledOut(outcome) ?? (try? encoder.encode(outcome))
    }

    /// A delivered input with nothing to say but its output path of letters, digits, dots and
    /// slashes, every run's common case, as JSONEncoder would write it; nil for any other outcome.
    /// JSONEncoder cost a fiftieth of a header file's work.
    static func spelledOut(_ outcome: InstanceOutcome) -> Data? {
        guard outcome.code == nil, outcome.reason == nil, outcome.resumed == nil, outcome.redactions == nil,
              outcome.redactionMethod == nil, outcome.blockFallback == nil, outcome.boxesFromCheck == nil,
              let output = outcome.output, output.utf8.allSatisfy(isPlainPathByte) else { return nil }
        var line = Array(#"{"input":"#.utf8) + Array(String(outcome.input).utf8) + Array(#","output":""#.utf8)
        line.reserveCapacity(line.count + output.utf8.count + 40)
        for byte in output.utf8 {
            if byte == 0x2F { line.append(0x5C) } // JSONEncoder writes "/" as "\/"
            line.append(byte)
        }
        line += Array(#"","state":""#.utf8) + Array(outcome.state.rawValue.utf8) + Array(#""}"#.utf8)
        return Data(line)
    }

    /// ASCII letters, digits, "." and "/": what a JSON string holds as it is, "/" escaped.
    private static func isPlainPathByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x2E || byte == 0x2F
    }

    /// Records the outcome of input `index` (0-based), encoded as report.json shows it.
    func add(_ line: Data, state: InstanceState, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        waiting[index] = (line, state)
        if state == .delivered { delivered += 1 } else { quarantined += 1 }
        while let next = waiting.removeValue(forKey: nextIndex) {
            if nextIndex > 0 { buffer.append(contentsOf: [UInt8(ascii: ","), 0x0A]) }
            buffer.append(next.line)
            nextIndex += 1
            count += 1
        }
        if buffer.count >= 1 << 16 { writeBufferLocked() }
    }

    /// Replaces the outcome of input `index`, recorded but not yet written out because an input
    /// before it is still being worked on (OutputClaims: a lower input took its output path over).
    /// Otherwise writing the report fails, rather than list an outcome that no longer holds.
    func replace(_ line: Data, state: InstanceState, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard let previous = waiting[index] else {
            failed = true
            return
        }
        if previous.state == .delivered { delivered -= 1 } else { quarantined -= 1 }
        if state == .delivered { delivered += 1 } else { quarantined += 1 }
        waiting[index] = (line, state)
    }

    private func writeBufferLocked() {
        if !buffer.isEmpty && !Self.writeAll(fd, buffer) { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `head` (the report without instances) with the spooled lines in place of its empty
    /// list to `destination`, atomically: the bytes RunReport.json gives for the same outcomes.
    func write(_ head: RunReport, to destination: String) throws {
        lock.lock()
        defer { lock.unlock() }
        writeBufferLocked()
        guard !failed, waiting.isEmpty else { throw EngineError(.write, "cannot write the report's spool in the output folder") }
        var empty = head
        empty.instances = []
        let text = try Self.encoder().encode(empty)
        guard let range = text.range(of: Data(#""instances":[]"#.utf8)) else {
            throw EngineError(.write, "the report cannot be assembled")
        }
        let prefix = text[..<range.lowerBound] + Data(#""instances":["#.utf8) + Data([0x0A])
        let suffix = Data((count > 0 ? "\n" : "").utf8) + Data("]".utf8) + text[range.upperBound...] + Data([0x0A])

        try AtomicFile.write(to: destination) { out in
            var ok = Self.writeAll(out, prefix)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var offset: off_t = 0
            while ok {
                let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
                if n == 0 { break }
                if n < 0 { ok = false; break }
                ok = chunk.withUnsafeBytes { AtomicFile.writeAll(out, UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                offset += off_t(n)
            }
            return ok && Self.writeAll(out, suffix)
        }
    }

    private static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { AtomicFile.writeAll(fd, $0) }
    }
}
