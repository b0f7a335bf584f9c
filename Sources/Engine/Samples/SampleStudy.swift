// SampleStudy: built-in sample data with fake identifiers in headers, written with DCMTK, for the demo and the tests.
import Foundation

/// A fake patient; every value here is invented.
public struct SamplePatient: Sendable {
    public var name: String
    public var id: String
    public var birthDate: String
    public var sex: String
    /// The Specific Character Set the files are written in: "ISO_IR 192", "ISO_IR 100" or "".
    public var charset: String

    public static let lithuanian = SamplePatient(
        name: "ŽEMAITIENĖ^Ūla^Šarūnė", id: "LT-483920", birthDate: "19620314", sex: "F", charset: "ISO_IR 192")
    public static let german = SamplePatient(
        name: "Müller^Hans", id: "DE-77120", birthDate: "19480702", sex: "M", charset: "ISO_IR 100")
    public static let plain = SamplePatient(
        name: "DOE^JOHN", id: "PX-1001", birthDate: "19700101", sex: "M", charset: "")
}

public enum SampleKind: String, Sendable, CaseIterable {
    /// 64x64 16-bit CT slice, Burned In Annotation NO.
    case ct
    /// 320x240 RGB ultrasound frame with identifiers burned in, Burned In Annotation YES.
    case ultrasound
    /// Basic Text SR whose content names the patient.
    case report
    /// 256x192 8-bit ultrasound clip of 12 frames from another device, the patient's name and the date
    /// burned into a banner that stays on every frame, a moving sector under it.
    case cine
}

public struct SampleStudy: Sendable {
    public var patient: SamplePatient
    public var institution = "Vilniaus Santaros klinikos"
    public var studyUID: String
    public var studyDate = "20240517"
    public var accession = "ACC20240517001"
    public var seed: UInt64

    public init(patient: SamplePatient, seed: UInt64) {
        self.patient = patient
        self.seed = seed
        studyUID = "1.2.826.0.1.3680043.10.1455.\(seed).1"
    }

    public func seriesUID(_ series: Int) -> String { "\(studyUID).\(series)" }
    public func instanceUID(_ series: Int, _ instance: Int) -> String { "\(studyUID).\(series).\(instance)" }

    /// Writes one instance; `series` and `instance` number it within the study.
    @discardableResult
    public func write(_ kind: SampleKind, series: Int, instance: Int, to path: String) throws -> String {
        let file = DicomFile.makeNew()
        let d = file.dataset
        let text = { (tag: Tag, value: String, vr: String) in try d.put(tag, stringBytes: self.encode(value), vr: vr) }
        if !patient.charset.isEmpty { try d.put(.specificCharacterSet, patient.charset, vr: "CS") }
        let sopClass: String
        switch kind {
        case .ct: sopClass = "1.2.840.10008.5.1.4.1.1.2"
        case .ultrasound: sopClass = "1.2.840.10008.5.1.4.1.1.6.1"
        case .report: sopClass = "1.2.840.10008.5.1.4.1.1.88.11"
        case .cine: sopClass = "1.2.840.10008.5.1.4.1.1.3.1"
        }
        let sopInstance = instanceUID(series, instance)
        try d.put(.sopClassUID, sopClass, vr: "UI")
        try d.put(.sopInstanceUID, sopInstance, vr: "UI")
        try d.put(.studyInstanceUID, studyUID, vr: "UI")
        try d.put(.seriesInstanceUID, seriesUID(series), vr: "UI")
        try d.put(Tag(0x0020, 0x0052), "\(studyUID).9", vr: "UI") // Frame of Reference UID
        try d.put(.studyDate, studyDate, vr: "DA")
        try d.put(Tag(0x0008, 0x0030), "101502", vr: "TM")
        try d.put(Tag(0x0008, 0x0021), studyDate, vr: "DA")
        try d.put(Tag(0x0008, 0x0023), studyDate, vr: "DA")
        try d.put(Tag(0x0008, 0x0033), "101544", vr: "TM")
        try d.put(.accessionNumber, accession, vr: "SH")
        try d.put(.modality, kind == .ct ? "CT" : kind == .report ? "SR" : "US", vr: "CS")
        try d.put(.manufacturer, kind == .ultrasound || kind == .cine ? "Acme Sonics" : "Acme Medical", vr: "LO")
        try d.put(.manufacturerModelName, kind == .ultrasound ? "SonoView 5" : kind == .cine ? "SonoView 7 Cine" : "Helix 64", vr: "LO")
        try d.put(Tag(0x0018, 0x1000), "SN-88213", vr: "LO") // Device Serial Number
        try text(.institutionName, institution, "LO")
        try text(.institutionAddress, "Santariškių g. 2, Vilnius", "ST")
        try text(.referringPhysicianName, "Kazlauskas^Jonas", "PN")
        try text(.operatorsName, "Petraitytė^Eglė", "PN")
        try d.put(.stationName, "CT-ROOM-3", vr: "SH")
        try text(.studyDescription, "Chest for \(patient.name.split(separator: "^").first ?? "") born \(Self.dotted(patient.birthDate))", "LO")
        try text(.seriesDescription, "Axial 5mm", "LO")
        try text(.patientName, patient.name, "PN")
        try d.put(.patientID, patient.id, vr: "LO")
        try d.put(.patientBirthDate, patient.birthDate, vr: "DA")
        try d.put(Tag(0x0010, 0x0040), patient.sex, vr: "CS")
        try d.put(Tag(0x0010, 0x1010), "061Y", vr: "AS")
        try d.put(Tag(0x0010, 0x1030), "71.5", vr: "DS")
        try text(Tag(0x0010, 0x4000), "Allergic to contrast; call \(patient.name.split(separator: "^").first ?? "")", "LT")
        try d.put(.studyID, "S\(seed)", vr: "SH")
        try d.put(Tag(0x0020, 0x0011), "\(series)", vr: "IS")
        try d.put(Tag(0x0020, 0x0013), "\(instance)", vr: "IS")
        try d.put(Tag(0x0018, 0x0015), "CHEST", vr: "CS")
        // Nested: a request naming the patient's physician, and a reference to another instance.
        let request = try d.appendItem(Tag(0x0040, 0x0275))
        try request.put(Tag(0x0040, 0x1001), "RP-\(seed)", vr: "SH")
        try request.put(Tag(0x0032, 0x1032), stringBytes: encode("Kazlauskas^Jonas"), vr: "PN")
        try request.put(Tag(0x0040, 0x0009), "SPS-\(seed)", vr: "SH")
        if instance > 1 {
            let reference = try d.appendItem(Tag(0x0008, 0x1140))
            try reference.put(Tag(0x0008, 0x1150), sopClass, vr: "UI")
            try reference.put(Tag(0x0008, 0x1155), instanceUID(series, instance - 1), vr: "UI")
        }
        // Private blocks: one TCIA lists as safe, one that carries the patient's name.
        try d.put(Tag(0x0009, 0x0010), "GEMS_IDEN_01", vr: "LO")
        try d.put(Tag(0x0009, 0x1002), "ROOM3", vr: "SH") // Suite Id: TCIA says delete
        try d.put(Tag(0x0009, 0x1004), "HELIX 64", vr: "SH") // Product Id: TCIA says keep
        try d.put(Tag(0x0029, 0x0010), "ACME PRIVATE 1.0", vr: "LO")
        try d.put(Tag(0x0029, 0x1010), stringBytes: encode(patient.name), vr: "LO")
        switch kind {
        case .ct: try addCTPixels(d, instance: instance)
        case .ultrasound: try addUltrasoundPixels(d)
        case .report: try addReport(d)
        case .cine: try addCinePixels(d)
        }
        try file.write(to: path, transferSyntax: "1.2.840.10008.1.2.1")
        return sopInstance
    }

    /// Writes a small study: `slices` CT images, one ultrasound frame and one report.
    public func writeStudy(into folder: String, slices: Int = 3) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var paths: [String] = []
        for i in 1...max(1, slices) {
            let path = folder + "/ct-\(i).dcm"
            try write(.ct, series: 1, instance: i, to: path)
            paths.append(path)
        }
        for (kind, series) in [(SampleKind.ultrasound, 2), (.report, 3)] {
            let path = folder + "/\(kind.rawValue).dcm"
            try write(kind, series: series, instance: 1, to: path)
            paths.append(path)
        }
        return paths
    }

    func encode(_ value: String) -> [UInt8] {
        if patient.charset == "ISO_IR 100", value.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            return value.unicodeScalars.map { UInt8($0.value) }
        }
        return Array(value.utf8)
    }

    static func dotted(_ date: String) -> String {
        guard date.count == 8 else { return date }
        return "\(date.suffix(2)).\(date.dropFirst(4).prefix(2)).\(date.prefix(4))"
    }

    private func addCTPixels(_ d: DicomItem, instance: Int) throws {
        let size = 64
        try d.put(Tag(0x0008, 0x0008), "ORIGINAL\\PRIMARY\\AXIAL", vr: "CS")
        try d.put(Tag(0x0028, 0x0301), "NO", vr: "CS")
        try image(d, rows: size, columns: size, samples: 1, bits: 16, photometric: "MONOCHROME2")
        try d.put(Tag(0x0028, 0x0030), "0.7\\0.7", vr: "DS")
        try d.put(Tag(0x0018, 0x0050), "5", vr: "DS")
        try d.put(Tag(0x0020, 0x0032), "-100\\-100\\\(instance * 5)", vr: "DS")
        try d.put(Tag(0x0020, 0x0037), "1\\0\\0\\0\\1\\0", vr: "DS")
        try d.put(Tag(0x0028, 0x1050), "40", vr: "DS")
        try d.put(Tag(0x0028, 0x1051), "400", vr: "DS")
        var pixels: [UInt8] = []
        var state = seed &+ UInt64(instance)
        for y in 0..<size {
            for x in 0..<size {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let dx = x - size / 2, dy = y - size / 2
                let body = dx * dx + dy * dy < (size * size) / 5 ? 1040 : 24
                let value = UInt16(body + Int(state >> 59))
                pixels += [UInt8(value & 0xFF), UInt8(value >> 8)]
            }
        }
        try d.put(.pixelData, bytes: pixels, vr: "OW")
    }

    /// A 320x240 ultrasound frame with the patient's name, ID, birth date, the study date and the
    /// institution burned into a banner, as devices do, and an orientation mark and a scale that may stay.
    private func addUltrasoundPixels(_ d: DicomItem) throws {
        let rows = 240, columns = 320
        try d.put(Tag(0x0028, 0x0301), "YES", vr: "CS")
        try image(d, rows: rows, columns: columns, samples: 3, bits: 8, photometric: "RGB")
        var pixels = [UInt8](repeating: 0, count: rows * columns * 3)
        var state = seed
        for y in 30..<rows {
            for x in 0..<columns {
                let dx = x - columns / 2, dy = y - 30
                guard dx * dx + dy * dy < 200 * 200, abs(dx) < dy + 20 else { continue }
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let v = UInt8(40 + Int(state >> 58) + max(0, 90 - abs(dy - 120)))
                pixels[(y * columns + x) * 3] = v; pixels[(y * columns + x) * 3 + 1] = v; pixels[(y * columns + x) * 3 + 2] = v
            }
        }
        let small = try GlyphFont(size: 4)
        let scale = small.scale(forCapHeight: 9)
        let name = patient.name.replacingOccurrences(of: "^", with: " ")
        let lines: [(String, Int, Int, [UInt8])] = [
            (name, 4, 12, [255, 255, 255]), ("ID \(patient.id)", 4, 25, [255, 255, 255]),
            ("\(Self.dotted(studyDate)) 10:15", 200, 12, [250, 230, 40]), (institution, 160, 25, [250, 230, 40]),
            ("L", 300, 60, [255, 255, 255]), ("12 cm", 280, 230, [180, 180, 180]),
        ]
        for (text, x, baseline, rgb) in lines {
            _ = small.draw(text, x: x, baselineY: baseline, scale: scale) { px, py in
                guard px >= 0, py >= 0, px < columns, py < rows else { return }
                pixels[(py * columns + px) * 3] = rgb[0]; pixels[(py * columns + px) * 3 + 1] = rgb[1]; pixels[(py * columns + px) * 3 + 2] = rgb[2]
            }
        }
        try d.put(.pixelData, bytes: pixels, vr: "OB")
    }

    /// Twelve frames: a sector whose bright band moves down frame by frame, under a banner that does not move.
    private func addCinePixels(_ d: DicomItem) throws {
        let rows = 192, columns = 256, frames = 12
        try d.put(Tag(0x0028, 0x0301), "YES", vr: "CS")
        try image(d, rows: rows, columns: columns, samples: 1, bits: 8, photometric: "MONOCHROME2")
        try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS")
        try d.put(Tag(0x0018, 0x1063), "40", vr: "DS") // Frame Time, ms
        try d.put(Tag(0x0028, 0x0009), "(0018,1063)", vr: "AT") // Frame Increment Pointer: Frame Time
        let font = try GlyphFont(size: 4)
        let scale = font.scale(forCapHeight: 8)
        var banner = [UInt8](repeating: 0, count: rows * columns)
        for (text, x, baseline) in [(patient.name.replacingOccurrences(of: "^", with: " "), 3, 11), ("\(Self.dotted(studyDate))", 176, 11)] {
            _ = font.draw(text, x: x, baselineY: baseline, scale: scale) { px, py in
                guard px >= 0, py >= 0, px < columns, py < rows else { return }
                banner[py * columns + px] = 235
            }
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(rows * columns * frames)
        var state = seed
        for frame in 0..<frames {
            for y in 0..<rows {
                for x in 0..<columns {
                    if banner[y * columns + x] != 0 { pixels.append(banner[y * columns + x]); continue }
                    let dx = x - columns / 2, dy = y - 20
                    guard y > 20, dx * dx + dy * dy < 165 * 165, abs(dx) < dy + 10 else { pixels.append(0); continue }
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let band = max(0, 70 - abs(dy - 20 - frame * 12) * 2)
                    pixels.append(UInt8(min(220, 30 + Int(state >> 59) + band)))
                }
            }
        }
        try d.put(.pixelData, bytes: pixels, vr: "OB")
    }

    private func image(_ d: DicomItem, rows: Int, columns: Int, samples: Int, bits: Int, photometric: String) throws {
        try d.put(Tag(0x0028, 0x0002), "\(samples)", vr: "US")
        try d.put(Tag(0x0028, 0x0004), photometric, vr: "CS")
        try d.put(Tag(0x0028, 0x0010), "\(rows)", vr: "US")
        try d.put(Tag(0x0028, 0x0011), "\(columns)", vr: "US")
        try d.put(Tag(0x0028, 0x0100), "\(bits)", vr: "US")
        try d.put(Tag(0x0028, 0x0101), "\(bits == 16 ? 12 : 8)", vr: "US")
        try d.put(Tag(0x0028, 0x0102), "\(bits == 16 ? 11 : 7)", vr: "US")
        try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
        if samples == 3 { try d.put(Tag(0x0028, 0x0006), "0", vr: "US") }
    }

    private func addReport(_ d: DicomItem) throws {
        try d.put(Tag(0x0040, 0xA040), "CONTAINER", vr: "CS")
        try d.put(Tag(0x0040, 0xA050), "SEPARATE", vr: "CS")
        try d.put(Tag(0x0040, 0xA491), "COMPLETE", vr: "CS")
        try d.put(Tag(0x0040, 0xA493), "UNVERIFIED", vr: "CS")
        let title = try d.appendItem(Tag(0x0040, 0xA043))
        try title.put(.codeValue, "18748-4", vr: "SH")
        try title.put(.codingSchemeDesignator, "LN", vr: "SH")
        try title.put(.codeMeaning, "Diagnostic imaging report", vr: "LO")
        let finding = try d.appendItem(.contentSequence)
        try finding.put(Tag(0x0040, 0xA010), "CONTAINS", vr: "CS")
        try finding.put(Tag(0x0040, 0xA040), "TEXT", vr: "CS")
        try finding.put(Tag(0x0040, 0xA160), stringBytes: encode(
            "Patient \(patient.name.replacingOccurrences(of: "^", with: " ")) (ID \(patient.id)), born \(Self.dotted(patient.birthDate)): no acute findings."),
            vr: "UT")
        let observer = try d.appendItem(.contentSequence)
        try observer.put(Tag(0x0040, 0xA010), "HAS OBS CONTEXT", vr: "CS")
        try observer.put(Tag(0x0040, 0xA040), "PNAME", vr: "CS")
        try observer.put(Tag(0x0040, 0xA123), stringBytes: encode("Kazlauskas^Jonas"), vr: "PN")
    }
}
