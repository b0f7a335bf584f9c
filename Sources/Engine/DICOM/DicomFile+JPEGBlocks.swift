// DicomFile+JPEGBlocks: JPEG Baseline Pixel Data edited in the DCT domain (CDCMTK's libjpeg-turbo shim), on a copy first.
import CDCMTK

/// The rectangles of one block edit: grown to the block grid (black there), and further to every
/// pixel whose decoded value may differ (chroma upsampling reaches one pixel past a block).
struct JPEGBlockEdit: Equatable, Sendable {
    let blackened: [PixelRect]
    let changed: [PixelRect]
}

extension DicomFile {
    /// A deep copy, to edit without touching this file until its result is adopted.
    func copy() -> DicomFile {
        DicomFile(handle: cdcm_clone(handle), hasPreamble: hasPreamble)
    }

    /// Blacks the DCT blocks that meet `rectangles` (inside the image) in every frame. Returns nil
    /// with the reason in `refusal` when the stream cannot be edited so; the file is then unchanged.
    func redactJPEGBlocks(_ rectangles: [PixelRect], refusal: inout String) throws -> JPEGBlockEdit? {
        let rects = rectangles.map { cdcm_rect(x: Int32($0.x), y: Int32($0.y), width: Int32($0.width), height: Int32($0.height)) }
        var blackened = [cdcm_rect](repeating: cdcm_rect(), count: rects.count)
        var changed = blackened
        var message = ""
        let status = withErrorBuffer { err, len -> Int32 in
            let s = cdcm_jpeg_redact_blocks(handle, rects, rects.count, &blackened, &changed, err, len)
            if s != 0 { message = String(cString: err) }
            return s
        }
        switch status {
        case 0:
            let convert = { (r: cdcm_rect) in PixelRect(x: Int(r.x), y: Int(r.y), width: Int(r.width), height: Int(r.height)) }
            return JPEGBlockEdit(blackened: blackened.map(convert), changed: changed.map(convert))
        case 1:
            refusal = message
            return nil
        default:
            throw EngineError(.edit, message.isEmpty ? "cannot rewrite the JPEG frames" : message)
        }
    }

    /// The rectangles a block edit of `rectangles` (inside the image) changes on this file, from
    /// its first frame's header alone; nil when it is not JPEG Baseline the block edit handles.
    func jpegBlockReach(_ rectangles: [PixelRect]) -> [PixelRect]? {
        let rects = rectangles.map { cdcm_rect(x: Int32($0.x), y: Int32($0.y), width: Int32($0.width), height: Int32($0.height)) }
        var changed = [cdcm_rect](repeating: cdcm_rect(), count: rects.count)
        let status = withErrorBuffer { err, len in cdcm_jpeg_block_reach(handle, rects, rects.count, &changed, err, len) }
        guard status == 0 else { return nil }
        return changed.map { PixelRect(x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height)) }
    }

    /// Takes the Pixel Data of `other` (same transfer syntax) in place of this file's, every
    /// representation of the old one dropped, and the room of decoded frames with them.
    func adoptPixelData(from other: DicomFile) throws {
        try withErrorBufferThrowing(.edit) { err, len in cdcm_adopt_pixel_data(handle, other.handle, err, len) }
    }
}
