// End-to-end tests of `dcmscrub run`: exit codes, messages, SIGKILL at random moments, dciodvfy on outputs.
import Engine
import Foundation
import Testing

@Test func runPrintsOneSummaryLineAndExitsZero() throws {
    let folder = try Executable.scratch()
    _ = try SampleStudy(patient: .lithuanian, seed: 31).writeStudy(into: folder + "/in", slices: 2)
    let result = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", folder + "/out", "--key", folder + "/k"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("4 inputs: 4 delivered, 0 quarantined"))
    for secret in ["LT-483920", "ŽEMAITIENĖ", folder] { #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret + "/in")) }
    // A truncated file: the quarantine line names the input by position and carries no identifier.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/in/ct-1.dcm"))
    try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: folder + "/in/ct-1.dcm"))
    let again = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", folder + "/out2", "--key", folder + "/k"])
    #expect(again.status == 0)
    #expect(again.stderr.contains("input 1: quarantined (malformed): truncated or malformed DICOM"))
    #expect(again.stderr.split(separator: "\n").count == 1)
}

@Test func usageAndMissingSourcesExitTwoWithOneLine() throws {
    let folder = try Executable.scratch()
    let missing = try Executable.run(Executable.dcmscrub, ["run", folder + "/nothing-here", "--out", folder + "/out"])
    #expect(missing.status == 2)
    #expect(missing.stderr == "dcmscrub: source 1 does not exist\n")
    let noOut = try Executable.run(Executable.dcmscrub, ["run", folder])
    #expect(noOut.status != 0)
}

/// Kills `run` with SIGKILL at seeded random moments, then lets it finish: the result must equal an
/// uninterrupted run's, with no partial or temporary file left and nothing delivered twice.
@Test func aKilledRunResumesToTheSameOutputs() throws {
    let folder = try Executable.scratch()
    for seed in 1...8 {
        let patient = [SamplePatient.lithuanian, .german, .plain][Int(seed) % 3]
        _ = try SampleStudy(patient: patient, seed: UInt64(seed) + 40).writeStudy(into: folder + "/in/s\(seed)", slices: 6)
    }
    for name in ["CT_small.dcm", "JPEG-lossy.dcm", "examples_ybr_color.dcm", "MR_truncated.dcm"] {
        try FileManager.default.copyItem(atPath: Executable.pydicomFolder + "/" + name, toPath: folder + "/in/" + name)
    }
    let arguments = ["run", folder + "/in", "--key", folder + "/key", "--pixels", "off", "--jobs", "2"]
    let clean = try Executable.run(Executable.dcmscrub, arguments + ["--out", folder + "/clean"])
    #expect(clean.status == 0)

    var generator = SeededGenerator(seed: 20261123)
    var kills = 0
    for _ in 0..<6 {
        let (process, _, _) = try Executable.start(Executable.dcmscrub, arguments + ["--out", folder + "/killed"])
        usleep(UInt32.random(in: 20_000...250_000, using: &generator))
        if process.isRunning { kill(process.processIdentifier, SIGKILL); kills += 1 }
        process.waitUntilExit()
    }
    let finish = try Executable.run(Executable.dcmscrub, arguments + ["--out", folder + "/killed"])
    #expect(finish.status == 0)
    #expect(kills > 0)
    let expected = Executable.tree(folder + "/clean").filter { !$0.key.hasPrefix(".") && $0.key != "report.json" }
    let actual = Executable.tree(folder + "/killed")
    #expect(!actual.keys.contains { ($0 as NSString).lastPathComponent.hasPrefix(".") && $0.hasSuffix(".tmp") })
    #expect(actual.filter { !$0.key.hasPrefix(".") && $0.key != "report.json" } == expected)
    #expect(expected.count == 8 * 8 + 3)
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 33)
    }
}

/// dciodvfy (dicom3tools) must find no error in an output that it did not find in its input.
@Test func outputsGainNoDciodvfyError() throws {
    let folder = try Executable.scratch()
    let inputs = folder + "/in"
    _ = try SampleStudy(patient: .german, seed: 51).writeStudy(into: inputs + "/sample", slices: 1)
    let real = ["CT_small.dcm", "MR_small.dcm", "JPEG-lossy.dcm", "examples_ybr_color.dcm", "examples_palette.dcm",
                "examples_rgb_color.dcm", "test-SR.dcm", "reportsi.dcm", "waveform_ecg.dcm", "rtplan.dcm",
                "rtstruct.dcm", "rtdose.dcm", "liver_1frame.dcm", "SC_rgb_rle.dcm", "image_dfl.dcm"]
    for name in real { try FileManager.default.copyItem(atPath: Executable.pydicomFolder + "/" + name, toPath: inputs + "/" + name) }
    for options in [[String](), ["--option", "clean-descriptors", "--option", "retain-long-modified-dates", "--option", "retain-safe-private"]] {
        let out = folder + "/out\(options.count)"
        let result = try Executable.run(Executable.dcmscrub, ["run", inputs, "--out", out, "--pixels", "off"] + options)
        #expect(result.status == 0)
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
        let sources = Executable.tree(inputs).keys.sorted().map { inputs + "/" + $0 }
        #expect(report.delivered == sources.count, "quarantined: \(report.instances.filter { $0.state == .quarantined }.map { "\($0.input) \($0.code ?? "") \($0.reason ?? "")" })")
        try expectNoGainedDciodvfyError(report, out: out, sources: sources)
    }
}

/// The same over pydicom's whole folder as one batch: of its 176 files, those delivered (the
/// others are no DICOM, damaged, need pixel review, or share a SOP Instance UID with an earlier one).
@Test func noOutputOfPydicomsWholeFolderGainsADciodvfyError() throws {
    let folder = try Executable.scratch()
    let sources = Executable.tree(Executable.pydicomFolder).keys.sorted().map { Executable.pydicomFolder + "/" + $0 }
    for options in [[String](), ["--option", "clean-descriptors", "--option", "retain-long-modified-dates", "--option", "retain-safe-private"]] {
        let out = folder + "/out\(options.count)"
        let result = try Executable.run(Executable.dcmscrub, ["run", Executable.pydicomFolder, "--out", out, "--pixels", "off"] + options)
        #expect(result.status == 0)
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
        #expect(report.instances.count == sources.count)
        #expect(report.delivered > sources.count / 2, "\(report.delivered) of \(sources.count) delivered")
        try expectNoGainedDciodvfyError(report, out: out, sources: sources)
    }
}

/// No delivered output of `report` has a dciodvfy error that its source (by input position) has not.
func expectNoGainedDciodvfyError(_ report: RunReport, out: String, sources: [String],
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    for instance in report.instances {
        guard let output = instance.output else { continue }
        let source = sources[instance.input - 1]
        let gained = try errors(out + "/" + output).subtracting(errors(source))
        #expect(gained.isEmpty, "\((source as NSString).lastPathComponent): \(gained)", sourceLocation: sourceLocation)
    }
}

/// dciodvfy's error lines with values and UIDs blanked, so that a replaced value is not a new error.
func errors(_ path: String) throws -> Set<String> {
    let result = try Executable.run("/usr/bin/dciodvfy", [path])
    let lines = (result.stdout + result.stderr).split(separator: "\n").filter { $0.hasPrefix("Error") }
    return Set(lines.map { line in
        line.replacingOccurrences(of: "<[^>]*>", with: "<>", options: .regularExpression)
            .replacingOccurrences(of: "[0-9][0-9.]*", with: "#", options: .regularExpression)
    })
}

/// `--export jpeg` writes one JPEG per image frame next to the DICOM outputs, indexed by new UIDs only.
@Test func exportWritesJPEGsWithAnIndex() throws {
    let folder = try Executable.scratch()
    _ = try SampleStudy(patient: .lithuanian, seed: 61).writeStudy(into: folder + "/in", slices: 2)
    let result = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", folder + "/out", "--export", "jpeg"])
    #expect(result.status == 0)
    let index = try String(contentsOfFile: folder + "/out/export/index.csv", encoding: .utf8)
    let rows = index.split(whereSeparator: \.isNewline).dropFirst() // RFC 4180 lines end in CRLF
    #expect(rows.count == 3) // two CT slices and the ultrasound; the report has no pixels
    for row in rows {
        let file = String(row.split(separator: ",")[0])
        #expect(FileManager.default.fileExists(atPath: folder + "/out/export/" + file))
        #expect(file.hasPrefix("2.25.") && file.hasSuffix(".jpg"))
    }
    #expect(!index.contains("LT-483920") && !index.contains("1.2.826.0.1.3680043.10.1455"))
}

/// Every file of pydicom's test set, pixels cleaned, through the real binary: the run exits 0, each
/// input ends delivered or quarantined with a one-line reason, and every output opens and decodes.
/// (Two JPEG-LS colour files crashed stop 16's binary here.)
@Test func thePydicomTestSetRunsToTheEndWithPixelsCleaned() throws {
    let folder = try Executable.scratch()
    let out = folder + "/out"
    let result = try Executable.run(Executable.dcmscrub, ["run", Executable.pydicomFolder, "--out", out, "--jobs", "2"])
    #expect(result.status == 0, "\(result.stderr.suffix(2000))")
    let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
    #expect(report.inputs > 100 && report.delivered + report.quarantined == report.inputs)
    #expect(report.delivered > 100)
    for instance in report.instances {
        if instance.state == .quarantined {
            #expect(!(instance.reason ?? "").isEmpty && !(instance.reason ?? "").contains("\n"), "input \(instance.input)")
            continue
        }
        let output = try DicomFile.open(path: out + "/" + (instance.output ?? ""))
        if output.dataset.index(of: .pixelData) != nil {
            let info = try output.pixelInfo()
            #expect(try output.decodeFrame(0, info: info).samples.count > 0, "input \(instance.input)")
        }
    }
}

/// Of two inputs with one SOP Instance UID but different patients, the lower is delivered, and a
/// run with --map lists the same rows with --jobs 1 and 2: none of the other input, also when it
/// was delivered first and then taken over (the binary: in the test process, other tests hold
/// the threads --jobs 2 would use, and its two workers rarely overlap).
@Test func aDuplicateTakenOverLeavesNoRowInTheMap() throws {
    let folder = try Executable.scratch()
    let input = folder + "/in"
    try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
    // 17 MB with an element after its Pixel Data, so read whole and checked through files: one
    // worker spends tens of milliseconds on it while the other reaches the higher duplicate before
    // the first reaches the lower one.
    let large = DicomFile.makeNew()
    try large.dataset.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7", vr: "UI")
    try large.dataset.put(.sopInstanceUID, "1.2.3.9.9", vr: "UI")
    for (tag, value) in [(Tag(0x0028, 0x0002), 1), (Tag(0x0028, 0x0010), 4096), (Tag(0x0028, 0x0011), 4200),
                         (Tag(0x0028, 0x0100), 8), (Tag(0x0028, 0x0101), 8), (Tag(0x0028, 0x0103), 0)] {
        try large.dataset.put(tag, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)], vr: "US")
    }
    try large.dataset.put(Tag(0x0028, 0x0004), "MONOCHROME2", vr: "CS")
    try large.dataset.put(.pixelData, bytes: [UInt8](repeating: 7, count: 4096 * 4200), vr: "OB")
    try large.dataset.put(Tag(0xFFFA, 0xFFFA), bytes: [0, 0, 0, 0], vr: "OB")
    try large.encoded().write(to: URL(fileURLWithPath: input + "/00-large.dcm"))
    let study = SampleStudy(patient: .plain, seed: 13)
    var other = study
    other.patient.id = "PX-2002"
    _ = try study.write(.ct, series: 1, instance: 1, to: input + "/01-lower.dcm")
    for n in 2..<16 where n != 5 { _ = try study.write(.ct, series: 2, instance: n, to: input + "/\(String(format: "%02d", n)).dcm") }
    _ = try other.write(.ct, series: 1, instance: 1, to: input + "/05-higher.dcm")
    func run(_ name: String, jobs: Int) throws -> (map: String, journalLines: Int) {
        let result = try Executable.run(Executable.dcmscrub, ["run", input, "--out", folder + "/" + name, "--key", folder + "/key",
                                                              "--pixels", "off", "--jobs", "\(jobs)", "--map", folder + "/\(name).csv"])
        #expect(result.status == 0 && result.stdout.contains("16 inputs: 15 delivered, 1 quarantined"), "\(name)")
        let journal = try String(contentsOfFile: folder + "/\(name)/.dcmscrub-journal", encoding: .utf8)
        let lines = journal.split(separator: "\n").count
        // The terminal says that a correction replaces what it said of the input before.
        #expect(result.stderr.contains("input 6: quarantined (unsupported): another input has the same SOP Instance UID; "
                                       + "only the first is delivered (a lower input reached later took its output path") == (lines > 16),
                "\(name): \(result.stderr)")
        return (try String(contentsOfFile: folder + "/\(name).csv", encoding: .utf8), lines)
    }
    let expected = try run("one", jobs: 1).map
    #expect(!expected.contains("PX-2002") && expected.contains("PX-1001"))
    var tookOver = 0
    for attempt in 0..<8 where tookOver < 2 {
        let two = try run("two-\(attempt)", jobs: 2)
        #expect(two.map == expected, "attempt \(attempt)")
        // An outcome corrected after it was recorded is a second journal line for its input.
        if two.journalLines > 16 { tookOver += 1 }
    }
    #expect(tookOver > 0, "no run took a recorded output over: the correction was not exercised")
}
