// DicomFile: one DICOM file held by DCMTK, read, walked, edited and written atomically from Swift.
import CDCMTK
import Foundation

public final class DicomFile {
    let handle: OpaquePointer
    /// True when the file began with the 128-byte preamble and "DICM".
    public let hasPreamble: Bool

    /// Files larger than this are refused before reading (a guard against runaway inputs).
    public static let defaultMaxBytes: UInt64 = 4 << 30

    init(handle: OpaquePointer, hasPreamble: Bool) {
        self.handle = handle
        self.hasPreamble = hasPreamble
    }

    deinit { cdcm_close(handle) }

    /// Registers DCMTK's decoders and silences its log. Call before any thread starts.
    public static func initialize() {
        cdcm_init()
    }

    /// `loadsAllValues`: reads every value now, Pixel Data included, so that a file cut off inside
    /// it fails here. Off, long values are read from the file when first used (and a cut-off
    /// value fails then): for a reader that looks at the header and compares the stored bytes
    /// itself, as the quality check does.
    public static func open(path: String, maxBytes: UInt64 = defaultMaxBytes, loadsAllValues: Bool = true) throws -> DicomFile {
        initialize()
        var preamble: Int32 = 0
        var failure: EngineError?
        let handle = withErrorBuffer { err, len in
            let h = cdcm_open(path, maxBytes, loadsAllValues ? 1 : 0, &preamble, err, len)
            if h == nil { failure = EngineError(.malformed, String(cString: err)) }
            return h
        }
        guard let handle else {
            let text = failure?.message ?? "unreadable"
            throw EngineError(Self.classify(text), text)
        }
        return DicomFile(handle: handle, hasPreamble: preamble != 0)
    }

    private static func classify(_ message: String) -> EngineError.Code {
        if message.contains("larger than") { return .tooLarge }
        if message.contains("not DICOM") { return .notDICOM }
        if message.contains("cannot open") || message.contains("cannot read") { return .io }
        return .malformed
    }

    /// A new, empty file: meta header and dataset to be filled (sample data, tests).
    public static func makeNew() -> DicomFile {
        initialize()
        return DicomFile(handle: cdcm_new(), hasPreamble: true)
    }

    public var dataset: DicomItem { DicomItem(handle: cdcm_dataset(handle), file: self) }
    public var meta: DicomItem { DicomItem(handle: cdcm_meta(handle), file: self) }

    public var transferSyntax: String {
        var buffer = [CChar](repeating: 0, count: 80)
        let n = cdcm_transfer_syntax(handle, &buffer, buffer.count)
        return n == 0 ? "" : String(cString: buffer)
    }

    /// Re-encodes every text value in UTF-8 and sets Specific Character Set to ISO_IR 192.
    public func convertToUTF8() throws {
        try withErrorBufferThrowing(.characterSet) { err, len in
            cdcm_convert_dataset_to_utf8(handle, err, len)
        }
    }

    /// Writes to `path` through a temporary file in the same folder, fsync and rename, so a reader
    /// (or a killed run) sees either the old file or the whole new one, never a part.
    /// `check` sees the complete temporary file before it is renamed into place (the quality
    /// check reads what will be delivered); if it throws, nothing is delivered.
    public func write(to path: String, transferSyntax: String? = nil, durable: Bool = true,
                      check: (String) throws -> Void = { _ in }) throws {
        let temporary = AtomicFile.temporaryPath(for: path)
        do {
            try withErrorBufferThrowing(.write) { err, len in
                cdcm_save(handle, temporary, transferSyntax, err, len)
            }
            try check(temporary)
            try AtomicFile.commit(temporary: temporary, to: path, durable: durable)
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// One DcmItem: the dataset, the meta header or a sequence item. Borrowed from its file.
public struct DicomItem {
    let handle: OpaquePointer
    let file: DicomFile

    public var count: Int { cdcm_count(handle) }

    public func element(at index: Int) -> DicomElement {
        var info = cdcm_element_info()
        _ = cdcm_info(handle, index, &info)
        let vr = withUnsafeBytes(of: info.vr) { raw in
            String(decoding: raw.prefix(2), as: UTF8.self)
        }
        return DicomElement(
            tag: Tag(info.group, info.element), vr: vr, length: Int(info.length),
            isSequence: info.is_sequence != 0, isString: info.is_string != 0)
    }

    public var elements: [DicomElement] { (0..<count).map(element(at:)) }

    public func index(of tag: Tag) -> Int? {
        let i = cdcm_find(handle, tag.group, tag.element)
        return i < 0 ? nil : i
    }

    /// The raw stored bytes of a string element (no charset conversion), or nil for other VRs.
    public func stringBytes(at index: Int) -> [UInt8]? {
        var pointer: UnsafePointer<CChar>?
        var length = 0
        guard cdcm_string_view(handle, index, &pointer, &length) == 0, let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    /// A string element's value as ASCII-or-UTF-8 text with padding trimmed; for UIDs, codes, numbers.
    public func string(at index: Int) -> String? {
        stringBytes(at: index).map { DicomText.trimmed(String(decoding: $0, as: UTF8.self)) }
    }

    public func string(_ tag: Tag) -> String? {
        index(of: tag).flatMap(string(at:))
    }

    public func bytes(at index: Int) -> [UInt8]? {
        var pointer: UnsafePointer<UInt8>?
        var length = 0
        guard cdcm_get_bytes(handle, index, &pointer, &length) == 0 else { return nil }
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    public func items(at index: Int) -> [DicomItem] {
        (0..<cdcm_seq_count(handle, index)).compactMap { i in
            cdcm_seq_item(handle, index, i).map { DicomItem(handle: $0, file: file) }
        }
    }

    public func setString(at index: Int, bytes: [UInt8]) throws {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cdcm_set_string(handle, index, $0.baseAddress, $0.count) }
        }
        try check(status, "cannot set", index)
    }

    public func setString(at index: Int, _ value: String) throws {
        try setString(at: index, bytes: Array(value.utf8))
    }

    public func setBytes(at index: Int, _ bytes: [UInt8]) throws {
        try check(cdcm_set_bytes(handle, index, bytes, bytes.count), "cannot set", index)
    }

    public func clear(at index: Int) throws {
        try check(cdcm_clear(handle, index), "cannot empty", index)
    }

    public func remove(at index: Int) throws {
        try check(cdcm_remove(handle, index), "cannot remove", index)
    }

    /// Inserts or replaces a string element; `vr` nil takes the dictionary's.
    public func put(_ tag: Tag, _ value: String, vr: String? = nil) throws {
        try put(tag, stringBytes: Array(value.utf8), vr: vr)
    }

    /// Inserts or replaces a string element with bytes already in the dataset's character set.
    public func put(_ tag: Tag, stringBytes bytes: [UInt8], vr: String? = nil) throws {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cdcm_put_string(handle, tag.group, tag.element, vr, chars.baseAddress, chars.count)
            }
        }
        guard status == 0 else { throw EngineError(.edit, "cannot write \(tag)") }
    }

    public func put(_ tag: Tag, bytes: [UInt8], vr: String) throws {
        guard cdcm_put_bytes(handle, tag.group, tag.element, vr, bytes, bytes.count) == 0 else {
            throw EngineError(.edit, "cannot write \(tag)")
        }
    }

    /// Appends an empty item to the sequence `tag`, creating the sequence when missing.
    public func appendItem(_ tag: Tag) throws -> DicomItem {
        guard let item = cdcm_append_item(handle, tag.group, tag.element) else {
            throw EngineError(.edit, "cannot add an item to \(tag)")
        }
        return DicomItem(handle: item, file: file)
    }

    private func check(_ status: Int32, _ what: String, _ index: Int) throws {
        guard status == 0 else { throw EngineError(.edit, "\(what) \(element(at: index).tag)") }
    }
}

public struct DicomElement: Sendable {
    public let tag: Tag
    public let vr: String
    public let length: Int
    public let isSequence: Bool
    public let isString: Bool
}

/// Calls a C function with a 512-byte error buffer.
func withErrorBuffer<T>(_ body: (UnsafeMutablePointer<CChar>, Int) -> T) -> T {
    var buffer = [CChar](repeating: 0, count: 512)
    return buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
}

func withErrorBufferThrowing(_ code: EngineError.Code, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
    var message = ""
    let status = withErrorBuffer { err, len -> Int32 in
        let s = body(err, len)
        if s != 0 { message = String(cString: err) }
        return s
    }
    if status != 0 { throw EngineError(code, message.isEmpty ? "DCMTK failed" : message) }
}
