// DicomFile: one DICOM file held by DCMTK, read, walked, edited and written atomically from Swift.
import CDCMTK
import Foundation
import Synchronization

public final class DicomFile {
    let handle: OpaquePointer
    /// True when the file began with the 128-byte preamble and "DICM".
    public let hasPreamble: Bool
    /// The bytes the file was parsed from, when it was read whole (up to `memoryLimit`): the quality
    /// check compares an output with them instead of reading the source again.
    public internal(set) var sourceBytes: Data?
    /// The top-level Pixel Data element in `sourceBytes`, tag to end of value, when it was kept as
    /// stored rather than read (`keepsPixelsAsStored`): `encoded()` ends with these bytes as they
    /// are. Nil when DCMTK read every element.
    public private(set) var keptPixelData: Range<Int>?
    /// Its value and fragments, as the header-only read found them.
    private(set) var keptSpan: PixelDataSpan?
    /// The kept Pixel Data's value when it was left in the source file, not read: `sourceBytes`
    /// then hold the file only up to it, and `keptPixelData` only its element header.
    public private(set) var storedValue: StoredValue?

    /// True when the file has top-level Pixel Data, read or kept as stored.
    public var hasPixelData: Bool { keptPixelData != nil || dataset.index(of: .pixelData) != nil }

    /// Files larger than this are refused before reading (a guard against runaway inputs).
    public static let defaultMaxBytes: UInt64 = 4 << 30
    /// Files up to this size are read with one read and parsed from memory, and written from one
    /// buffer that the check reads first. Larger ones (cines) are read by DCMTK from the file, with
    /// Pixel Data loaded when used, and written to a temporary file that the check reads, so that
    /// no second copy of them is ever held in memory. Kept as stored, a large file's Pixel Data is
    /// not read at all when it ends the file, as a smaller one's.
    public static let memoryLimit = 16 << 20

    init(handle: OpaquePointer, hasPreamble: Bool) {
        self.handle = handle
        self.hasPreamble = hasPreamble
    }

    deinit { cdcm_close(handle) }

    /// Registers DCMTK's decoders and silences its log. Call before any thread starts.
    public static func initialize() {
        cdcm_init()
    }

    /// A file up to `memoryLimit` is read with one read and parsed from memory, every value now.
    /// A larger one DCMTK reads from the file; `loadsAllValues` then reads every value now, Pixel
    /// Data included, so that a file cut off inside it fails here. Off, long values are read from
    /// the file when first used (and a cut-off value fails then): for a reader that looks at the
    /// header and compares the stored bytes itself, as the quality check does.
    /// `keepsPixelsAsStored`: a file read whole keeps its Pixel Data as stored when it is the
    /// dataset's last element (see `keptPixelData`), for a caller that changes only the header
    /// and writes the file in its own transfer syntax; its frames cannot be decoded then.
    /// From `valueLeftInFileFrom` bytes, whatever its size, a file kept as stored is read only up
    /// to its Pixel Data when that value (native or encapsulated) ends it: see `openLeavingValue`.
    public static func open(path: String, maxBytes: UInt64 = defaultMaxBytes, loadsAllValues: Bool = true,
                            keepsPixelsAsStored: Bool = false) throws -> DicomFile {
        try open(path: path, maxBytes: maxBytes, loadsAllValues: loadsAllValues, keepsPixelsAsStored: keepsPixelsAsStored,
                 leavesValueFrom: valueLeftInFileFrom)
    }

    /// Files from this size, read with their Pixel Data kept, are read `headerPrefix` bytes first.
    static let valueLeftInFileFrom = 48 << 10
    /// 16 KB at first; once a file's header turned out longer, a quarter more than that header,
    /// up to 1 MB: the files of a batch are mostly alike, so that few are parsed twice.
    static let headerPrefix = Atomic<Int>(16 << 10)
    static let headerPrefixLimit = 1 << 20

    /// `prefix`: how much to read first (nil: `headerPrefix`, which this open may raise).
    static func open(path: String, maxBytes: UInt64, loadsAllValues: Bool, keepsPixelsAsStored: Bool,
                     leavesValueFrom: Int, prefix: Int? = nil) throws -> DicomFile {
        initialize()
        let source = try SourceFile(path: path, maxBytes: maxBytes)
        let first = prefix ?? headerPrefix.load(ordering: .relaxed)
        let leaving = keepsPixelsAsStored && source.size >= leavesValueFrom
        if leaving, let file = try openLeavingValue(source, prefix: min(first, source.size)) {
            return file
        }
        guard source.size <= memoryLimit else {
            // A header longer than the prefix is read again, up to 1 MB, then four times as far each
            // time while that is at most a quarter of the file: against the whole of a large file,
            // that is little. An enhanced multi-frame's per-frame items make headers of megabytes.
            var reach = first
            while leaving && reach < source.size / 4 {
                reach = reach < headerPrefixLimit ? headerPrefixLimit : reach * 4
                if let file = try openLeavingValue(source, prefix: min(reach, source.size)) { return file }
            }
            return try openFile(path: path, maxBytes: maxBytes, loadsAllValues: loadsAllValues)
        }
        let bytes = try source.read(0..<source.size)
        // DCMTK inflates a deflated dataset only from a file.
        if bytes.withUnsafeBytes(Self.isDeflated) { return try openFile(path: path, maxBytes: maxBytes, loadsAllValues: loadsAllValues) }
        let file = try open(bytes: bytes, keepsPixelsAsStored: keepsPixelsAsStored)
        file.sourceBytes = bytes
        if leaving && prefix == nil, let kept = file.keptPixelData, kept.lowerBound + 12 > first {
            raiseHeaderPrefix(toFit: kept.lowerBound + 12)
        }
        return file
    }

    /// Makes `headerPrefix` hold a header of `length` bytes, with a quarter to spare.
    static func raiseHeaderPrefix(toFit length: Int) {
        let wanted = min(headerPrefixLimit, (length + length / 4 + 4095) / 4096 * 4096)
        var current = headerPrefix.load(ordering: .relaxed)
        while current < wanted {
            let (exchanged, found) = headerPrefix.compareExchange(expected: current, desired: wanted, ordering: .relaxed)
            if exchanged { return }
            current = found
        }
    }

    /// Reads the first `prefix` bytes of `source`; when DCMTK stops in them at a top-level Pixel
    /// Data element whose value ends the file (or Data Set Trailing Padding does), the value stays
    /// in the file (`storedValue`): a header-only output needs it only to copy. A native value is
    /// as long as its header says; of an encapsulated one only the item headers are read, to its
    /// delimiter. Nil when the header is longer than the prefix, the items do not parse, or
    /// anything else: the file is read whole.
    private static func openLeavingValue(_ source: SourceFile, prefix: Int) throws -> DicomFile? {
        let head = try source.read(0..<prefix)
        guard head.count == prefix, !head.withUnsafeBytes(Self.isDeflated) else { return nil }
        return try head.withUnsafeBytes { raw -> DicomFile? in
            var offset = 0
            guard let file = try? opened({ opening, err, len in
                cdcm_open_memory_until_pixels(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &offset, opening, err, len)
            }) else { return nil }
            let start: Int, end: Int, encoding: PixelDataSpan.Encoding
            var fragments: [Range<Int>] = []
            if let native = PixelDataSpan.nativeValue(at: offset, in: raw, transferSyntax: file.transferSyntax) {
                (start, end, encoding) = (native.lowerBound, native.lowerBound + native.length, native.encoding)
            } else if let encapsulated = PixelDataSpan.encapsulatedValue(at: offset, in: raw, transferSyntax: file.transferSyntax),
                      let items = PixelDataSpan.fragments(from: encapsulated.lowerBound, end: source.size, header: { p in
                          p + 8 <= raw.count ? UnsafeRawBufferPointer(rebasing: raw[p..<p + 8]).loadUnaligned(as: PixelDataSpan.ItemHeader.self)
                                             : source.itemHeader(at: p)
                      }) {
                (start, end, encoding) = (encapsulated.lowerBound, items.1, encapsulated.encoding)
                fragments = items.0
            } else {
                return nil
            }
            guard end <= source.size else { return nil }
            if end < source.size {
                // Only trailing padding may follow; it is left out, as a whole read leaves it out.
                guard source.size - end <= 64 << 10 else { return nil }
                let rest = try source.read(end..<source.size)
                guard rest.count == source.size - end, rest.withUnsafeBytes({
                    PixelDataSpan.endsWithPadding($0, at: 0, explicit: encoding.explicit, bigEndian: encoding.bigEndian)
                }) else { return nil }
            }
            file.sourceBytes = head
            file.keptPixelData = offset..<start
            file.keptSpan = PixelDataSpan(value: start..<end, fragments: fragments)
            file.storedValue = StoredValue(file: source, range: start..<end, fragments: fragments)
            return file
        }
    }

    /// DCMTK reads `path` itself (large and deflated files).
    static func openFile(path: String, maxBytes: UInt64, loadsAllValues: Bool) throws -> DicomFile {
        try opened { opening, err, len in cdcm_open(path, maxBytes, loadsAllValues ? 1 : 0, opening, err, len) }
    }

    /// The file one of the facade's open calls returns (given where to put what it tells besides
    /// the file, and the error buffer), or its reason as an EngineError.
    private static func opened(_ open: (UnsafeMutablePointer<cdcm_opening>, UnsafeMutablePointer<CChar>, Int) -> OpaquePointer?) throws -> DicomFile {
        var opening = cdcm_opening()
        var failure = ""
        let handle = withErrorBuffer { err, len in
            let h = open(&opening, err, len)
            if h == nil { failure = String(cString: err) }
            return h
        }
        guard let handle else {
            throw EngineError(Self.code(of: opening.failure), failure.isEmpty ? "unreadable" : failure)
        }
        return DicomFile(handle: handle, hasPreamble: opening.has_preamble != 0)
    }

    /// Parses a whole file held in memory; every value is read now. With `keepsPixelsAsStored`,
    /// the Pixel Data is not read when it ends the file (see `open(path:)`); the file then keeps
    /// `bytes` as its `sourceBytes`, which its output ends with.
    public static func open(bytes: Data, keepsPixelsAsStored: Bool = false) throws -> DicomFile {
        guard keepsPixelsAsStored else { return try bytes.withUnsafeBytes { try open(bytes: $0) } }
        let file = try bytes.withUnsafeBytes { try openHeader(bytes: $0) }
        if file.keptPixelData != nil { file.sourceBytes = bytes }
        return file
    }

    /// DCMTK reads up to the top-level Pixel Data; when it is the file's last element, whole and
    /// well formed (`PixelDataSpan.element`), it stays unread. Data Set Trailing Padding after it
    /// is left out: it holds nothing, and every profile option removes it (X). Otherwise the file
    /// is read whole, as `open(bytes:)` reads it.
    static func openHeader(bytes: UnsafeRawBufferPointer) throws -> DicomFile {
        initialize()
        var offset = 0
        let file = try opened { opening, err, len in
            cdcm_open_memory_header(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &offset, opening, err, len)
        }
        guard offset > 0 else { return file }
        guard let span = PixelDataSpan.element(at: offset, in: bytes, transferSyntax: file.transferSyntax) else {
            return try open(bytes: bytes)
        }
        file.keptSpan = span
        file.keptPixelData = offset..<span.value.upperBound
        return file
    }

    /// Parses a whole file held in memory (DCMTK copies what it keeps); every value is read now.
    public static func open(bytes: UnsafeRawBufferPointer) throws -> DicomFile {
        initialize()
        return try opened { opening, err, len in
            cdcm_open_memory(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, opening, err, len)
        }
    }

    /// An output read by the check: `bytes` end with the Pixel Data element's header, and the value
    /// that follows it in the file is `value`, the source's, left there (see `storedValue`).
    static func open(bytes: UnsafeRawBufferPointer, followedBy value: StoredValue) throws -> DicomFile {
        initialize()
        var offset = 0
        let file = try opened { opening, err, len in
            cdcm_open_memory_until_pixels(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &offset, opening, err, len)
        }
        let transferSyntax = file.transferSyntax
        let fits: Bool
        if value.fragments.isEmpty {
            let found = PixelDataSpan.nativeValue(at: offset, in: bytes, transferSyntax: transferSyntax)
            fits = found.map { $0.lowerBound == bytes.count && $0.length == value.range.count } ?? false
        } else {
            fits = PixelDataSpan.encapsulatedValue(at: offset, in: bytes, transferSyntax: transferSyntax)?.lowerBound == bytes.count
        }
        guard fits else {
            throw EngineError(.malformed, "the Pixel Data element does not end the header written before its value")
        }
        // The items as the source holds them, where the output holds them.
        let shift = bytes.count - value.range.lowerBound
        file.keptPixelData = offset..<bytes.count
        file.keptSpan = PixelDataSpan(value: bytes.count..<bytes.count + value.range.count,
                                      fragments: value.fragments.map { $0.lowerBound + shift..<$0.upperBound + shift })
        file.storedValue = value
        return file
    }

    static let deflatedTransferSyntax = "1.2.840.10008.1.2.1.99"

    /// True when the meta header names the Deflated transfer syntax: DCMTK inflates such a dataset
    /// only from a file, so these are read and written through files.
    static func isDeflated(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let uid = Array(deflatedTransferSyntax.utf8)
        let end = min(bytes.count, 4096) - uid.count
        guard let base = bytes.baseAddress, end >= 0 else { return false }
        var i = 0
        while i <= end {
            guard let found = memchr(base + i, Int32(uid[0]), end - i + 1) else { return false }
            i = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + i, uid, uid.count) == 0 { return true }
            i += 1
        }
        return false
    }

    /// The quarantine reason of an open call's failure. Damage DCMTK reports in any words (such as
    /// an element longer than its item) is malformed; too-large is only the size limit.
    private static func code(of failure: cdcm_failure) -> EngineError.Code {
        switch failure {
        case CDCM_FAILED_NOT_DICOM: .notDICOM
        case CDCM_FAILED_TOO_LARGE: .tooLarge
        case CDCM_FAILED_IO: .io
        default: .malformed
        }
    }

    /// A new, empty file: meta header and dataset to be filled (sample data, tests).
    public static func makeNew() -> DicomFile {
        initialize()
        let file = DicomFile(handle: cdcm_new(), hasPreamble: true)
        file.isNew = true
        return file
    }

    public var dataset: DicomItem { DicomItem(handle: cdcm_dataset(handle), file: self) }
    public var meta: DicomItem { DicomItem(handle: cdcm_meta(handle), file: self) }

    public var transferSyntax: String {
        var buffer = [CChar](repeating: 0, count: 80)
        let n = cdcm_transfer_syntax(handle, &buffer, buffer.count)
        return n == 0 ? "" : textOfC(buffer)
    }

    /// False when the top-level Pixel Data is stored otherwise than `transferSyntax` says: as items
    /// (encapsulated) under an uncompressed syntax, or as one value under a compressed one, as it
    /// was read or kept as stored. True without Pixel Data.
    public var storesPixelDataAsItsSyntaxSays: Bool {
        let encapsulated: Bool
        if let keptSpan {
            encapsulated = keptSpan.isEncapsulated
        } else {
            let read = cdcm_pixel_data_is_encapsulated(handle)
            guard read >= 0 else { return true }
            encapsulated = read == 1
        }
        return encapsulated == (cdcm_transfer_syntax_is_encapsulated(handle) != 0)
    }

    /// Re-encodes every text value in UTF-8 and sets Specific Character Set to ISO_IR 192.
    public func convertToUTF8() throws {
        try withErrorBufferThrowing(.characterSet) { err, len in
            cdcm_convert_dataset_to_utf8(handle, err, len)
        }
    }

    /// An output about to be delivered, as the quality check reads it.
    public enum Output: Sendable {
        /// The bytes that are written, in one piece, once the check passed them.
        case bytes(Data)
        /// A complete temporary file that is renamed into place once the check passed it.
        case file(String)
        /// The bytes up to the Pixel Data value, then the source's value (`storedValue`), which
        /// the writer copies from the source file.
        case bytesThenValue(Data, StoredValue)
    }

    /// True when the file is written from memory: it was read whole, and its Pixel Data (perhaps
    /// decoded since) is no larger than `memoryLimit` either.
    /// (Deflated outputs are written through a file, as they are read.)
    func encodesInMemory(transferSyntax target: String?) -> Bool {
        guard sourceBytes != nil || isNew, (target ?? transferSyntax) != Self.deflatedTransferSyntax else { return false }
        // Encapsulated Pixel Data has no length of its own here; it is about as long as the source.
        let length = dataset.index(of: .pixelData).map { dataset.element(at: $0).length } ?? 0
        return length == Int(UInt32.max) || length <= Self.memoryLimit
    }

    /// A file made in memory (`makeNew`), not read from anywhere.
    private var isNew = false

    /// The room of new Pixel Data as it was made (see `keepDecodedFrames`); `decodedRoom` is the
    /// same while DCMTK still holds it.
    var roomMade: DecodedFrames?

    /// What `write` writes: the whole file, in `transferSyntax` (nil: as read), with an all-zero preamble.
    public func encoded(transferSyntax: String? = nil) throws -> Data {
        var bytes = try encodedUpToValue(transferSyntax: transferSyntax)
        if let storedValue { bytes.append(try storedValue.read()) }
        return bytes
    }

    /// `encoded()` without the Pixel Data value left in the source file (`storedValue`), if any.
    private func encodedUpToValue(transferSyntax: String?) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var count = 0
        let source = sourceBytes ?? Data()
        try source.withUnsafeBytes { raw in
            // The Pixel Data kept as stored, from its tag to the end.
            let tail = keptPixelData.map { UnsafeRawBufferPointer(rebasing: raw[$0]) }
            try withErrorBufferThrowing(.write) { err, len in
                cdcm_encode(handle, transferSyntax, source.count, tail?.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            tail?.count ?? 0, &out, &count, err, len)
            }
        }
        guard let out else { return Data() }
        return Data(bytesNoCopy: out, count: count, deallocator: .free)
    }

    /// Writes to `path` atomically, so that a reader (or a killed run) sees either the old file or
    /// the whole new one, never a part: through a temporary file in the same folder, fsync (when
    /// `durable`) and rename. `check` sees exactly what will be delivered before it takes its name
    /// (the bytes for a file written from memory, the complete temporary file otherwise); if it
    /// throws, nothing is delivered.
    public func write(to path: String, transferSyntax: String? = nil, durable: Bool = true,
                      check: (Output) throws -> Void = { _ in }) throws {
        if let storedValue {
            let bytes = try encodedUpToValue(transferSyntax: transferSyntax)
            try check(.bytesThenValue(bytes, storedValue))
            try AtomicFile.write(bytes, then: storedValue, to: path, durable: durable)
            return
        }
        if encodesInMemory(transferSyntax: transferSyntax) {
            let bytes = try encoded(transferSyntax: transferSyntax)
            try check(.bytes(bytes))
            try AtomicFile.write(bytes, to: path, durable: durable)
            return
        }
        let temporary = AtomicFile.temporaryPath(for: path)
        do {
            try withErrorBufferThrowing(.write) { err, len in
                cdcm_save(handle, temporary, transferSyntax, err, len)
            }
            try check(.file(temporary))
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
        return DicomElement(info)
    }

    /// Every element in order, described in one call.
    public var elements: [DicomElement] {
        let n = count
        guard n > 0 else { return [] }
        var infos = [cdcm_element_info](repeating: cdcm_element_info(), count: n)
        let described = infos.withUnsafeMutableBufferPointer { cdcm_infos(handle, $0.baseAddress, n) }
        return infos.prefix(described).map(DicomElement.init)
    }

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
        var handles = [OpaquePointer?](repeating: nil, count: cdcm_seq_count(handle, index))
        let count = handles.withUnsafeMutableBufferPointer { cdcm_seq_items(handle, index, $0.baseAddress, $0.count) }
        return handles.prefix(min(count, handles.count)).compactMap { $0.map { DicomItem(handle: $0, file: file) } }
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
    public let vr: VR
    /// The value's length in bytes; 0 for a sequence, whose items are counted (`items(at:)`).
    public let length: Int
    public let isSequence: Bool
    public let isString: Bool

    init(_ info: cdcm_element_info) {
        tag = Tag(info.group, info.element)
        vr = VR(UInt8(bitPattern: info.vr.0), UInt8(bitPattern: info.vr.1))
        length = Int(info.length)
        isSequence = info.is_sequence != 0
        isString = info.is_string != 0
    }
}

/// The text a C function wrote into `buffer`, up to its first NUL (all of it when there is none).
func textOfC(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBytes { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
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
