// PlantedLeaks: clean outputs of the engine with one leak of each kind planted in code, for the quality check's tests.
import Engine
import Foundation

enum PlantedLeaks {
    struct Output {
        let source: String
        let path: String
        /// Relative name as delivered: study/series/instance.dcm.
        let name: String
        let redactions: [PixelRect]?
    }

    /// De-identifies `source` through the engine (templates and OCR when pixels are cleaned) and
    /// writes it under `folder` by its delivered name, without the delivery check.
    static func deidentify(_ source: String, into folder: String, options: Set<ProfileOption> = [.cleanDescriptors],
                           pixels: PixelPolicy = .clean) throws -> Output {
        var processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(options: options), key: Fixtures.key))
        processor.pixels = pixels
        let result = try processor.deidentify(path: source)
        let path = folder + "/" + result.relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try result.file.write(to: path)
        return Output(source: source, path: path, name: result.relativePath, redactions: result.redaction?.rectangles)
    }

    static func verifier(options: Set<ProfileOption> = [.cleanDescriptors], pixels: Verifier.PixelCheck = .off) throws -> Verifier {
        var verifier = try Verifier(profile: Profile.standard(options: options))
        verifier.pixels = pixels
        return verifier
    }

    /// The check as a header-only batch runs it: Basic Profile, no OCR, frames decoded only where changed.
    static func headerOnlyVerifier() throws -> Verifier {
        var verifier = try verifier(options: [])
        verifier.frames = .whereChanged
        return verifier
    }

    /// Opens the output, changes its dataset and writes it back in place.
    static func edit(_ path: String, _ body: (DicomItem) throws -> Void) throws {
        let file = try DicomFile.open(path: path)
        try body(file.dataset)
        try file.write(to: path)
    }

    /// A multi-frame ultrasound cine (8-bit grey, black ground, a bright disc moving across) whose
    /// frame `nameInFrame` (1-based) alone carries the patient's name, as a device annotation
    /// typed during one frame would; or the frames `nameInFrames`.
    static func cine(patient: SamplePatient, frames: Int = 6, nameInFrame: Int?, nameInFrames: ClosedRange<Int>? = nil,
                     to path: String) throws {
        let shown = nameInFrames ?? nameInFrame.map { $0...$0 }
        let (rows, columns) = (192, 256)
        let file = DicomFile.makeNew()
        let d = file.dataset
        try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.3.1", vr: "UI")
        try d.put(.sopInstanceUID, "1.2.826.0.1.3680043.10.1455.77.1.1", vr: "UI")
        try d.put(.studyInstanceUID, "1.2.826.0.1.3680043.10.1455.77", vr: "UI")
        try d.put(.seriesInstanceUID, "1.2.826.0.1.3680043.10.1455.77.1", vr: "UI")
        try d.put(.modality, "US", vr: "CS")
        try d.put(.manufacturer, "Acme Sonics", vr: "LO")
        try d.put(.manufacturerModelName, "CineView 2", vr: "LO")
        try d.put(.patientName, patient.name, vr: "PN")
        try d.put(.patientID, patient.id, vr: "LO")
        try d.put(.patientBirthDate, patient.birthDate, vr: "DA")
        try d.put(Tag(0x0028, 0x0002), "1", vr: "US")
        try d.put(Tag(0x0028, 0x0004), "MONOCHROME2", vr: "CS")
        try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS")
        try d.put(Tag(0x0028, 0x0010), "\(rows)", vr: "US")
        try d.put(Tag(0x0028, 0x0011), "\(columns)", vr: "US")
        try d.put(Tag(0x0028, 0x0100), "8", vr: "US")
        try d.put(Tag(0x0028, 0x0101), "8", vr: "US")
        try d.put(Tag(0x0028, 0x0102), "7", vr: "US")
        try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
        let font = try GlyphFont(size: 10)
        let name = patient.name.replacingOccurrences(of: "^", with: " ")
        var pixels: [UInt8] = []
        for frame in 1...frames {
            var image = [UInt8](repeating: 0, count: rows * columns)
            let cx = 60 + frame * 20, cy = 110
            for y in 0..<rows {
                for x in 0..<columns where (x - cx) * (x - cx) + (y - cy) * (y - cy) < 30 * 30 {
                    image[y * columns + x] = UInt8(120 + (x * 7 + y * 3) % 60)
                }
            }
            if shown?.contains(frame) == true {
                _ = font.draw(name, x: 12, baselineY: 30, scale: font.scale(forCapHeight: 14)) { x, y in
                    if x >= 0, y >= 0, x < columns, y < rows { image[y * columns + x] = 255 }
                }
            }
            pixels += image
        }
        try d.put(.pixelData, bytes: pixels, vr: "OB")
        try file.write(to: path, transferSyntax: "1.2.840.10008.1.2.1")
    }

    /// An overlay plane (PS3.3 C.9.2) over the whole image, with `text` drawn into its bits.
    static func addOverlay(_ d: DicomItem, text: String, rows: Int, columns: Int) throws {
        let font = try GlyphFont(size: 10)
        var bits = [UInt8](repeating: 0, count: (rows * columns + 15) / 16 * 2)
        _ = font.draw(text, x: 4, baselineY: min(rows - 2, 20), scale: font.scale(forCapHeight: 10)) { x, y in
            guard x >= 0, y >= 0, x < columns, y < rows else { return }
            let i = y * columns + x
            bits[i / 8] |= 1 << (i % 8)
        }
        let g: UInt16 = 0x6000
        try d.put(Tag(g, 0x0010), "\(rows)", vr: "US")
        try d.put(Tag(g, 0x0011), "\(columns)", vr: "US")
        try d.put(Tag(g, 0x0040), "G", vr: "CS")
        try d.put(Tag(g, 0x0050), "1\\1", vr: "SS")
        try d.put(Tag(g, 0x0100), "1", vr: "US")
        try d.put(Tag(g, 0x0102), "0", vr: "US")
        try d.put(Tag(g, 0x3000), bytes: bits, vr: "OW")
    }
}
