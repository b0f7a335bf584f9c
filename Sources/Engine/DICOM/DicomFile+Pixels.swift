// DicomFile+Pixels: geometry and decoded frames of the Pixel Data, leaving the stored bytes as they are.
import CDCMTK

public struct PixelInfo: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public let frames: Int
    public let samplesPerPixel: Int
    public let bitsAllocated: Int
    public let bitsStored: Int
    public let isSigned: Bool
    public let planarConfiguration: Int
    public let photometric: String
    public let frameBytes: Int
}

public struct Frame: Sendable {
    public let samples: [UInt8]
    /// The photometric interpretation of `samples`, which decompression may change (YBR_FULL_422 to RGB).
    public let photometric: String
}

extension DicomFile {
    public func pixelInfo() throws -> PixelInfo {
        var info = cdcm_pixel_info()
        try withErrorBufferThrowing(.undecodable) { err, len in cdcm_get_pixel_info(handle, &info, err, len) }
        let photometric = withUnsafeBytes(of: info.photometric) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return PixelInfo(
            rows: Int(info.rows), columns: Int(info.columns), frames: Int(info.frames),
            samplesPerPixel: Int(info.samples_per_pixel), bitsAllocated: Int(info.bits_allocated),
            bitsStored: Int(info.bits_stored), isSigned: info.pixel_representation == 1,
            planarConfiguration: Int(info.planar_configuration), photometric: DicomText.trimmed(photometric),
            frameBytes: Int(info.frame_bytes))
    }

    /// Decodes one frame (0-based) of the Pixel Data as it is now to native little-endian samples.
    public func decodeFrame(_ frame: Int, info: PixelInfo) throws -> Frame {
        var samples = [UInt8](repeating: 0, count: max(info.frameBytes, 0))
        let photometric = try samples.withUnsafeMutableBufferPointer { try decodeFrame(frame, info: info, into: $0) }
        return Frame(samples: samples, photometric: photometric)
    }

    /// Decodes one frame (0-based) into `buffer`, which holds `info.frameBytes`, and returns the
    /// photometric interpretation of its samples (see `Frame`).
    func decodeFrame(_ frame: Int, info: PixelInfo, into buffer: UnsafeMutableBufferPointer<UInt8>) throws -> String {
        guard info.frameBytes > 0, frame >= 0, frame < info.frames else {
            throw EngineError(.undecodable, "frame \(frame + 1) is outside the image")
        }
        var photometric = [CChar](repeating: 0, count: 32)
        try withErrorBufferThrowing(.undecodable) { err, len in
            cdcm_decode_frame(handle, UInt32(frame), buffer.baseAddress, buffer.count, &photometric, err, len)
        }
        let decoded = textOfC(photometric)
        return decoded.isEmpty ? info.photometric : DicomText.trimmed(decoded)
    }
}
