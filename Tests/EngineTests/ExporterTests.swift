// Tests of Exporter and ExportIndex: outputs read back with ffprobe and ffmpeg and compared with FrameRaster.
import Engine
import Foundation
import Testing

/// ffmpeg and ffprobe as a reader of what the exporter wrote.
enum ExportProbe {
    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Exporter.locateFFmpeg().replacingOccurrences(of: "/ffmpeg", with: "/" + tool))
        process.arguments = ["-v", "error"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw EngineError(.io, "\(tool) failed on an export") }
        return data
    }

    /// Width, height, (counted by decoding) frames, rate and "codec pix_fmt range" of the first video stream.
    static func stream(_ path: String) throws -> (width: Int, height: Int, frames: Int, rate: String, codec: String) {
        let text = String(decoding: try run("ffprobe", [
            "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=width,height,nb_read_frames,r_frame_rate,codec_name,pix_fmt,color_range",
            "-of", "default=noprint_wrappers=1", path,
        ]), as: UTF8.self)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return (Int(values["width"] ?? "") ?? -1, Int(values["height"] ?? "") ?? -1,
                Int(values["nb_read_frames"] ?? "") ?? -1, values["r_frame_rate"] ?? "",
                [values["codec_name"], values["pix_fmt"], values["color_range"]].map { $0 ?? "?" }.joined(separator: " "))
    }

    /// Every frame decoded again, as one buffer of `gray` or `rgb24` pixels.
    static func pixels(_ path: String, format: String) throws -> [UInt8] {
        [UInt8](try run("ffmpeg", ["-nostdin", "-i", path, "-f", "rawvideo", "-pix_fmt", format, "-"]))
    }
}

/// Helpers of these tests, in one namespace so they cannot clash with other test files.
enum ExportCheck {
    /// Mean absolute difference over a width x height window of two rasters of `channels` bytes a pixel.
    static func meanDifference(_ a: [UInt8], width aw: Int, _ b: [UInt8], width bw: Int, columns: Int, rows: Int, channels: Int = 1) -> Double {
        var sum = 0
        for y in 0..<rows {
            for x in 0..<columns * channels {
                sum += abs(Int(a[y * aw * channels + x]) - Int(b[y * bw * channels + x]))
            }
        }
        return Double(sum) / Double(columns * rows * channels)
    }

    static func mean(_ pixels: [UInt8], width: Int, in rect: PixelRect) -> Double {
        var sum = 0
        for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { sum += Int(pixels[y * width + x]) } }
        return Double(sum) / Double(rect.area)
    }

    static func rasters(_ file: DicomFile) throws -> [FrameRaster] {
        let info = try file.pixelInfo()
        let display = FrameRaster.Display(file.dataset)
        return try (0..<info.frames).map { FrameRaster(frame: try file.decodeFrame($0, info: info), info: info, display: display) }
    }

    /// Names the exporter may use for `bases`, and nothing else: no header value, no leftover temporary file.
    static func expectOnlyExportNames(in folder: String, bases: [String]) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != ExportIndex.fileName {
            let ok = bases.contains { base in
                guard name.hasPrefix(base) else { return false }
                var rest = Substring(name.dropFirst(base.count))
                if rest.hasPrefix("-") {
                    let digits = rest.dropFirst().prefix { $0.isNumber }
                    guard digits.count >= 4 else { return false }
                    rest = rest.dropFirst(1 + digits.count)
                }
                return rest == ".jpg" || rest == ".mp4"
            }
            #expect(ok, "unexpected file \(name) in the export folder")
        }
    }

    /// A 65x47, 3-frame, 12-bit MONOCHROME1 image: odd sides, a window, a Cine Rate and no Frame Time.
    /// Values grow with x, y and the frame (up to 3680); a block of zeros reads white (MONOCHROME1).
    static func writeMonochrome1(to path: String, uid: String) throws {
        let file = DicomFile.makeNew()
        let d = file.dataset
        let columns = 65, rows = 47, frames = 3
        try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.12.1", vr: "UI")
        try d.put(.sopInstanceUID, uid, vr: "UI")
        try d.put(.modality, "XA", vr: "CS")
        try d.put(Tag(0x0028, 0x0002), "1", vr: "US")
        try d.put(Tag(0x0028, 0x0004), "MONOCHROME1", vr: "CS")
        try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS")
        try d.put(Tag(0x0028, 0x0010), "\(rows)", vr: "US")
        try d.put(Tag(0x0028, 0x0011), "\(columns)", vr: "US")
        try d.put(Tag(0x0028, 0x0100), "16", vr: "US")
        try d.put(Tag(0x0028, 0x0101), "12", vr: "US")
        try d.put(Tag(0x0028, 0x0102), "11", vr: "US")
        try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
        try d.put(Tag(0x0028, 0x1050), "2048", vr: "DS")
        try d.put(Tag(0x0028, 0x1051), "4096", vr: "DS")
        try d.put(Tag(0x0018, 0x0040), "25", vr: "IS") // Cine Rate
        var pixels: [UInt8] = []
        for frame in 0..<frames {
            for y in 0..<rows {
                for x in 0..<columns {
                    let value = x >= 40 && x < 60 && y >= 4 && y < 20 ? 0 : x * 40 + y * 20 + frame * 100
                    pixels += [UInt8(value & 0xFF), UInt8(value >> 8)]
                }
            }
        }
        try d.put(.pixelData, bytes: pixels, vr: "OW")
        try file.write(to: path, transferSyntax: "1.2.840.10008.1.2.1")
    }
}

@Suite struct ExporterTests {
    @Test func ctMonochrome2IsTheWindowedImageAndTheRedactionStaysBlack() throws {
        let folder = try Fixtures.scratch()
        let file = try DicomFile.open(path: try Fixtures.pydicom("CT_small.dcm"))
        let black = PixelRect(x: 20, y: 30, width: 50, height: 24)
        _ = try PixelRedactor.redact(file, rectangles: [black])
        let base = "2.25.1001"
        let exported = try #require(try Exporter(format: .jpeg).export(file, name: base, to: folder))
        #expect(exported.files == ["\(base).jpg"])
        #expect(exported.format == .jpeg && exported.frameCount == 1)
        #expect(exported.width == 128 && exported.height == 128)
        #expect(exported.modality == "CT")

        let path = folder + "/" + exported.files[0]
        let probe = try ExportProbe.stream(path)
        #expect(probe.width == 128 && probe.height == 128 && probe.frames == 1)
        #expect(probe.codec == "mjpeg yuvj444p pc", "\(probe.codec)")
        let back = try ExportProbe.pixels(path, format: "gray")
        let raster = try ExportCheck.rasters(file)[0]
        #expect(back.count == 128 * 128)
        let difference = ExportCheck.meanDifference(back, width: 128, raster.gray.pixels, width: 128, columns: 128, rows: 128)
        #expect(difference < 1, "JPEG differs from FrameRaster by \(difference) on average")
        #expect(ExportCheck.mean(back, width: 128, in: black.inset(by: -2)) < 4, "the redacted rectangle is not black")
        #expect(ExportCheck.mean(back, width: 128, in: PixelRect(x: 40, y: 70, width: 40, height: 30)) > 40, "the image is not there")
        try ExportCheck.expectOnlyExportNames(in: folder, bases: [base])
    }

    @Test(arguments: ["examples_rgb_color.dcm", "examples_palette.dcm"])
    func colourAndPaletteAreWrittenAsRGB(name: String) throws {
        let folder = try Fixtures.scratch()
        let file = try DicomFile.open(path: try Fixtures.pydicom(name))
        let info = try file.pixelInfo()
        let base = "2.25.2002"
        let exported = try #require(try Exporter(format: .jpeg).export(file, name: base, to: folder))
        #expect(exported.files == ["\(base).jpg"])
        #expect(exported.width == info.columns && exported.height == info.rows)
        let path = folder + "/" + exported.files[0]
        let probe = try ExportProbe.stream(path)
        #expect(probe.width == info.columns && probe.height == info.rows, "\(name): \(probe)")
        let raster = try ExportCheck.rasters(file)[0]
        let rgb = try #require(raster.rgb, "\(name) renders as grey")
        let back = try ExportProbe.pixels(path, format: "rgb24")
        #expect(back.count == rgb.count)
        let difference = ExportCheck.meanDifference(back, width: info.columns, rgb, width: info.columns,
                                        columns: info.columns, rows: info.rows, channels: 3)
        #expect(difference < 2, "\(name): JPEG differs from FrameRaster RGB by \(difference) on average")
    }

    @Test func ybrCineAsJPEGPerFrameAndAsMP4() throws {
        let folder = try Fixtures.scratch()
        let file = try DicomFile.open(path: try Fixtures.pydicom("examples_ybr_color.dcm"))
        let expected = try ExportCheck.rasters(file)
        #expect(expected.count == 30)
        let base = "2.25.3003"

        var start = Date()
        let jpegs = try #require(try Exporter(format: .jpeg).export(file, name: base, to: folder))
        let jpegSeconds = Date().timeIntervalSince(start)
        #expect(jpegs.format == .jpeg && jpegs.frameCount == 30 && jpegs.framesPerFile == 1)
        #expect(jpegs.files == (1...30).map { "\(base)-\(String(format: "%04d", $0)).jpg" })
        for (index, name) in jpegs.files.enumerated() where [0, 14, 29].contains(index) {
            let probe = try ExportProbe.stream(folder + "/" + name)
            #expect(probe.width == 320 && probe.height == 240 && probe.frames == 1)
            let back = try ExportProbe.pixels(folder + "/" + name, format: "rgb24")
            let difference = ExportCheck.meanDifference(back, width: 320, expected[index].rgb ?? [], width: 320, columns: 320, rows: 240, channels: 3)
            #expect(difference < 1, "frame \(index + 1): JPEG differs by \(difference)")
        }

        start = Date()
        let video = try #require(try Exporter(format: .mp4).export(file, name: base, to: folder))
        let videoSeconds = Date().timeIntervalSince(start)
        #expect(video.files == ["\(base).mp4"] && video.format == .mp4 && video.framesPerFile == 30)
        let probe = try ExportProbe.stream(folder + "/" + video.files[0])
        #expect(probe.width == 320 && probe.height == 240 && probe.frames == 30)
        #expect(probe.rate == "30/1", "Frame Time 33.333 ms should give 30 fps, not \(probe.rate)")
        #expect(probe.codec == "h264 yuv420p tv", "\(probe.codec)")
        // Decoded to RGB as a player shows it (range and matrix from the stream's tags).
        let back = try ExportProbe.pixels(folder + "/" + video.files[0], format: "rgb24")
        #expect(back.count == 30 * 320 * 240 * 3)
        for index in [0, 14, 29] {
            let frame = Array(back[(index * 320 * 240 * 3)..<((index + 1) * 320 * 240 * 3)])
            let difference = ExportCheck.meanDifference(frame, width: 320, expected[index].rgb ?? [], width: 320, columns: 320, rows: 240, channels: 3)
            #expect(difference < 1.5, "frame \(index + 1): MP4 differs by \(difference)")
        }
        print("export 320x240 RGB x30: jpeg \(Int(jpegSeconds * 1000 / 30)) ms/frame, mp4 \(Int(videoSeconds * 1000 / 30)) ms/frame")
        try ExportCheck.expectOnlyExportNames(in: folder, bases: [base])
    }

    @Test func monochrome1IsInvertedPaddedForMP4AndRedactedBlack() throws {
        let folder = try Fixtures.scratch()
        let input = folder + "/in.dcm"
        try ExportCheck.writeMonochrome1(to: input, uid: "2.25.4004")
        let out = folder + "/out"
        let file = try DicomFile.open(path: input)
        let black = PixelRect(x: 5, y: 25, width: 20, height: 14)
        _ = try PixelRedactor.redact(file, rectangles: [black])
        let expected = try ExportCheck.rasters(file)
        let white = PixelRect(x: 42, y: 6, width: 16, height: 12) // stored zeros

        let jpegs = try #require(try Exporter(format: .jpeg).export(file, name: "2.25.4004", to: out))
        #expect(jpegs.files.count == 3 && jpegs.width == 65 && jpegs.height == 47)
        for (index, name) in jpegs.files.enumerated() {
            let probe = try ExportProbe.stream(out + "/" + name)
            #expect(probe.width == 65 && probe.height == 47, "a JPEG keeps odd sides: \(probe)")
            let back = try ExportProbe.pixels(out + "/" + name, format: "gray")
            let difference = ExportCheck.meanDifference(back, width: 65, expected[index].gray.pixels, width: 65, columns: 65, rows: 47)
            #expect(difference < 1.5, "frame \(index + 1): JPEG differs by \(difference)")
            #expect(ExportCheck.mean(back, width: 65, in: black.inset(by: -2)) < 4, "frame \(index + 1): redaction is not black")
            #expect(ExportCheck.mean(back, width: 65, in: white.inset(by: -2)) > 240, "frame \(index + 1): MONOCHROME1 zeros are not white")
        }

        let video = try #require(try Exporter(format: .mp4).export(file, name: "2.25.4004", to: out))
        #expect(video.width == 66 && video.height == 48, "padded to even sides")
        let probe = try ExportProbe.stream(out + "/" + video.files[0])
        #expect(probe.width == 66 && probe.height == 48 && probe.frames == 3)
        #expect(probe.rate == "25/1", "Cine Rate 25 should give 25 fps, not \(probe.rate)")
        // Decoded to RGB as a player shows it; grey in, so the red channel is the grey level.
        let rgb = try ExportProbe.pixels(out + "/" + video.files[0], format: "rgb24")
        #expect(rgb.count == 3 * 66 * 48 * 3)
        let back = stride(from: 0, to: rgb.count, by: 3).map { rgb[$0] }
        for index in 0..<3 {
            let frame = Array(back[(index * 66 * 48)..<((index + 1) * 66 * 48)])
            let difference = ExportCheck.meanDifference(frame, width: 66, expected[index].gray.pixels, width: 65, columns: 65, rows: 47)
            #expect(difference < 2.5, "frame \(index + 1): MP4 differs by \(difference)")
            #expect(ExportCheck.mean(frame, width: 66, in: black.inset(by: -3)) < 8, "frame \(index + 1): redaction is not black in the MP4")
            #expect(ExportCheck.mean(frame, width: 66, in: PixelRect(x: 65, y: 0, width: 1, height: 48)) < 3, "padding is not black")
            #expect(ExportCheck.mean(frame, width: 66, in: PixelRect(x: 0, y: 47, width: 66, height: 1)) < 3, "padding is not black")
        }
        // bitexact: the same pixels give the same bytes, so reruns and resumed runs agree.
        let again = try #require(try Exporter(format: .mp4).export(file, name: "2.25.4004", to: folder + "/again"))
        #expect(FileManager.default.contentsEqual(atPath: out + "/" + video.files[0], andPath: folder + "/again/" + again.files[0]))
        try FileManager.default.removeItem(atPath: input)
        try ExportCheck.expectOnlyExportNames(in: out, bases: ["2.25.4004"])
    }

    @Test func singleFrameAskedAsMP4IsOneJPEG() throws {
        let folder = try Fixtures.scratch()
        let file = try DicomFile.open(path: try Fixtures.pydicom("CT_small.dcm"))
        let exported = try #require(try Exporter(format: .mp4).export(file, name: "2.25.5005", to: folder))
        #expect(exported.files == ["2.25.5005.jpg"] && exported.format == .jpeg && exported.frameCount == 1)
        #expect(try ExportProbe.stream(folder + "/2.25.5005.jpg").frames == 1)
    }

    @Test func anInstanceWithoutPixelsExportsNothing() throws {
        let folder = try Fixtures.scratch()
        let path = folder + "/report.dcm"
        try SampleStudy(patient: .plain, seed: 5).write(.report, series: 3, instance: 1, to: path)
        #expect(try Exporter(format: .jpeg).export(try DicomFile.open(path: path), name: "2.25.6006", to: folder + "/out") == nil)
    }

    @Test(arguments: ["", "../x", "a/b", ".hidden", "-y", "with space", "Ž1", "x%d"])
    func namesThatAreNotPlainIdentifiersAreRefused(name: String) throws {
        let folder = try Fixtures.scratch()
        let file = try DicomFile.open(path: try Fixtures.pydicom("CT_small.dcm"))
        #expect { try Exporter(format: .jpeg).export(file, name: name, to: folder) } throws: { error in
            (error as? EngineError)?.code == .usage
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func missingFFmpegSaysHowToInstallIt() throws {
        #expect { try Exporter.locateFFmpeg(searchPath: "/nonexistent:/also/not") } throws: { error in
            let e = error as? EngineError
            return e?.code == .unsupported && e?.message == "ffmpeg is missing (apt-get install ffmpeg)"
        }
    }

    /// A stand-in ffmpeg that names its output in its complaint and exits without reading: the
    /// error is one line without the path, and nothing is left in the folder.
    @Test func ffmpegFailureIsOneLineWithoutPathsAndLeavesNothing() throws {
        let folder = try Fixtures.scratch()
        let fake = folder + "/fake-ffmpeg"
        try "#!/bin/sh\neval last=\\${$#}\necho \"$last: Permission denied\" >&2\necho \"Conversion failed!\" >&2\nexit 3\n"
            .write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let out = folder + "/out-LT-483920" // a folder name that carries an identifier
        let file = try DicomFile.open(path: try Fixtures.pydicom("examples_ybr_color.dcm"))
        for format in ExportFormat.allCases {
            var message = ""
            #expect { try Exporter(format: format, ffmpeg: fake).export(file, name: "2.25.7007", to: out) } throws: { error in
                message = (error as? EngineError)?.message ?? ""
                return (error as? EngineError)?.code == .write
            }
            #expect(message == "ffmpeg failed (exit 3): <output>: Permission denied; Conversion failed!", "\(message)")
            #expect(message.contains("Conversion failed!") && !message.contains("\n"), "\(message)")
            #expect(!message.contains("LT-483920") && !message.contains(folder), "\(message)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty, "\(format): files left behind")
        }
    }

    /// The batch's path: de-identify (new UIDs), export from several threads, one index.
    @Test func indexRowsComeFromTheDeidentifiedDatasets() throws {
        let folder = try Fixtures.scratch()
        let processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key))
        let names = ["CT_small.dcm", "examples_rgb_color.dcm", "examples_palette.dcm", "examples_ybr_color.dcm"]
        let index = try ExportIndex(folder: folder)
        let originals = try names.map { try DicomFile.open(path: try Fixtures.pydicom($0)).dataset.string(.sopInstanceUID) ?? "" }
        let results = ExportResults()
        DispatchQueue.concurrentPerform(iterations: names.count) { i in
            do {
                let result = try processor.deidentify(path: try Fixtures.pydicom(names[i]), rectangles: [PixelRect(x: 0, y: 0, width: 8, height: 8)])
                let uid = DicomText.trimmed(result.file.dataset.string(.sopInstanceUID) ?? "")
                let format: ExportFormat = [.mp4, .jpeg, .jpeg, .mp4][i]
                if let exported = try Exporter(format: format).export(result.file, name: uid, to: folder) {
                    index.add(exported)
                    results.append(uid, exported)
                }
            } catch {
                results.fail("\(names[i]): \(error)")
            }
        }
        #expect(results.failures.isEmpty, "\(results.failures)")
        try index.write()

        let text = try String(contentsOfFile: folder + "/" + ExportIndex.fileName, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "file,sop_instance_uid,frame_count,width,height,modality,format")
        // CT_small asked as mp4 is one jpeg (single frame), rgb and palette one jpeg each, ybr one mp4.
        #expect(lines.count == 1 + 4)
        #expect(lines.dropFirst() == lines.dropFirst().sorted()[...], "rows are sorted by file")
        for (uid, exported) in results.exported {
            #expect(uid.hasPrefix("2.25."))
            for name in exported.files {
                let row = "\(name),\(uid),\(exported.framesPerFile),\(exported.width),\(exported.height),\(exported.modality),\(exported.format.rawValue)"
                #expect(lines.contains(row), "missing row \(row)")
            }
        }
        #expect(lines.filter { $0.hasSuffix(",30,320,240,US,mp4") }.count == 1, "the ybr cine is one mp4 row")
        #expect(lines.filter { $0.hasSuffix(",1,128,128,CT,jpeg") }.count == 1, "CT_small is one jpeg row")
        for original in originals where !original.isEmpty { #expect(!text.contains(original), "an original UID is in the index") }
        try ExportCheck.expectOnlyExportNames(in: folder, bases: results.exported.map(\.0))
    }

    @Test func indexQuotesPerRFC4180AndKeepsEarlierRowsOnReopen() throws {
        let folder = try Fixtures.scratch()
        let first = try ExportIndex(folder: folder)
        let odd = ExportedImage(files: ["a.mp4"], format: .mp4, frameCount: 12, width: 66, height: 48,
                                sopInstanceUID: "2.25.1", modality: "O\"T,\nX")
        first.add(odd)
        first.add(ExportedImage(files: ["b-0001.jpg", "b-0002.jpg"], format: .jpeg, frameCount: 2, width: 5, height: 3,
                                sopInstanceUID: "2.25.2", modality: "MR"), subfolder: "sub")
        try first.write()
        let text = try String(contentsOfFile: folder + "/index.csv", encoding: .utf8)
        #expect(text == "file,sop_instance_uid,frame_count,width,height,modality,format\r\n"
            + "a.mp4,2.25.1,12,66,48,\"O\"\"T,\nX\",mp4\r\n"
            + "sub/b-0001.jpg,2.25.2,1,5,3,MR,jpeg\r\n"
            + "sub/b-0002.jpg,2.25.2,1,5,3,MR,jpeg\r\n")

        // A resumed run: earlier rows stay, a file written again replaces its row.
        let second = try ExportIndex(folder: folder)
        #expect(second.count == 3)
        second.add(ExportedImage(files: ["a.mp4"], format: .mp4, frameCount: 12, width: 66, height: 48,
                                 sopInstanceUID: "2.25.1", modality: "OT"))
        second.add(ExportedImage(files: ["c.jpg"], format: .jpeg, frameCount: 1, width: 1, height: 1,
                                 sopInstanceUID: "2.25.3", modality: "CT"))
        try second.write()
        let again = try String(contentsOfFile: folder + "/index.csv", encoding: .utf8)
        #expect(again.components(separatedBy: "\r\n").filter { !$0.isEmpty } == [
            "file,sop_instance_uid,frame_count,width,height,modality,format",
            "a.mp4,2.25.1,12,66,48,OT,mp4", "c.jpg,2.25.3,1,1,1,CT,jpeg",
            "sub/b-0001.jpg,2.25.2,1,5,3,MR,jpeg", "sub/b-0002.jpg,2.25.2,1,5,3,MR,jpeg",
        ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["index.csv"], "no temporary file left")
    }
}

/// Results gathered from concurrentPerform's threads.
final class ExportResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var exported: [(String, ExportedImage)] = []
    private(set) var failures: [String] = []
    func append(_ uid: String, _ image: ExportedImage) { lock.lock(); exported.append((uid, image)); lock.unlock() }
    func fail(_ text: String) { lock.lock(); failures.append(text); lock.unlock() }
}

// BENCH-TEMP
@Test func benchTemp() throws {
    let folder = try Fixtures.scratch()
    let file = DicomFile.makeNew()
    let d = file.dataset
    let n = 512, frames = 60
    try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.12.1", vr: "UI")
    try d.put(.sopInstanceUID, "2.25.9", vr: "UI")
    try d.put(.modality, "XA", vr: "CS")
    try d.put(Tag(0x0028, 0x0002), "1", vr: "US")
    try d.put(Tag(0x0028, 0x0004), "MONOCHROME2", vr: "CS")
    try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS")
    try d.put(Tag(0x0028, 0x0010), "\(n)", vr: "US")
    try d.put(Tag(0x0028, 0x0011), "\(n)", vr: "US")
    try d.put(Tag(0x0028, 0x0100), "16", vr: "US")
    try d.put(Tag(0x0028, 0x0101), "12", vr: "US")
    try d.put(Tag(0x0028, 0x0102), "11", vr: "US")
    try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
    try d.put(Tag(0x0028, 0x1050), "2048", vr: "DS")
    try d.put(Tag(0x0028, 0x1051), "4096", vr: "DS")
    var pixels = [UInt8](); pixels.reserveCapacity(n * n * frames * 2)
    var state: UInt64 = 1
    for f in 0..<frames { for y in 0..<n { for x in 0..<n {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let dx = x - n / 2 + f, dy = y - n / 2
        let v = (dx * dx + dy * dy < 40000 ? 2500 : 400) + Int(state >> 57)
        pixels += [UInt8(v & 0xFF), UInt8(v >> 8)] } } }
    try d.put(.pixelData, bytes: pixels, vr: "OW")
    try file.write(to: folder + "/in.dcm", transferSyntax: "1.2.840.10008.1.2.1")
    let f2 = try DicomFile.open(path: folder + "/in.dcm")
    let info = try f2.pixelInfo()
    var t = Date()
    for i in 0..<frames { _ = FrameRaster(frame: try f2.decodeFrame(i, info: info), info: info, display: .init(f2.dataset)) }
    let render = Date().timeIntervalSince(t)
    t = Date(); _ = try Exporter(format: .jpeg).export(f2, name: "2.25.9", to: folder + "/j")
    let jpeg = Date().timeIntervalSince(t)
    t = Date(); _ = try Exporter(format: .mp4).export(f2, name: "2.25.9", to: folder + "/m")
    let mp4 = Date().timeIntervalSince(t)
    t = Date(); let ct = try DicomFile.open(path: try Fixtures.pydicom("CT_small.dcm"))
    for i in 0..<20 { _ = try Exporter(format: .jpeg).export(ct, name: "2.25.1\(i)", to: folder + "/c") }
    let single = Date().timeIntervalSince(t)
    print("BENCH 512x512x60 16-bit: render \(Int(render * 1000 / 60)) ms/frame, jpeg \(Int(jpeg * 1000 / 60)) ms/frame, mp4 \(Int(mp4 * 1000 / 60)) ms/frame; CT_small single jpeg \(Int(single * 1000 / 20)) ms/file")
    let sizes = try ["j", "m"].map { sub in try FileManager.default.contentsOfDirectory(atPath: folder + "/" + sub).reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + sub + "/" + $1)[.size] as? Int) ?? 0) } }
    print("BENCH sizes jpeg total \(sizes[0] / 1024) KiB, mp4 \(sizes[1] / 1024) KiB")
}
