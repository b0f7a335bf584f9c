// DicomFile+DecodedFrames: each frame decoded once, into the room of new Pixel Data, for detection and redaction alike.
import CDCMTK

/// The room of new native Pixel Data (cdcm_begin_pixels) and which of its frames hold their
/// decoded samples, with the photometric interpretation each decoded to.
final class DecodedFrames {
    let start: UnsafeMutablePointer<UInt8>
    let frameBytes: Int
    var photometrics: [String?]

    init(start: UnsafeMutablePointer<UInt8>, frameBytes: Int, frames: Int) {
        self.start = start
        self.frameBytes = frameBytes
        photometrics = [String?](repeating: nil, count: frames)
    }

    func slot(_ frame: Int) -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: start + frame * frameBytes, count: frameBytes)
    }
}

extension DicomFile {
    /// From now on each frame is decoded once, into the room of new Pixel Data that DCMTK owns:
    /// `decodeFrameOnce` copies it from there when asked again, and a redaction fills the room and
    /// stores it (`storeDecodedFrames`), decoding only frames nobody asked for; any other edit of
    /// the Pixel Data or its geometry drops it, in CDCMTK, whichever call makes the edit. A
    /// compressed cine is then decoded once for detection and redaction together. The room holds
    /// the decoded pixels once besides the file's own until it is stored or
    /// `discardDecodedFrames()`. Nothing changes when the room cannot be made (the frames are then
    /// decoded each time).
    public func keepDecodedFrames() {
        _ = try? decodedFrames(info: pixelInfo())
    }

    /// Frame `frame` (0-based) as `decodeFrame` gives it, decoded once into the room when the file
    /// keeps its decoded frames (a reader before any redaction: detection).
    public func decodeFrameOnce(_ frame: Int, info: PixelInfo) throws -> Frame {
        guard decodedRoom != nil else { return try decodeFrame(frame, info: info) }
        let decoded = try decodedFrame(frame, info: info)
        return Frame(samples: Array(decoded.samples), photometric: decoded.photometric)
    }

    /// Frees the room of `keepDecodedFrames` without storing it; the Pixel Data stays as it was.
    public func discardDecodedFrames() {
        guard roomMade != nil else { return }
        roomMade = nil
        cdcm_discard_pixels(handle)
    }

    /// The frames decoded so far into the room of new Pixel Data, while DCMTK still holds the room:
    /// an edit of the Pixel Data or of its geometry through any of the file's handles drops it
    /// there (`cdcm_pixels_room`), and it is forgotten here at the next look.
    var decodedRoom: DecodedFrames? {
        guard let room = roomMade else { return nil }
        guard cdcm_pixels_room(handle) == UnsafePointer(room.start) else {
            roomMade = nil
            return nil
        }
        return room
    }

    /// The room, made now when there is none.
    func decodedFrames(info: PixelInfo) throws -> DecodedFrames {
        if let room = decodedRoom, room.frameBytes == info.frameBytes, room.photometrics.count == info.frames { return room }
        discardDecodedFrames()
        var length = 0
        var message = ""
        let start = withErrorBuffer { err, len -> UnsafeMutablePointer<UInt8>? in
            let start = cdcm_begin_pixels(handle, &length, err, len)
            if start == nil { message = String(cString: err) }
            return start
        }
        guard let start else { throw EngineError(.edit, message.isEmpty ? "DCMTK failed" : message) }
        guard length == info.frameBytes * info.frames else {
            cdcm_discard_pixels(handle)
            throw EngineError(.undecodable, "the Pixel Data's room does not match its geometry")
        }
        let room = DecodedFrames(start: start, frameBytes: info.frameBytes, frames: info.frames)
        roomMade = room
        return room
    }

    /// Frame `frame` (0-based) in the room, decoded there now unless it was before, with the
    /// photometric interpretation of its samples. Its samples are the room's: a redaction fills them.
    func decodedFrame(_ frame: Int, info: PixelInfo) throws -> (samples: UnsafeMutableBufferPointer<UInt8>, photometric: String) {
        let room = try decodedFrames(info: info)
        guard frame >= 0, frame < info.frames else { throw EngineError(.undecodable, "frame \(frame + 1) is outside the image") }
        if let photometric = room.photometrics[frame] { return (room.slot(frame), photometric) }
        let photometric = try decodeFrame(frame, info: info, into: room.slot(frame))
        room.photometrics[frame] = photometric
        return (room.slot(frame), photometric)
    }

    /// Puts the room in place of the Pixel Data (see `cdcm_commit_pixels`): every compressed
    /// representation goes, so a save can no longer write the original fragments, Photometric
    /// Interpretation becomes `photometric`, and the file will be Explicit VR Little Endian.
    func storeDecodedFrames(photometric: String) throws {
        guard decodedRoom != nil else { throw EngineError(.edit, "no decoded frames to store") }
        roomMade = nil
        try withErrorBufferThrowing(.edit) { err, len in cdcm_commit_pixels(handle, photometric, err, len) }
    }
}
