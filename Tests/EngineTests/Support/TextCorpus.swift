// TextCorpus: generated images with fake identifiers burned in where we know every glyph pixel, seeded.
import Engine
import Foundation

struct BurnedToken {
    let text: String
    let identifying: Bool
    let ink: InkMap
}

struct CorpusImage {
    let name: String
    let path: String
    let columns: Int
    let rows: Int
    let tokens: [BurnedToken]
}

/// A small deterministic generator (PCG-like), so the corpus is the same on every run.
struct CorpusRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

enum TextCorpus {
    enum Layout: CaseIterable { case ultrasoundBanner, xrayCorners, cine, monochrome1 }

    static let colours: [(String, [UInt8])] = [("white", [255, 255, 255]), ("grey", [170, 170, 170]),
                                               ("yellow", [250, 230, 40]), ("green", [60, 230, 80])]
    static let people = [("ŽEMAITIENĖ", "Ūla", "LT-483920"), ("Jonaitis", "Petras", "39004120011"),
                         ("MÜLLER", "Hans", "DE77120"), ("Kazlauskas", "Šarūnas", "PX-1001")]

    /// Writes `count` images into `folder`, every layout and colour in turn, sizes 8 to 24 px.
    static func generate(count: Int, into folder: String, seed: UInt64 = 7) throws -> [CorpusImage] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var random = CorpusRandom(state: seed)
        let fonts = try [4, 6].map { try GlyphFont(size: $0) }
        var images: [CorpusImage] = []
        for index in 0..<count {
            let layout = Layout.allCases[index % Layout.allCases.count]
            let (colourName, colour) = colours[(index / Layout.allCases.count) % colours.count]
            let person = people[index % people.count]
            let textured = index % 3 == 2
            images.append(try image(index: index, layout: layout, colour: colour, colourName: colourName, person: person,
                                    textured: textured, fonts: fonts, random: &random, folder: folder))
        }
        return images
    }

    static func image(index: Int, layout: Layout, colour: [UInt8], colourName: String, person: (String, String, String),
                      textured: Bool, fonts: [GlyphFont], random: inout CorpusRandom, folder: String) throws -> CorpusImage {
        let colourful = layout == .ultrasoundBanner || layout == .cine
        let (columns, rows) = layout == .ultrasoundBanner ? (640, 480) : layout == .cine ? (320, 240) : (512, 512)
        let frames = layout == .cine ? 4 : 1
        var canvas = Canvas(columns: columns, rows: rows, colour: colourful, frames: frames)
        canvas.paintBackground(textured: textured, random: &random)
        let birth = "\(random.int(10...28)).0\(random.int(1...9)).19\(random.int(40...99))"
        let study = "2024-0\(random.int(1...9))-1\(random.int(0...9)) 1\(random.int(0...9)):\(random.int(10...59))"
        let lines: [(String, Bool)] = [
            ("\(person.0) \(person.1)", true), ("ID \(person.2)", true), ("DOB \(birth)", true),
            ("Santaros klinikos", true), (study, true), ("L", false), ("12 cm", false),
        ]
        var tokens: [BurnedToken] = []
        var y = 4
        for (n, line) in lines.enumerated() {
            // Capital letters from 8 to 24 px tall, as device overlays write them.
            let capHeight = [8, 10, 12, 14, 16, 20, 24][(index * 3 + n) % 7]
            let font = fonts[capHeight <= 14 ? 0 : 1]
            let scale = font.scale(forCapHeight: capHeight)
            let height = Int(Double(font.lineHeight) * scale)
            let x: Int
            switch layout {
            case .xrayCorners, .monochrome1:
                x = n % 2 == 0 ? 6 : columns - font.width(of: line.0, scale: scale) - 6
                if n == 3 { y = rows - 3 * height - 8 }
            default:
                x = n < 5 ? 6 + (n % 2) * 8 : columns - font.width(of: line.0, scale: scale) - 10
                if n == 5 { y = rows / 2 }
            }
            let ink = font.draw(line.0, x: x, baselineY: y + height - height / 4, scale: scale) { px, py in
                canvas.plot(px, py, colour: colour)
            }
            tokens.append(BurnedToken(text: line.0, identifying: line.1, ink: ink))
            y += height + 4
        }
        let path = folder + "/\(index)-\(layout)-\(colourName)\(textured ? "-texture" : "").dcm"
        try canvas.write(to: path, monochrome1: layout == .monochrome1, person: person)
        return CorpusImage(name: (path as NSString).lastPathComponent, path: path, columns: columns, rows: rows, tokens: tokens)
    }
}

/// Pixel buffer of a generated image: 8-bit RGB or 16-bit grey, every frame alike but for a moving blob.
struct Canvas {
    let columns: Int
    let rows: Int
    let colour: Bool
    let frames: Int
    var samples: [[UInt8]]

    init(columns: Int, rows: Int, colour: Bool, frames: Int) {
        self.columns = columns
        self.rows = rows
        self.colour = colour
        self.frames = frames
        samples = Array(repeating: [UInt8](repeating: 0, count: columns * rows * (colour ? 3 : 2)), count: frames)
    }

    mutating func paintBackground(textured: Bool, random: inout CorpusRandom) {
        for f in 0..<frames {
            for y in 0..<rows {
                for x in 0..<columns {
                    let dx = x - columns / 2 - f * 6, dy = y - rows / 2
                    let inside = dx * dx + dy * dy < (rows * rows) / 9
                    var level = inside ? 60 + Int(random.next() % 50) : 0
                    if textured { level = max(level, 30 + Int(random.next() % 70)) }
                    setGrey(x, y, frame: f, level: UInt16(level))
                }
            }
        }
    }

    mutating func setGrey(_ x: Int, _ y: Int, frame: Int, level: UInt16) {
        let i = y * columns + x
        if colour {
            let v = UInt8(min(255, level))
            samples[frame][i * 3] = v; samples[frame][i * 3 + 1] = v; samples[frame][i * 3 + 2] = v
        } else {
            let v = level * 16 // 12 bits stored
            samples[frame][i * 2] = UInt8(v & 0xFF); samples[frame][i * 2 + 1] = UInt8(v >> 8)
        }
    }

    mutating func plot(_ x: Int, _ y: Int, colour rgb: [UInt8]) {
        guard x >= 0, y >= 0, x < columns, y < rows else { return }
        for f in 0..<frames {
            if colour {
                let i = (y * columns + x) * 3
                samples[f][i] = rgb[0]; samples[f][i + 1] = rgb[1]; samples[f][i + 2] = rgb[2]
            } else {
                let level = UInt16(FrameRasterLuma.of(rgb)) * 16
                samples[f][(y * columns + x) * 2] = UInt8(level & 0xFF)
                samples[f][(y * columns + x) * 2 + 1] = UInt8(level >> 8)
            }
        }
    }

    func write(to path: String, monochrome1: Bool, person: (String, String, String)) throws {
        let file = DicomFile.makeNew()
        let d = file.dataset
        try d.put(.specificCharacterSet, "ISO_IR 192", vr: "CS")
        try d.put(.sopClassUID, colour ? "1.2.840.10008.5.1.4.1.1.6.1" : "1.2.840.10008.5.1.4.1.1.1.1", vr: "UI")
        try d.put(.sopInstanceUID, "1.2.826.0.1.3680043.10.1455.77.\(abs(path.hashValue % 1_000_000))", vr: "UI")
        try d.put(.patientName, "\(person.0)^\(person.1)", vr: "PN")
        try d.put(.patientID, person.2, vr: "LO")
        try d.put(.modality, colour ? "US" : "DX", vr: "CS")
        try d.put(Tag(0x0028, 0x0002), colour ? "3" : "1", vr: "US")
        try d.put(Tag(0x0028, 0x0004), colour ? "RGB" : monochrome1 ? "MONOCHROME1" : "MONOCHROME2", vr: "CS")
        if colour { try d.put(Tag(0x0028, 0x0006), "0", vr: "US") }
        if frames > 1 { try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS") }
        try d.put(Tag(0x0028, 0x0010), "\(rows)", vr: "US")
        try d.put(Tag(0x0028, 0x0011), "\(columns)", vr: "US")
        try d.put(Tag(0x0028, 0x0100), colour ? "8" : "16", vr: "US")
        try d.put(Tag(0x0028, 0x0101), colour ? "8" : "12", vr: "US")
        try d.put(Tag(0x0028, 0x0102), colour ? "7" : "11", vr: "US")
        try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
        var data: [UInt8] = []
        for frame in samples {
            if monochrome1 { // MONOCHROME1: high values are dark, so text drawn bright must be stored low
                var inverted = frame
                for i in stride(from: 0, to: frame.count, by: 2) {
                    let v = 4095 - (UInt16(frame[i]) | UInt16(frame[i + 1]) << 8)
                    inverted[i] = UInt8(v & 0xFF); inverted[i + 1] = UInt8(v >> 8)
                }
                data += inverted
            } else {
                data += frame
            }
        }
        try d.put(.pixelData, bytes: data, vr: colour ? "OB" : "OW")
        try file.write(to: path, transferSyntax: "1.2.840.10008.1.2.1")
    }
}

enum FrameRasterLuma {
    static func of(_ rgb: [UInt8]) -> Int { (299 * Int(rgb[0]) + 587 * Int(rgb[1]) + 114 * Int(rgb[2])) / 1000 * 255 / 255 }
}
