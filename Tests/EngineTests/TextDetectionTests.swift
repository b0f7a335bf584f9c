// Measures detection on the generated corpus: identifying tokens whose every glyph pixel is covered, and over-redaction.
import Engine
import Foundation
import Testing

struct CorpusScore {
    var tokens = 0
    var covered = 0
    var missed: [String] = []
    var overRedaction: [Double] = []

    var recall: Double { tokens == 0 ? 0 : Double(covered) / Double(tokens) }
    var medianOverRedaction: Double {
        let sorted = overRedaction.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

func score(_ images: [CorpusImage]) throws -> CorpusScore {
    var result = CorpusScore()
    for image in images {
        let file = try DicomFile.open(path: image.path)
        let identifiers = PatientIdentifiers(collecting: file.dataset, charset: "ISO_IR 192")
        let proposals = try PixelProposer().propose(file, identifiers: identifiers)
        let rects = proposals.map(\.rect)
        if let debug = ProcessInfo.processInfo.environment["DCMSCRUB_CORPUS_DEBUG"] {
            try writeDebugPicture(file, proposals: proposals, to: debug + "/" + image.name + ".ppm")
        }
        var textArea = Set<Int>()
        for token in image.tokens {
            if let b = token.ink.bounds?.inset(by: 3).clipped(columns: image.columns, rows: image.rows) {
                for y in b.y..<b.maxY { for x in b.x..<b.maxX { textArea.insert(y * image.columns + x) } }
            }
            guard token.identifying else { continue }
            result.tokens += 1
            let visible = token.ink.points.filter { $0.x >= 0 && $0.y >= 0 && $0.x < image.columns && $0.y < image.rows }
            if visible.allSatisfy({ p in rects.contains { $0.contains(x: p.x, y: p.y) } }) {
                result.covered += 1
            } else {
                let inside = visible.filter { p in rects.contains { $0.contains(x: p.x, y: p.y) } }.count
                result.missed.append("\(image.name): \(token.text) (\(inside)/\(visible.count) pixels covered)")
            }
        }
        var outside = 0
        var redacted = Set<Int>()
        for r in rects { for y in r.y..<r.maxY { for x in r.x..<r.maxX { redacted.insert(y * image.columns + x) } } }
        outside = redacted.subtracting(textArea).count
        result.overRedaction.append(Double(outside) / Double(image.columns * image.rows))
    }
    return result
}

@Test func burnedInIdentifiersAreFoundOnTheGeneratedCorpus() throws {
    let folder = try Fixtures.scratch()
    // 16 images in CI; DCMSCRUB_CORPUS_SIZE=200 (1,000 identifying tokens) for the measurement.
    let count = ProcessInfo.processInfo.environment["DCMSCRUB_CORPUS_SIZE"].flatMap(Int.init) ?? 16
    let images = try TextCorpus.generate(count: count, into: folder)
    let result = try score(images)
    print("corpus: \(result.covered)/\(result.tokens) identifying tokens covered (\(String(format: "%.2f", result.recall * 100))%), median over-redaction \(String(format: "%.3f", result.medianOverRedaction * 100))% of the image; missed: \(result.missed)")
    #expect(result.tokens == count * 5)
    #expect(result.recall >= 0.95)
}

@Test func aNameShownInSomeMiddleFramesOfACineIsDetectedAndTheOutputPassesTheCheck() throws {
    let folder = try Fixtures.scratch()
    var patient = SamplePatient.plain
    (patient.name, patient.id, patient.birthDate) = ("KOWALSKI^JAN", "PL-55012", "19551111")
    // Neither in the still overlay (the pixels change) nor in the first or last frame.
    for (name, frames) in [("one", 4...4), ("several", 2...5)] {
        let path = folder + "/\(name).dcm"
        try PlantedLeaks.cine(patient: patient, frames: 6, nameInFrame: nil, nameInFrames: frames, to: path)
        let words = try TextDetector().detect(DicomFile.open(path: path))
        #expect(words.contains { TextMatcher.fold($0.text).contains("kowalski") }, "\(name): \(words.map(\.rect))")
        let output = try PlantedLeaks.deidentify(path, into: folder + "/out-\(name)", options: [])
        let verifier = try PlantedLeaks.verifier(options: [], pixels: .ocr)
        let result = try verifier.verify(output: output.path, name: output.name, source: output.source, redactions: output.redactions)
        #expect(result.findings.isEmpty, "\(name): \(result.findings.map(\.summary))")
    }
}

/// The first frame in grey with proposals outlined in red, as a PPM, for a person to look at.
func writeDebugPicture(_ file: DicomFile, proposals: [Proposal], to path: String) throws {
    let info = try file.pixelInfo()
    let raster = FrameRaster(frame: try file.decodeFrame(0, info: info), info: info, display: .init(file.dataset))
    var rgb = raster.gray.pixels.flatMap { [$0, $0, $0] }
    for p in proposals {
        let r = p.rect
        for x in r.x..<r.maxX { for y in [r.y, r.maxY - 1] where y >= 0 && y < info.rows && x >= 0 && x < info.columns { rgb[(y * info.columns + x) * 3] = 255; rgb[(y * info.columns + x) * 3 + 1] = 0 } }
        for y in r.y..<r.maxY { for x in [r.x, r.maxX - 1] where y >= 0 && y < info.rows && x >= 0 && x < info.columns { rgb[(y * info.columns + x) * 3] = 255; rgb[(y * info.columns + x) * 3 + 1] = 0 } }
    }
    var data = Data("P6 \(info.columns) \(info.rows) 255\n".utf8)
    data.append(contentsOf: rgb)
    try data.write(to: URL(fileURLWithPath: path))
}
