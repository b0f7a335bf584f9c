// PreviewSource: one DICOM image opened for previews, decoding frames lazily with a small cache.
import Engine
import Foundation

/// The frames of one DICOM file as the TUI shows them: geometry, the default grey window, and
/// `raster(frame:window:)` to get a frame windowed (monochrome) or in colour (RGB, YBR, palette).
///
/// Frames are decoded on first use and the last few are kept (`cacheLimit`, fewer when frames are
/// large), so stepping back and forth through a cine does not decode again while a 300-frame
/// study never sits in memory whole. Calls are serialised by a lock: DCMTK's handle is not
/// thread-safe, and the TUI's runner may ask from a background task.
public final class PreviewSource: @unchecked Sendable {
    public let frames: Int
    public let columns: Int
    public let rows: Int
    /// Shown through a grey window (MONOCHROME1/2, or palette colour without a usable palette).
    public let isMonochrome: Bool
    /// The photometric interpretation as stored (a decoded frame may differ, e.g. YBR to RGB).
    public let photometric: String
    /// How many decoded frames are kept.
    public let cacheLimit: Int

    /// Decoded frames kept in memory at most, by default; each is Rows x Columns x samples x bytes.
    public static let defaultCacheLimit = 8
    /// The cache stays under this many bytes whatever `cacheLimit` says (one frame at least).
    public static let cacheBudgetBytes = 256 << 20

    private let file: DicomFile
    private let info: PixelInfo
    private let display: FrameRaster.Display
    private let fileWindow: Window?
    private let lock = NSLock()
    /// Most recently used last.
    private var cache: [(index: Int, frame: Frame)] = []
    private var firstFrameWindow: Window??
    private var lastRaster: (index: Int, window: Window?, raster: FrameRaster)?

    /// Opens the DICOM file at `path` for previews.
    /// Throws `RenderError` `.open` (unreadable, not DICOM) or `.noImage` (no pixel data).
    public static func open(path: String, cacheLimit: Int = defaultCacheLimit) throws -> PreviewSource {
        let file: DicomFile
        do {
            file = try DicomFile.open(path: path)
        } catch {
            throw RenderError(opening: error)
        }
        return try PreviewSource(file: file, cacheLimit: cacheLimit)
    }

    /// Previews of a file already open (the Review layer may hold it); the source keeps it alive.
    public init(file: DicomFile, cacheLimit: Int = defaultCacheLimit) throws {
        let info: PixelInfo
        do {
            info = try file.pixelInfo()
        } catch {
            throw RenderError(.noImage, "no image to preview")
        }
        guard info.rows > 0, info.columns > 0, info.frames > 0, info.frameBytes > 0 else {
            throw RenderError(.noImage, "no image to preview")
        }
        self.file = file
        self.info = info
        display = FrameRaster.Display(file.dataset)
        frames = info.frames
        columns = info.columns
        rows = info.rows
        photometric = info.photometric
        isMonochrome = info.samplesPerPixel != 3 && !(info.photometric == "PALETTE COLOR" && !display.palette.isEmpty)
        self.cacheLimit = max(1, min(cacheLimit, Self.cacheBudgetBytes / max(1, info.frameBytes)))
        if let center = display.windowCenter, let width = display.windowWidth, width > 0, isMonochrome {
            fileWindow = Window(center: center, width: max(width, Window.minimumWidth))
        } else {
            fileWindow = nil
        }
    }

    /// The window to start with: the file's first Window Center/Width, or else the full range of
    /// the first frame's rescaled values. Nil for colour images, or when the first frame cannot be decoded.
    public var defaultWindow: Window? {
        guard isMonochrome else { return nil }
        if let fileWindow { return fileWindow }
        lock.lock()
        defer { lock.unlock() }
        if let known = firstFrameWindow { return known }
        let computed = (try? decoded(0)).flatMap { valueRange($0) }.map { Window(low: $0.lowerBound, high: $0.upperBound) }
        firstFrameWindow = .some(computed)
        return computed
    }

    /// The lowest and highest rescaled value of one frame (monochrome only; nil for colour), for a
    /// "full range" key.
    public func valueRange(frame: Int) throws -> ClosedRange<Double>? {
        guard isMonochrome else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return valueRange(try decoded(frame))
    }

    /// Frame `frame` (0-based) as a person sees it. Monochrome frames are windowed with `window`,
    /// or `defaultWindow` when nil; colour frames ignore the window.
    /// Throws `RenderError` `.frame` for a frame outside the image, `.undecodable` when it cannot be decoded.
    public func raster(frame: Int, window: Window? = nil) throws -> FrameRaster {
        let window = isMonochrome ? (window ?? defaultWindow) : nil
        lock.lock()
        defer { lock.unlock() }
        // The TUI redraws the same frame for every overlay change; windowing again would be waste.
        if let last = lastRaster, last.index == frame, last.window == window { return last.raster }
        let samples = try decoded(frame)
        let display = self.display(window)
        let raster = Windowing.gray(samples, info: info, display: display).map { FrameRaster(gray: $0, rgb: nil) }
            ?? FrameRaster(frame: samples, info: info, display: display)
        lastRaster = (frame, window, raster)
        return raster
    }

    /// The frame through FrameRaster's own per-pixel path, which `raster` must equal (for tests).
    func referenceRaster(frame: Int, window: Window?) throws -> FrameRaster {
        let window = isMonochrome ? (window ?? defaultWindow) : nil
        lock.lock()
        defer { lock.unlock() }
        return FrameRaster(frame: try decoded(frame), info: info, display: display(window))
    }

    private func display(_ window: Window?) -> FrameRaster.Display {
        var display = self.display
        if let window {
            display.windowCenter = window.center
            display.windowWidth = max(window.width, Window.minimumWidth)
        }
        return display
    }

    /// Call with the lock held.
    private func decoded(_ index: Int) throws -> Frame {
        guard index >= 0, index < frames else { throw RenderError(.frame, "frame outside the image") }
        if let i = cache.firstIndex(where: { $0.index == index }) {
            let hit = cache.remove(at: i)
            cache.append(hit)
            return hit.frame
        }
        let frame: Frame
        do {
            frame = try file.decodeFrame(index, info: info)
        } catch {
            throw RenderError(.undecodable, "frame cannot be decoded")
        }
        if cache.count >= cacheLimit { cache.removeFirst(cache.count - cacheLimit + 1) }
        cache.append((index, frame))
        return frame
    }

    /// How many decoded frames are held now (for tests of the cache bound).
    public var cachedFrameCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return cache.count
    }

    /// Min and max of the stored values with Rescale Slope/Intercept applied, as FrameRaster reads them.
    private func valueRange(_ frame: Frame) -> ClosedRange<Double>? {
        let count = rows * columns
        var low = Int64.max, high = Int64.min
        frame.samples.withUnsafeBufferPointer { s in
            switch info.bitsAllocated {
            case 8:
                for i in 0..<min(count, s.count) {
                    let v = info.isSigned ? Int64(Int8(bitPattern: s[i])) : Int64(s[i])
                    low = min(low, v); high = max(high, v)
                }
            case 16:
                let shift = UInt16(16 - max(1, min(16, info.bitsStored)))
                for i in 0..<min(count, s.count / 2) {
                    let raw = UInt16(s[i * 2]) | UInt16(s[i * 2 + 1]) << 8
                    let v = info.isSigned ? Int64(Int16(bitPattern: raw << shift) >> shift) : Int64(raw & (0xFFFF >> shift))
                    low = min(low, v); high = max(high, v)
                }
            case 32:
                for i in 0..<min(count, s.count / 4) {
                    let raw = UInt32(s[i * 4]) | UInt32(s[i * 4 + 1]) << 8 | UInt32(s[i * 4 + 2]) << 16 | UInt32(s[i * 4 + 3]) << 24
                    let v = info.isSigned ? Int64(Int32(bitPattern: raw)) : Int64(raw)
                    low = min(low, v); high = max(high, v)
                }
            default:
                break
            }
        }
        guard low <= high else { return nil }
        let a = Double(low) * display.rescaleSlope + display.rescaleIntercept
        let b = Double(high) * display.rescaleSlope + display.rescaleIntercept
        return min(a, b)...max(a, b)
    }
}
