// Tests of the batch: every input ends delivered or quarantined with a reason, deterministically and resumably.
import Engine
import Foundation
import Testing

func runBatch(_ inputs: [String], out: String, pixels: PixelPolicy = .off, options: Set<ProfileOption> = [],
              map: String? = nil, jobs: Int = 2) throws -> RunReport {
    var settings = RunSettings(inputs: inputs, output: out, key: Fixtures.key, keyFingerprint: "test")
    settings.pixels = pixels
    settings.options = options
    settings.mapPath = map
    settings.jobs = jobs
    let batch = try BatchRun(settings: settings)
    batch.log = { _ in }
    return try batch.run()
}

/// Every file under `folder` with its bytes, by relative path.
func tree(_ folder: String) -> [String: Data] {
    var result: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: folder)
    while let relative = walker?.nextObject() as? String {
        if let data = FileManager.default.contents(atPath: folder + "/" + relative), walker?.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
            result[relative] = data
        }
    }
    return result
}

@Test func badInputsAreQuarantinedWithAReasonAndTheBatchGoesOn() throws {
    let folder = try Fixtures.scratch()
    let inputs = folder + "/in"
    try FileManager.default.createDirectory(atPath: inputs + "/noise", withIntermediateDirectories: true)
    for name in ["MR_truncated.dcm", "rtplan_truncated.dcm", "badVR.dcm", "no_meta.dcm", "CT_small.dcm", "nested_priv_SQ.dcm"] {
        try FileManager.default.copyItem(atPath: try Fixtures.pydicom(name), toPath: inputs + "/" + name)
    }
    var generator = SystemRandomNumberGenerator()
    for i in 0..<3 {
        let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try noise.write(to: URL(fileURLWithPath: inputs + "/noise/\(i).bin"))
    }
    try "hello, not an image\n".write(toFile: inputs + "/readme.txt", atomically: true, encoding: .utf8)
    let report = try runBatch([inputs], out: folder + "/out")
    #expect(report.inputs == 10)
    #expect(report.delivered + report.quarantined == report.inputs)
    #expect(report.instances.allSatisfy { $0.state == .delivered || ($0.reason?.isEmpty == false && $0.code != nil) })
    // Inputs are numbered in the order of their sorted paths.
    let order = (["MR_truncated.dcm", "rtplan_truncated.dcm", "badVR.dcm", "no_meta.dcm", "CT_small.dcm",
                  "nested_priv_SQ.dcm", "readme.txt"] + (0..<3).map { "noise/\($0).bin" }).sorted()
    func outcome(_ name: String) -> InstanceOutcome? {
        report.instances.first { $0.input == order.firstIndex(of: name)! + 1 }
    }
    #expect(outcome("CT_small.dcm")?.state == .delivered)
    #expect(outcome("badVR.dcm")?.state == .delivered) // DCMTK reads past the odd VR; the table still applies
    #expect(outcome("MR_truncated.dcm")?.code == "malformed")
    #expect(outcome("rtplan_truncated.dcm")?.code == "malformed")
    #expect(outcome("no_meta.dcm")?.state == .quarantined)
    #expect(outcome("nested_priv_SQ.dcm")?.state == .quarantined)
    #expect(outcome("readme.txt")?.code == "not-dicom")
    for i in 0..<3 { #expect(outcome("noise/\(i).bin")?.state == .quarantined) }
    // The originals are untouched.
    #expect(FileManager.default.contents(atPath: inputs + "/CT_small.dcm") == FileManager.default.contents(atPath: try Fixtures.pydicom("CT_small.dcm")))
}

/// An element longer than the sequence item holding it (rtplan.dcm, implicit VR: the first
/// element of its first item given 70 bytes more than the item has) is damage, quarantined as
/// malformed, not as too large: "too-large" is kept for files above the size limit.
@Test func anElementLongerThanItsItemIsMalformedNotTooLarge() throws {
    let folder = try Fixtures.scratch()
    var bytes = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.pydicom("rtplan.dcm")))
    let item = try #require(bytes.range(of: Data([0xFE, 0xFF, 0x00, 0xE0]))).lowerBound
    let itemLength = bytes[item + 4..<item + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect(itemLength > 0 && itemLength < 0xFFFF_FFFF)
    let longer = UInt32(itemLength + 70)
    bytes.replaceSubrange(item + 12..<item + 16, with: withUnsafeBytes(of: longer.littleEndian) { Data($0) })
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    try bytes.write(to: URL(fileURLWithPath: folder + "/in/rtplan.dcm"))
    let report = try runBatch([folder + "/in"], out: folder + "/out")
    #expect(report.instances.map(\.code) == ["malformed"])
    #expect(report.instances.first?.reason?.contains("larger than explicit length of surrounding item") == true)
    // A file above the size limit is too large.
    var settings = RunSettings(inputs: [try Fixtures.pydicom("CT_small.dcm")], output: folder + "/small-limit", key: Fixtures.key,
                               keyFingerprint: "test")
    settings.pixels = .off
    settings.maxBytes = 4096
    let batch = try BatchRun(settings: settings)
    batch.log = { _ in }
    #expect(try batch.run().instances.map(\.code) == ["too-large"])
}

/// JPEG frames under a syntax that does not say so. JPEG-lossy.dcm's transfer syntax UID made one
/// that DCMTK does not know (it then reads the dataset as explicit little endian), or made explicit
/// little endian itself (the meta header's lengths adjusted): header-only, both went out with
/// compressed frames under an uncompressed syntax. Quarantined in both modes, nothing written.
@Test func compressedFramesUnderAnotherSyntaxAreQuarantinedInBothModes() throws {
    let folder = try Fixtures.scratch()
    let original = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.pydicom("JPEG-lossy.dcm")))
    let declared = try #require(original.range(of: Data("1.2.840.10008.1.2.4.51".utf8)))
    var unknown = original
    unknown.replaceSubrange(declared, with: Data("1.2.840.10008.1.2.4.99".utf8))
    let native = try declaringExplicitLittleEndian(original)
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    for (name, bytes, code) in [("unknown", unknown, "unsupported"), ("native", native, "malformed")] {
        try FileManager.default.createDirectory(atPath: folder + "/in/" + name, withIntermediateDirectories: true)
        try bytes.write(to: URL(fileURLWithPath: folder + "/in/\(name)/jpeg.dcm"))
        for pixels in [PixelPolicy.off, .clean] {
            let out = folder + "/out-\(name)-\(pixels)"
            let report = try runBatch([folder + "/in/" + name], out: out, pixels: pixels)
            #expect(report.instances.map(\.code) == [code], "\(name), \(pixels)")
            #expect(!tree(out).keys.contains { $0.hasSuffix(".dcm") }, "\(name), \(pixels)")
        }
    }
}

@Test func pixelsAreCleanedByDefaultAndOffIsStated() throws {
    let folder = try Fixtures.scratch()
    let files = try SampleStudy(patient: .plain, seed: 21).writeStudy(into: folder + "/in", slices: 2)
    let clean = try runBatch(files, out: folder + "/clean", pixels: .clean)
    #expect(clean.delivered == 4)
    let ct = try DicomFile.open(path: folder + "/clean/" + clean.instances[0].output!).dataset
    #expect(ct.string(.burnedInAnnotation) == "NO")
    let codes = ct.items(at: ct.index(of: .deidentificationMethodCodeSequence)!).compactMap { $0.string(.codeValue) }
    #expect(codes.contains("113101"))
    let off = try runBatch(files, out: folder + "/off", pixels: .off)
    let untouched = try DicomFile.open(path: folder + "/off/" + off.instances[0].output!).dataset
    #expect(!untouched.items(at: untouched.index(of: .deidentificationMethodCodeSequence)!).contains { $0.string(.codeValue) == "113101" })
    #expect(off.delivered == 4)
    let report = try String(contentsOfFile: folder + "/off/report.json", encoding: .utf8)
    #expect(report.contains("pixels off"))
}

/// JPEG-LS colour: decoding a frame makes DCMTK's codec rewrite Planar Configuration in the
/// dataset. Before the facade retired its element index on decode, the scrub that follows read the
/// freed element and the process crashed (stop 16's binary: signal 11 on both files).
@Test func jpegLSColourFilesGoThroughTheWholeCleaningRun() throws {
    let folder = try Fixtures.scratch()
    let names = ["SC_rgb_jls_lossy_line.dcm", "SC_rgb_jls_lossy_sample.dcm"]
    let report = try runBatch(try names.map(Fixtures.pydicom), out: folder + "/out", pixels: .clean)
    #expect(report.delivered == 2, "\(report.instances.map { $0.reason ?? "" })")
    for instance in report.instances {
        let output = try DicomFile.open(path: folder + "/out/" + (instance.output ?? ""))
        let info = try output.pixelInfo()
        #expect(info.samplesPerPixel == 3)
        #expect(try output.decodeFrame(0, info: info).samples.count == info.rows * info.columns * 3)
    }
}

@Test func runsAreDeterministicForAnyJobCount() throws {
    let folder = try Fixtures.scratch()
    var inputs = try sampleFiles(folder + "/in")
    inputs += try ["CT_small.dcm", "JPEG-lossy.dcm", "MR_small_RLE.dcm"].map(Fixtures.pydicom)
    _ = try runBatch(inputs, out: folder + "/a", jobs: 1)
    _ = try runBatch(inputs, out: folder + "/b", jobs: 4)
    let a = tree(folder + "/a").filter { !$0.key.hasPrefix(".") && $0.key != "report.json" }
    let b = tree(folder + "/b").filter { !$0.key.hasPrefix(".") && $0.key != "report.json" }
    #expect(a.count == inputs.count)
    #expect(a == b)
}

@Test func aRunResumesFromItsJournalAndLeavesNoTemporaryFiles() throws {
    let folder = try Fixtures.scratch()
    let inputs = try sampleFiles(folder + "/in")
    let first = try runBatch(inputs, out: folder + "/out")
    // A killed run leaves temporaries; the next one removes them and redoes nothing it finished.
    try Data("partial".utf8).write(to: URL(fileURLWithPath: folder + "/out/.x.dcm.1.2.tmp"))
    let second = try runBatch(inputs, out: folder + "/out")
    #expect(second.instances.allSatisfy { $0.resumed == true })
    #expect(second.delivered == first.delivered)
    #expect(!tree(folder + "/out").keys.contains { $0.hasSuffix(".tmp") })
    // A deleted output is written again.
    let victim = folder + "/out/" + first.instances[0].output!
    try FileManager.default.removeItem(atPath: victim)
    let third = try runBatch(inputs, out: folder + "/out")
    #expect(third.instances[0].resumed == nil)
    #expect(FileManager.default.fileExists(atPath: victim))
}

@Test func outputPathsAndTheReportCarryNoIdentifier() throws {
    let folder = try Fixtures.scratch()
    let inputs = try sampleFiles(folder + "/in")
    let report = try runBatch(inputs, out: folder + "/out", map: folder + "/map.csv")
    let everything = tree(folder + "/out")
    let names = everything.keys.joined(separator: "\n")
    let reportText = String(decoding: everything["report.json"] ?? Data(), as: UTF8.self)
    for secret in ["LT-483920", "DE-77120", "PX-1001", "1.2.826.0.1.3680043.10.1455", "in/p1"] {
        #expect(!names.contains(secret))
        #expect(!reportText.contains(secret))
    }
    #expect(report.delivered == inputs.count)
    let map = try String(contentsOfFile: folder + "/map.csv", encoding: .utf8)
    #expect(map.contains("patient-id,LT-483920,ANON"))
    let mode = (try FileManager.default.attributesOfItem(atPath: folder + "/map.csv")[.posixPermissions] as? NSNumber)?.intValue
    #expect(mode == 0o600)
}

@Test func lithuanianAndGermanNamesNeverSurviveInAnyEncoding() throws {
    let folder = try Fixtures.scratch()
    let inputs = try sampleFiles(folder + "/in")
    for options: Set<ProfileOption> in [[], [.cleanDescriptors, .cleanStructuredContent, .retainSafePrivate]] {
        let out = folder + "/out-\(options.count)"
        _ = try runBatch(inputs, out: out, options: options)
        for (path, bytes) in tree(out) where path.hasSuffix(".dcm") {
            for name in ["ŽEMAITIENĖ", "Žemaitienė", "ZEMAITIENE", "Šarūnė", "Müller", "MULLER", "Kazlauskas", "Petraitytė", "Santaros", "483920", "77120"] {
                for encoding in [String.Encoding.utf8, .isoLatin1, .isoLatin2, .windowsCP1250] {
                    guard let needle = name.data(using: encoding) ?? name.uppercased().data(using: encoding) else { continue }
                    #expect(bytes.range(of: needle) == nil, "\(name) in \(path) \(options.map(\.rawValue))")
                }
                #expect(bytes.range(of: Data(name.uppercased().utf8)) == nil)
            }
        }
    }
}

@Test func aSecondInputWithTheSameSOPInstanceUIDIsQuarantinedNotWrittenOver() throws {
    let folder = try Fixtures.scratch()
    let study = SampleStudy(patient: .plain, seed: 7)
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    try study.write(.ct, series: 1, instance: 1, to: folder + "/in/a.dcm")
    var other = study
    other.institution = "Another Hospital" // other bytes, the same SOP Instance UID
    try other.write(.ct, series: 1, instance: 1, to: folder + "/in/b.dcm")
    try study.write(.ct, series: 1, instance: 2, to: folder + "/in/c.dcm")
    let report = try runBatch([folder + "/in"], out: folder + "/out", jobs: 1)
    let states = report.instances.sorted { $0.input < $1.input }.map(\.state)
    #expect(states == [.delivered, .quarantined, .delivered])
    #expect(report.instances.first { $0.input == 2 }?.reason == "another input has the same SOP Instance UID; only the first is delivered")
    let outputs = tree(folder + "/out").keys.filter { $0.hasSuffix(".dcm") }
    #expect(outputs.count == 2)
    // Run again over the kept outputs: the journal resumes both and the duplicate stays out.
    let again = try runBatch([folder + "/in"], out: folder + "/out", jobs: 2)
    #expect(again.delivered == 2 && again.quarantined == 1)
}

/// Inputs sharing SOP Instance UIDs, 0-9 and their duplicates 10-19 with other bytes: with two
/// workers, each of the pairs is reached by both workers at about the same time.
private func duplicatePairs(in folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let study = SampleStudy(patient: .plain, seed: 11)
    var other = study
    other.institution = "Another Hospital"
    for n in 0..<10 {
        _ = try study.write(.ct, series: 1, instance: n + 1, to: folder + "/a\(n).dcm")
        _ = try other.write(.ct, series: 1, instance: n + 1, to: folder + "/b\(n).dcm")
    }
}

/// Whatever order the workers reach duplicates in, the lowest input is the one delivered, so that
/// every run writes the same bytes: the same as with one worker.
@Test func theLowestOfDuplicateInputsIsDeliveredWithAnyWorkers() throws {
    let folder = try Fixtures.scratch()
    try duplicatePairs(in: folder + "/in")
    _ = try runBatch([folder + "/in"], out: folder + "/one", jobs: 1)
    let expected = tree(folder + "/one").filter { $0.key.hasSuffix(".dcm") }
    #expect(expected.count == 10)
    for run in 0..<3 {
        let out = folder + "/two-\(run)"
        let report = try runBatch([folder + "/in"], out: out, jobs: 2)
        let states = report.instances.sorted { $0.input < $1.input }.map(\.state)
        #expect(states == Array(repeating: .delivered, count: 10) + Array(repeating: .quarantined, count: 10), "run \(run)")
        #expect(report.delivered == 10 && report.quarantined == 10)
        #expect(report.instances.filter { $0.state == .quarantined }.allSatisfy { $0.reason == "another input has the same SOP Instance UID; only the first is delivered" })
        #expect(tree(out).filter { $0.key.hasSuffix(".dcm") } == expected, "run \(run)")
        // report.json says the same as the returned report.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any]
        #expect(json?["delivered"] as? Int == 10 && json?["quarantined"] as? Int == 10)
    }
}

/// A resumed output is its input's: a lower duplicate added since takes its path over, and the
/// result is what one run over both writes.
@Test func aLowerDuplicateAddedAfterARunTakesTheOutputOver() throws {
    let folder = try Fixtures.scratch()
    try duplicatePairs(in: folder + "/all")
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    for n in 0..<10 { try FileManager.default.copyItem(atPath: folder + "/all/b\(n).dcm", toPath: folder + "/in/b\(n).dcm") }
    let first = try runBatch([folder + "/in"], out: folder + "/out", jobs: 2)
    #expect(first.delivered == 10)
    for n in 0..<10 { try FileManager.default.copyItem(atPath: folder + "/all/a\(n).dcm", toPath: folder + "/in/a\(n).dcm") }
    let second = try runBatch([folder + "/in"], out: folder + "/out", jobs: 2)
    #expect(second.delivered == 10 && second.quarantined == 10)
    let states = second.instances.sorted { $0.input < $1.input }.map(\.state)
    #expect(states == Array(repeating: .delivered, count: 10) + Array(repeating: .quarantined, count: 10))
    _ = try runBatch([folder + "/all"], out: folder + "/fresh", jobs: 1)
    let outputs = { (out: String) in tree(out).filter { $0.key.hasSuffix(".dcm") } }
    #expect(outputs(folder + "/out") == outputs(folder + "/fresh"))
    // And a third run resumes all of it as it is.
    let third = try runBatch([folder + "/in"], out: folder + "/out", jobs: 2)
    #expect(third.delivered == 10 && third.quarantined == 10)
    #expect(third.instances.allSatisfy { $0.resumed == true })
    #expect(outputs(folder + "/out") == outputs(folder + "/fresh"))
}

/// A lower duplicate reached after the higher one was delivered and recorded: one worker is held
/// on a large first input while the other goes on, so the higher duplicate comes first. The lower
/// one takes the path over; the higher one's report line and journal entry become a duplicate's.
@Test func aLowerDuplicateReachedLateTakesTheOutputOver() throws {
    let folder = try Fixtures.scratch()
    let input = folder + "/in"
    try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
    // Larger than DicomFile.memoryLimit with an element after its Pixel Data: read whole and
    // checked through files, tens of milliseconds.
    try smallImage(rows: 4096, columns: 4200, instance: "1.2.3.9.9") { try $0.put(Tag(0xFFFA, 0xFFFA), bytes: [0, 0, 0, 0], vr: "OB") }
        .write(to: URL(fileURLWithPath: input + "/00-large.dcm"))
    let study = SampleStudy(patient: .plain, seed: 13)
    var other = study
    other.institution = "Another Hospital"
    _ = try study.write(.ct, series: 1, instance: 1, to: input + "/01-lower.dcm")
    for n in 2..<16 where n != 5 { _ = try study.write(.ct, series: 2, instance: n, to: input + "/\(String(format: "%02d", n)).dcm") }
    _ = try other.write(.ct, series: 1, instance: 1, to: input + "/05-higher.dcm")
    _ = try runBatch([input], out: folder + "/one", jobs: 1)
    let expected = tree(folder + "/one").filter { $0.key.hasSuffix(".dcm") }
    for run in 0..<3 {
        let out = folder + "/two-\(run)"
        let report = try runBatch([input], out: out, jobs: 2)
        let byInput = Dictionary(uniqueKeysWithValues: report.instances.map { ($0.input, $0) })
        #expect(byInput[2]?.state == .delivered && byInput[6]?.state == .quarantined, "run \(run)")
        #expect(byInput[6]?.reason == "another input has the same SOP Instance UID; only the first is delivered")
        #expect(report.delivered == 15 && report.quarantined == 1)
        #expect(tree(out).filter { $0.key.hasSuffix(".dcm") } == expected, "run \(run)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any]
        let lines = json?["instances"] as? [[String: Any]]
        #expect(lines?.first { $0["input"] as? Int == 6 }?["state"] as? String == "quarantined", "run \(run)")
        #expect(json?["delivered"] as? Int == 15)
        // Resumed from the journal, the correction stands.
        let again = try runBatch([input], out: out, jobs: 2)
        #expect(again.instances.first { $0.input == 6 }?.state == .quarantined && again.delivered == 15, "run \(run)")
        #expect(tree(out).filter { $0.key.hasSuffix(".dcm") } == expected, "run \(run)")
    }
}
