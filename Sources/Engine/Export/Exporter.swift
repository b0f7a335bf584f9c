// Exporter: the de-identified pixels of an instance as JPEG per frame or MP4 per cine, for AI work (ffmpeg encodes).
import Foundation

public enum ExportFormat: String, Sendable, CaseIterable {
    case jpeg, mp4
}

/// What one export wrote, for the index and the caller's report.
public struct ExportedImage: Sendable, Equatable {
    /// File names relative to the destination folder, in frame order.
    public let files: [String]
    /// What was written: a single-frame image asked for as mp4 is written as jpeg.
    public let format: ExportFormat
    /// Frames of the image (each JPEG holds one, the MP4 all of them).
    public let frameCount: Int
    /// Of the written files; an MP4 of odd width or height is padded with black to even.
    public let width: Int
    public let height: Int
    /// From the de-identified dataset, for the index.
    public let sopInstanceUID: String
    public let modality: String

    public init(files: [String], format: ExportFormat, frameCount: Int, width: Int, height: Int,
                sopInstanceUID: String, modality: String) {
        self.files = files
        self.format = format
        self.frameCount = frameCount
        self.width = width
        self.height = height
        self.sopInstanceUID = sopInstanceUID
        self.modality = modality
    }

    /// Frames held by one of `files`.
    public var framesPerFile: Int { format == .mp4 ? frameCount : 1 }
}

public struct Exporter: Sendable {
    public let format: ExportFormat
    /// The ffmpeg executable, found on PATH unless given.
    public let ffmpeg: String
    /// fsync each output and its folder before it is renamed into place; a batch that syncs the
    /// file system itself (Journal) passes false.
    public var durable = true
    /// mjpeg -q:v: 2 is near the top of the scale; the images feed AI, where artefacts matter more than bytes.
    public var jpegQuality = 2
    /// libx264 -crf: 18 is visually lossless for most content.
    public var videoQuality = 18

    /// Used when the file states no frame rate (nor Frame Time).
    public static let defaultFrameRate = 10.0

    public init(format: ExportFormat, ffmpeg: String? = nil) throws {
        self.format = format
        self.ffmpeg = try ffmpeg ?? Self.locateFFmpeg()
    }

    /// The first executable `ffmpeg` on `searchPath` (PATH by default).
    public static func locateFFmpeg(searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) throws -> String {
        for folder in (searchPath ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/ffmpeg"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw EngineError(.unsupported, "ffmpeg is missing (apt-get install ffmpeg)")
    }

    /// Writes the pixels of `file` (already de-identified and redacted) into `folder` as `name.jpg`,
    /// `name-0001.jpg`... or `name.mp4`. `name` must be a new identifier (the new SOP Instance UID),
    /// never a header value of the original. Returns nil when the instance has no image (SR, PDF).
    public func export(_ file: DicomFile, name: String, to folder: String) throws -> ExportedImage? {
        try Self.checkName(name)
        let dataset = file.dataset
        guard dataset.index(of: .pixelData) != nil else { return nil }
        let info = try file.pixelInfo()
        guard info.rows > 0, info.columns > 0, info.frames > 0 else {
            throw EngineError(.malformed, "Rows (0028,0010) or Columns (0028,0011) is zero: nothing to export")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let first = try file.decodeFrame(0, info: info)
        var frames = FrameSource(file: file, info: info, display: Self.display(for: dataset, info: info, first: first), first: first)
        // A single frame is a picture, not a film: an MP4 of one frame would only be harder to read.
        let written: ExportFormat = info.frames > 1 ? format : .jpeg
        let files: [String]
        var width = info.columns, height = info.rows
        switch written {
        case .jpeg:
            files = try writeJPEGs(&frames, name: name, folder: folder)
        case .mp4:
            width += width % 2
            height += height % 2
            files = try writeMP4(&frames, frameRate: Self.frameRate(dataset), name: name, folder: folder)
        }
        return ExportedImage(
            files: files, format: written, frameCount: info.frames, width: width, height: height,
            sopInstanceUID: DicomText.trimmed(dataset.string(.sopInstanceUID) ?? ""),
            modality: DicomText.trimmed(dataset.string(.modality) ?? ""))
    }

    /// Only a plain identifier can name a file: it cannot climb out of the folder, hide itself or
    /// be read as an ffmpeg option or pattern.
    static func checkName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
        guard allowed, !name.isEmpty, name.count <= 200, !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw EngineError(.usage, "an export name must be 1-200 letters, digits, '.', '_' or '-' (use the new SOP Instance UID)")
        }
    }

    /// The file's own display settings; a monochrome cine without a window gets the first frame's
    /// range for every frame, because FrameRaster's per-frame range would make the film flicker.
    static func display(for dataset: DicomItem, info: PixelInfo, first: Frame) -> FrameRaster.Display {
        var display = FrameRaster.Display(dataset)
        guard info.frames > 1, info.samplesPerPixel == 1, first.photometric.hasPrefix("MONOCHROME"),
              display.windowCenter == nil || (display.windowWidth ?? 0) <= 1 else { return display }
        let values = FrameRaster.values(first.samples, info: info, count: info.rows * info.columns)
            .map { $0 * display.rescaleSlope + display.rescaleIntercept }
        if let low = values.min(), let high = values.max(), high - low > 1 {
            display.windowCenter = (low + high) / 2
            display.windowWidth = high - low
        }
        return display
    }

    /// Frames per second: PS3.3 C.7.6.5 Frame Time (ms), else Recommended Display Frame Rate, else
    /// Cine Rate, else the default. Rounded to 1/1000 so ffmpeg gets a small time base.
    static func frameRate(_ dataset: DicomItem) -> Double {
        func number(_ tag: Tag) -> Double? {
            dataset.string(tag).flatMap { $0.split(separator: "\\").first }
                .flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                .flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        }
        let rate = number(Tag(0x0018, 0x1063)).map { 1000 / $0 }
            ?? number(Tag(0x0008, 0x2144)) ?? number(Tag(0x0018, 0x0040)) ?? defaultFrameRate
        // Outside this range the value is a typo, and H.264 players choke on it.
        guard rate >= 0.1, rate <= 1000 else { return defaultFrameRate }
        return (rate * 1000).rounded() / 1000
    }

    /// All frames go through one ffmpeg into a hidden folder beside the outputs, then each is
    /// renamed into place: one process per image, and no partial JPEG ever carries a final name.
    private func writeJPEGs(_ frames: inout FrameSource, name: String, folder: String) throws -> [String] {
        let staging = AtomicFile.temporaryPath(for: folder + "/" + name)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        // image2 reads '%' in the path as a pattern; a literal one is written '%%'.
        let output = "file:" + staging.replacingOccurrences(of: "%", with: "%%") + "/%06d.jpg"
        // yuvj444p: full range as JFIF expects, and no chroma subsampling to smear coloured overlays.
        try run(&frames, output: [
            "-c:v", "mjpeg", "-q:v", String(jpegQuality), "-pix_fmt", "yuvj444p",
            "-f", "image2", "-start_number", "1", output,
        ], hiding: [output, staging, folder])
        let count = frames.info.frames
        var names: [String] = []
        for index in 1...count {
            let target = count == 1 ? "\(name).jpg" : "\(name)-\(Self.padded(index)).jpg"
            let source = staging + "/" + String(repeating: "0", count: max(0, 6 - String(index).count)) + "\(index).jpg"
            guard FileManager.default.fileExists(atPath: source) else {
                throw EngineError(.write, "ffmpeg wrote no JPEG for frame \(index)")
            }
            try AtomicFile.commit(temporary: source, to: folder + "/" + target, durable: durable)
            names.append(target)
        }
        return names
    }

    private func writeMP4(_ frames: inout FrameSource, frameRate: Double, name: String, folder: String) throws -> [String] {
        let target = "\(name).mp4"
        let temporary = AtomicFile.temporaryPath(for: folder + "/" + target)
        do {
            // The conversion is spelled out: left alone, swscale copies grey 0-255 into limited-range
            // luma unchanged, which players then show with crushed blacks and whites. BT.601 is the
            // matrix the stream is tagged with.
            let filters = "scale=in_range=full:out_range=limited:out_color_matrix=bt601,format=yuv420p"
            // H.264 4:2:0 needs even sides: the frames come padded with black (FrameSource). ffmpeg's
            // pad filter paints grey 16 for black, and padding after the conversion lost the last row.
            frames.padToEven = true
            let output = "file:" + temporary
            try run(&frames, inputRate: frameRate, output: [
                "-vf", filters, "-c:v", "libx264", "-preset", "medium", "-crf", String(videoQuality), "-pix_fmt", "yuv420p",
                "-colorspace", "smpte170m", "-color_range", "tv", "-movflags", "+faststart", "-an", "-f", "mp4", output,
            ], hiding: [output, temporary, folder])
            try AtomicFile.commit(temporary: temporary, to: folder + "/" + target, durable: durable)
        } catch {
            unlink(temporary)
            throw error
        }
        return [target]
    }

    /// Streams every frame into one ffmpeg: decoded, rendered and sent one at a time, never a whole cine in memory.
    private func run(_ frames: inout FrameSource, inputRate: Double = 1, output: [String], hiding: [String]) throws {
        let input = [
            "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "rawvideo", "-pix_fmt", frames.isColour ? "rgb24" : "gray", "-s", "\(frames.width)x\(frames.height)",
            "-framerate", String(inputRate), "-i", "pipe:0",
            // No encoder version strings or times in the outputs: the same pixels give the same bytes.
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        ]
        let process = try FFmpegProcess(executable: ffmpeg, arguments: input + output, hiding: hiding)
        while let bytes = try frames.next() {
            try process.write(bytes)
        }
        try process.finish()
    }

    static func padded(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// The frames of one image as FrameRaster renders them, decoded on demand.
struct FrameSource {
    let file: DicomFile
    let info: PixelInfo
    let display: FrameRaster.Display
    /// Whether frames come as RGB (colour, palette) or grey; the first frame decides for all.
    let isColour: Bool
    /// Add a black column and row where the sides are odd (for H.264 4:2:0).
    var padToEven = false
    var width: Int { info.columns + (padToEven ? info.columns % 2 : 0) }
    var height: Int { info.rows + (padToEven ? info.rows % 2 : 0) }
    private var first: FrameRaster?
    private var index = 0

    init(file: DicomFile, info: PixelInfo, display: FrameRaster.Display, first: Frame) {
        self.file = file
        self.info = info
        self.display = display
        let raster = FrameRaster(frame: first, info: info, display: display)
        self.first = raster
        isColour = raster.rgb != nil
    }

    /// The next frame's bytes in the layout ffmpeg is told: rgb24 or gray.
    mutating func next() throws -> [UInt8]? {
        guard index < info.frames else { return nil }
        defer { index += 1 }
        let raster: FrameRaster
        if index == 0, let rendered = first {
            raster = rendered
            first = nil
        } else {
            raster = FrameRaster(frame: try file.decodeFrame(index, info: info), info: info, display: display)
        }
        let bytes = isColour ? raster.rgb ?? [] : raster.gray.pixels
        let channels = isColour ? 3 : 1
        guard bytes.count == info.rows * info.columns * channels else {
            throw EngineError(.undecodable, "frame \(index + 1) does not render like the first")
        }
        guard width != info.columns || height != info.rows else { return bytes }
        var padded = [UInt8](repeating: 0, count: width * height * channels)
        let row = info.columns * channels
        for y in 0..<info.rows {
            padded.replaceSubrange(y * width * channels..<(y * width * channels + row), with: bytes[y * row..<(y + 1) * row])
        }
        return padded
    }
}
