// FrameRaster: one decoded frame as a person sees it (windowed grey, or colour), for OCR and previews.

public struct FrameRaster: Sendable {
    public let width: Int
    public let height: Int
    /// Luminance, windowed for monochrome images.
    public let gray: GrayImage
    /// Interleaved RGB for colour images, nil for monochrome.
    public let rgb: [UInt8]?

    /// How the file asks to be displayed: window (in rescaled units), rescale, palette.
    public struct Display: Sendable {
        public var windowCenter: Double?
        public var windowWidth: Double?
        public var rescaleSlope = 1.0
        public var rescaleIntercept = 0.0
        /// RGB per palette index (8-bit), for PALETTE COLOR.
        public var palette: [(UInt8, UInt8, UInt8)] = []
        public var paletteFirst = 0

        public init() {}

        public init(_ dataset: DicomItem) {
            func number(_ tag: Tag) -> Double? {
                dataset.string(tag).flatMap { $0.split(separator: "\\").first }.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
            windowCenter = number(Tag(0x0028, 0x1050))
            windowWidth = number(Tag(0x0028, 0x1051))
            rescaleSlope = number(Tag(0x0028, 0x1053)) ?? 1
            rescaleIntercept = number(Tag(0x0028, 0x1052)) ?? 0
            loadPalette(dataset)
        }

        /// PS3.3 C.7.6.3.1.5: three descriptors (entries, first mapped value, bits) and three tables.
        private mutating func loadPalette(_ dataset: DicomItem) {
            var tables: [[UInt8]] = []
            for (descriptor, data) in [(0x1101, 0x1201), (0x1102, 0x1202), (0x1103, 0x1203)] as [(UInt16, UInt16)] {
                guard let d = dataset.index(of: Tag(0x0028, descriptor)).flatMap(dataset.bytes(at:)), d.count >= 6,
                      let raw = dataset.index(of: Tag(0x0028, data)).flatMap(dataset.bytes(at:)) else { return }
                let entries = Int(d[0]) | Int(d[1]) << 8
                paletteFirst = Int(d[2]) | Int(d[3]) << 8
                let bits = Int(d[4]) | Int(d[5]) << 8
                let count = entries == 0 ? 65536 : entries
                var table: [UInt8] = []
                table.reserveCapacity(count)
                for i in 0..<count where i * 2 + 1 < raw.count {
                    let value = Int(raw[i * 2]) | Int(raw[i * 2 + 1]) << 8
                    table.append(UInt8(bits == 8 ? min(value, 255) : value >> 8))
                }
                tables.append(table)
            }
            let n = tables.map(\.count).min() ?? 0
            palette = (0..<n).map { (tables[0][$0], tables[1][$0], tables[2][$0]) }
        }
    }

    public init(frame: Frame, info: PixelInfo, display: Display) {
        width = info.columns
        height = info.rows
        let count = width * height
        let photometric = frame.photometric
        if info.samplesPerPixel == 3 {
            var rgb = [UInt8](repeating: 0, count: count * 3)
            let s = frame.samples
            let wide = info.bitsAllocated > 8
            for i in 0..<count * 3 where (wide ? i * 2 + 1 : i) < s.count {
                rgb[i] = wide ? s[i * 2 + 1] : s[i] // 16-bit colour: the high byte is enough to see text
            }
            if photometric.hasPrefix("YBR") { Self.convertYBR(&rgb) }
            self.rgb = rgb
            var gray = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                gray[i] = Self.luminance(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2])
            }
            self.gray = GrayImage(width: width, height: height, pixels: gray)
        } else if photometric == "PALETTE COLOR" && !display.palette.isEmpty {
            let values = Self.values(frame.samples, info: info, count: count)
            var rgb = [UInt8](repeating: 0, count: count * 3)
            var gray = [UInt8](repeating: 0, count: count)
            let palette = display.palette
            for i in 0..<count {
                let index = min(max(0, Int(values[i]) - display.paletteFirst), palette.count - 1)
                let (r, g, b) = palette[index]
                rgb[i * 3] = r; rgb[i * 3 + 1] = g; rgb[i * 3 + 2] = b
                gray[i] = Self.luminance(r, g, b)
            }
            self.rgb = rgb
            self.gray = GrayImage(width: width, height: height, pixels: gray)
        } else {
            let values = Self.values(frame.samples, info: info, count: count)
            let rescaled = values.map { $0 * display.rescaleSlope + display.rescaleIntercept }
            var low = rescaled.min() ?? 0, high = rescaled.max() ?? 1
            if let center = display.windowCenter, let width = display.windowWidth, width > 1 {
                low = center - width / 2
                high = center + width / 2
            }
            let span = max(high - low, 1e-9)
            let invert = photometric == "MONOCHROME1"
            let gray = rescaled.map { value -> UInt8 in
                let level = UInt8(max(0, min(255, ((value - low) / span * 255).rounded())))
                return invert ? 255 - level : level
            }
            rgb = nil
            self.gray = GrayImage(width: width, height: height, pixels: gray)
        }
    }

    /// Stored values of a monochrome or palette frame, sign applied.
    static func values(_ samples: [UInt8], info: PixelInfo, count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        switch info.bitsAllocated {
        case 8:
            for i in 0..<min(count, samples.count) {
                out[i] = info.isSigned ? Double(Int8(bitPattern: samples[i])) : Double(samples[i])
            }
        case 16:
            let shift = 16 - max(1, min(16, info.bitsStored))
            for i in 0..<min(count, samples.count / 2) {
                let raw = UInt16(samples[i * 2]) | UInt16(samples[i * 2 + 1]) << 8
                out[i] = info.isSigned ? Double(Int16(bitPattern: raw << shift) >> shift) : Double(raw & (0xFFFF >> shift))
            }
        case 32:
            for i in 0..<min(count, samples.count / 4) {
                let raw = UInt32(samples[i * 4]) | UInt32(samples[i * 4 + 1]) << 8 | UInt32(samples[i * 4 + 2]) << 16 | UInt32(samples[i * 4 + 3]) << 24
                out[i] = info.isSigned ? Double(Int32(bitPattern: raw)) : Double(raw)
            }
        default:
            break
        }
        return out
    }

    /// PS3.3 C.7.6.3.1.2: YBR_FULL to RGB.
    static func convertYBR(_ pixels: inout [UInt8]) {
        for i in stride(from: 0, to: pixels.count - 2, by: 3) {
            let y = Double(pixels[i]), cb = Double(pixels[i + 1]) - 128, cr = Double(pixels[i + 2]) - 128
            pixels[i] = clamp(y + 1.402 * cr)
            pixels[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr)
            pixels[i + 2] = clamp(y + 1.772 * cb)
        }
    }

    static func luminance(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let sum: Int = 299 * Int(r) + 587 * Int(g) + 114 * Int(b)
        return UInt8(sum / 1000)
    }

    static func clamp(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }

    /// Colour saturation (max - min of R, G, B) per pixel; overlay text in yellow or green stands out here.
    public var saturation: GrayImage? {
        guard let rgb else { return nil }
        var out = [UInt8](repeating: 0, count: width * height)
        for i in 0..<out.count {
            let r = rgb[i * 3], g = rgb[i * 3 + 1], b = rgb[i * 3 + 2]
            out[i] = max(r, g, b) - min(r, g, b)
        }
        return GrayImage(width: width, height: height, pixels: out)
    }
}
