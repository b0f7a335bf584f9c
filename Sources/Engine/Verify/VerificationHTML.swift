// VerificationHTML: the QA officer's archivable report: totals, device groups, findings with before and after thumbnails.
import Foundation

public enum VerificationHTML {
    /// Writes `DIR/index.html` and one PNG pair per pixel finding (folder 0700, files 0600: the
    /// thumbnails show what the source's pixels showed).
    public static func write(_ report: VerificationReport, outputFolder: String, to folder: String) throws {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw EngineError(.write, "cannot create the HTML report folder (errno \(errno))")
        }
        chmod(folder, 0o700)
        var html = head(report)
        html += groupsTable(report)
        var imageNumber = 0
        for output in report.outputs.sorted(by: { ($0.positionName, $0.position) < ($1.positionName, $1.position) })
        where !output.findings.isEmpty {
            html += "<h3>\(escape(output.label)) <small>\(escape(output.device?.label ?? ""))</small></h3>\n"
            html += "<p class=path>output \(escape(output.output))\(output.source.map { "<br>source " + escape($0) } ?? "")</p>\n"
            html += "<table><tr><th>where</th><th>what</th><th>value (confidential)</th><th>before</th><th>after</th></tr>\n"
            for finding in output.findings {
                var before = "", after = ""
                if let thumbnails = try? thumbnails(for: finding, output: outputFolder + "/" + output.output, source: output.source) {
                    imageNumber += 1
                    for (name, bytes, cell) in [("before", thumbnails.before, 0), ("after", thumbnails.after, 1)] {
                        guard let bytes else { continue }
                        let file = "finding-\(imageNumber)-\(name).png"
                        try AtomicFile.write(Data(bytes), to: folder + "/" + file, mode: 0o600)
                        let tag = "<img src=\"\(file)\" alt=\"\(name)\">"
                        if cell == 0 { before = tag } else { after = tag }
                    }
                }
                let what = finding.kind.rawValue + (finding.valueKind.map { " (\($0.rawValue)" + (finding.sourceTag.map { " from " + $0 } ?? "") + ")" } ?? "")
                html += "<tr><td>\(escape(finding.location))</td><td>\(escape(what))</td><td class=value>\(escape(finding.value ?? ""))</td>"
                html += "<td>\(before)</td><td>\(after)</td></tr>\n"
            }
            html += "</table>\n"
        }
        if report.findings == 0 { html += "<p class=ok>Nothing identifying was found in any output.</p>\n" }
        html += "</body></html>\n"
        try AtomicFile.write(Data(html.utf8), to: folder + "/index.html", mode: 0o600)
    }

    static func head(_ report: VerificationReport) -> String {
        let verdict = report.passed ? "PASSED: nothing identifying found" : "FAILED: \(report.findings) findings in \(report.outputsWithFindings) outputs"
        let kinds = report.findingsByKind.sorted { $0.key < $1.key }.map { "<li>\(escape($0.key)): \($0.value)</li>" }.joined()
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>dcmscrub verify: CONFIDENTIAL</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:4px;vertical-align:top}
            .banner{background:#b00;color:#fff;padding:8px;font-weight:bold}.value{font-family:monospace;color:#b00}.path{font-family:monospace;font-size:small}
            .ok{color:#070;font-weight:bold}img{image-rendering:pixelated;max-width:320px}</style></head><body>
            <p class=banner>\(escape(VerificationReport.notice))</p>
            <h1>Quality check of de-identified DICOM</h1>
            <p><b>\(escape(verdict))</b></p>
            <ul><li>outputs checked: \(report.outputsChecked)</li><li>with findings: \(report.outputsWithFindings)</li>
            <li>pairing: \(escape(report.pairing.rawValue))</li><li>profile options: \(escape(report.options.isEmpty ? "none (Basic Profile)" : report.options.joined(separator: ", ")))</li>
            <li>pixels: \(report.pixels == .ocr ? "read by OCR (stricter than detection) and compared with the source" : "not read by OCR; structure only")</li>
            <li>looked at: \(report.lookedAt["elements"] ?? 0) elements, \(report.lookedAt["bytes"] ?? 0) bytes, \(report.lookedAt["frames"] ?? 0) frames, \(report.lookedAt["words"] ?? 0) words read</li>
            <li>sources that could not be read: \(report.unreadableSources.count)</li><li>seconds: \(report.seconds)</li><li>dcmscrub \(escape(report.version))</li></ul>
            \(kinds.isEmpty ? "" : "<p>findings by kind:</p><ul>\(kinds)</ul>")

            """
    }

    static func groupsTable(_ report: VerificationReport) -> String {
        var html = "<h2>Device groups (Manufacturer / Model / Rows x Columns)</h2>\n"
        html += "<table><tr><th>group</th><th>outputs</th><th>with findings</th><th>findings</th></tr>\n"
        for group in report.groups {
            html += "<tr><td>\(escape(group.label))</td><td>\(group.outputs)</td><td>\(group.withFindings)</td><td>\(group.findings)</td></tr>\n"
        }
        return html + "</table>\n<h2>Findings</h2>\n"
    }

    /// Crops of the flagged region (with a margin) from the source's and the output's frame; for an
    /// overlay, the plane's own bits after. A large file's frame is read from it, not the file whole.
    static func thumbnails(for finding: VerificationFinding, output: String, source: String?) throws -> (before: [UInt8]?, after: [UInt8]?)? {
        guard let region = finding.region else { return nil }
        let margin = max(8, region.height)
        let box = region.inset(by: margin)
        if finding.kind == .overlay {
            let file = try DicomFile.open(path: output, loadsAllValues: false)
            return (try source.flatMap { try crop(DicomFile.open(path: $0, loadsAllValues: false), frame: 1, box: box) }, try overlayImage(file, location: finding.location))
        }
        let frame = finding.frame ?? 1
        let after = try crop(DicomFile.open(path: output, loadsAllValues: false), frame: frame, box: box)
        let before = try source.flatMap { try crop(DicomFile.open(path: $0, loadsAllValues: false), frame: frame, box: box) }
        return (before, after)
    }

    static func crop(_ file: DicomFile, frame: Int, box: PixelRect) throws -> [UInt8]? {
        guard file.dataset.index(of: .pixelData) != nil else { return nil }
        let info = try file.pixelInfo()
        guard frame >= 1, frame <= info.frames else { return nil }
        let raster = FrameRaster(frame: try file.decodeFrame(frame - 1, info: info), info: info, display: .init(file.dataset))
        let clipped = box.clipped(columns: raster.width, rows: raster.height)
        guard !clipped.isEmpty else { return nil }
        let scale = max(1, min(4, 96 / max(1, clipped.height)))
        guard let rgb = raster.rgb else { return try PNGImage.encode(raster.gray.cropped(to: clipped).scaled(by: scale)) }
        var out: [UInt8] = []
        let (w, h) = (clipped.width * scale, clipped.height * scale)
        out.reserveCapacity(w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let i = ((clipped.y + y / scale) * raster.width + clipped.x + x / scale) * 3
                out += [rgb[i], rgb[i + 1], rgb[i + 2]]
            }
        }
        return try PNGImage.encode(rgb: out, width: w, height: h)
    }

    /// The bits of the overlay plane named by a finding's location "(60xx,3000)", white on black.
    static func overlayImage(_ file: DicomFile, location: String) throws -> [UInt8]? {
        guard let tag = Tag(parsing: location.suffix(11)) else { return nil }
        let dataset = file.dataset
        guard let index = dataset.index(of: tag), let bits = dataset.bytes(at: index),
              let region = Verifier.overlayRegion(dataset, group: tag.group), region.area > 0 else { return nil }
        var image = GrayImage(width: region.width, height: region.height)
        for i in 0..<min(region.area, bits.count * 8) where bits[i / 8] & (1 << (i % 8)) != 0 { image.pixels[i] = 255 }
        return try PNGImage.encode(image)
    }

    /// Text for HTML: markup escaped, and control characters from a file never reach the page.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
