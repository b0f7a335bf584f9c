// End-to-end tests of `dcmscrub push` against the Orthanc PACS that scripts/test.sh starts on 127.0.0.1.
import Engine
import Foundation
import Testing

/// One test Orthanc: its DICOM address for dcmscrub and its REST API to look inside independently.
struct TestPACS {
    let address: String
    let http: String

    /// The PACS that takes every transfer syntax, or the one that takes only uncompressed data.
    static func started(uncompressedOnly: Bool = false) throws -> TestPACS {
        let environment = ProcessInfo.processInfo.environment
        let suffix = uncompressedOnly ? "_UNCOMPRESSED" : ""
        let address = try #require(environment["DCMSCRUB_TEST_PACS" + suffix],
                                   "no test PACS: run the tests with `make test` (scripts/test.sh starts Orthanc)")
        let http = try #require(environment["DCMSCRUB_TEST_PACS\(suffix)_HTTP"])
        return TestPACS(address: address, http: http)
    }

    /// Orthanc's identifier of the instance with this SOP Instance UID, nil when it holds none.
    func identifier(instance uid: String) throws -> String? {
        let lookup = try Executable.run("/usr/bin/curl", ["-sf", "-X", "POST", http + "/tools/lookup", "-d", uid])
        #expect(lookup.status == 0)
        let found = try JSONSerialization.jsonObject(with: Data(lookup.stdout.utf8)) as? [[String: Any]] ?? []
        return found.first(where: { $0["Type"] as? String == "Instance" })?["ID"] as? String
    }

    /// The file Orthanc stored for a SOP Instance UID, nil when it holds none.
    func storedFile(instance uid: String) throws -> Data? {
        guard let id = try identifier(instance: uid) else { return nil }
        let file = NSTemporaryDirectory() + "orthanc-\(id).dcm"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let download = try Executable.run("/usr/bin/curl", ["-sf", http + "/instances/\(id)/file", "-o", file])
        #expect(download.status == 0)
        return FileManager.default.contents(atPath: file)
    }
}

/// The delivered outputs of a run's folder with their SOP Instance UIDs, from its report.json.
private func deliveredOutputs(_ out: String) throws -> [(path: String, uid: String)] {
    let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
    return try report.instances.compactMap(\.output).map { relative in
        let file = try DicomFile.open(path: out + "/" + relative)
        return (out + "/" + relative, try #require(file.dataset.string(.sopInstanceUID)))
    }
}

/// A scratch folder holding `run --pixels off`'s outputs of a sample study in out/, and those outputs.
private func sampleOutputs(_ patient: SamplePatient, seed: UInt64, slices: Int, name: String = #function) throws
    -> (folder: String, outputs: [(path: String, uid: String)]) {
    let folder = try Executable.scratch(name)
    _ = try SampleStudy(patient: patient, seed: seed).writeStudy(into: folder + "/in", slices: slices)
    let run = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", folder + "/out", "--key", folder + "/key", "--pixels", "off"])
    #expect(run.status == 0)
    return (folder, try deliveredOutputs(folder + "/out"))
}

@Test func pushStoresEveryDeliveredOutputAsItIsAndConfirmsIt() throws {
    let pacs = try TestPACS.started()
    let folder = try Executable.scratch()
    _ = try SampleStudy(patient: .lithuanian, seed: 71).writeStudy(into: folder + "/in", slices: 2)
    for name in ["CT_small.dcm", "JPEG-lossy.dcm", "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm"] {
        try FileManager.default.copyItem(atPath: Executable.pydicomFolder + "/" + name, toPath: folder + "/in/" + name)
    }
    let run = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", folder + "/out", "--key", folder + "/key"])
    #expect(run.status == 0)
    let outputs = try deliveredOutputs(folder + "/out")
    #expect(outputs.count >= 7)

    let push = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address])
    #expect(push.status == 0, "\(push.stderr)")
    #expect(push.stdout.contains("\(outputs.count) files: \(outputs.count) stored and confirmed, 0 already in the PACS, 0 refused, 0 failed"))
    #expect(!push.stderr.contains(folder))
    // What the PACS holds is the output as written: same dataset, same transfer syntax, same pixels.
    for (path, uid) in outputs {
        let stored = try #require(try pacs.storedFile(instance: uid), "the PACS lacks an output")
        let held = try DicomFile.open(bytes: stored), sent = try DicomFile.open(path: path)
        #expect(held.transferSyntax == sent.transferSyntax)
        let pixels = { (file: DicomFile) in file.dataset.index(of: .pixelData).flatMap { file.dataset.bytes(at: $0) } }
        #expect(pixels(held) == pixels(sent))
        #expect(held.dataset.count == sent.dataset.count)
        #expect(held.dataset.string(.patientIdentityRemoved) == "YES")
        for secret in ["LT-483920", "ŽEMAITIENĖ", "Santaros"] {
            #expect(stored.range(of: Data(secret.utf8)) == nil)
        }
    }

    // Nothing is sent twice: the PACS is asked first. --resend sends all again.
    let again = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address])
    #expect(again.status == 0)
    #expect(again.stdout.contains("0 stored and confirmed, \(outputs.count) already in the PACS"))
    let resend = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address, "--resend"])
    #expect(resend.status == 0)
    #expect(resend.stdout.contains("\(outputs.count) stored and confirmed, 0 already in the PACS"))
}

@Test func pushRefusesAFileThatIsNotDeIdentifiedAndNamesItByPosition() throws {
    let pacs = try TestPACS.started()
    let folder = try Executable.scratch()
    let sources = try SampleStudy(patient: .lithuanian, seed: 72).writeStudy(into: folder + "/in", slices: 2)
    let run = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", folder + "/out", "--key", folder + "/key"])
    #expect(run.status == 0)
    let outputs = try deliveredOutputs(folder + "/out")
    // A folder without report.json (as `commit` writes), with an original copied in under the
    // patient's name, and a note that is not DICOM.
    let commitLike = folder + "/commit"
    try FileManager.default.copyItem(atPath: folder + "/out", toPath: commitLike)
    try FileManager.default.removeItem(atPath: commitLike + "/report.json")
    try FileManager.default.copyItem(atPath: sources[0], toPath: commitLike + "/ŽEMAITIENĖ.dcm")
    try Data("notes".utf8).write(to: URL(fileURLWithPath: commitLike + "/notes.txt"))
    let original = try #require(try DicomFile.open(path: sources[0]).dataset.string(.sopInstanceUID))

    let push = try Executable.run(Executable.dcmscrub, ["push", commitLike, "--pacs", pacs.address])
    #expect(push.status == 1)
    #expect(push.stderr.contains("refused: file "))
    #expect(push.stderr.contains("not de-identified: PatientIdentityRemoved is not YES"))
    #expect(!push.stderr.contains("ŽEMAITIENĖ") && !push.stdout.contains("ŽEMAITIENĖ"))
    #expect(push.stdout.contains("\(outputs.count + 1) files: \(outputs.count) stored and confirmed, 0 already in the PACS, 1 refused, 0 failed; 1 files that are not DICOM skipped"))
    #expect(try pacs.storedFile(instance: original) == nil)
    for (_, uid) in outputs { #expect(try pacs.storedFile(instance: uid) != nil) }
}

@Test func aPACSThatTakesOnlyUncompressedDataGetsLosslessFilesDecodedAndLossyOnesRefused() throws {
    let pacs = try TestPACS.started(uncompressedOnly: true)
    let folder = try Executable.scratch()
    for name in ["MR_small_RLE.dcm", "JPEG-lossy.dcm", "CT_small.dcm"] {
        try FileManager.default.copyItem(atPath: Executable.pydicomFolder + "/" + name, toPath: folder + "/in-" + name)
    }
    let run = try Executable.run(Executable.dcmscrub, ["run", folder, "--out", folder + "/out", "--key", folder + "/key", "--pixels", "off"])
    #expect(run.status == 0)
    let outputs = try deliveredOutputs(folder + "/out")
    #expect(outputs.count == 3)
    let push = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address])
    #expect(push.status == 1)
    #expect(push.stdout.contains("3 files: 2 stored and confirmed, 0 already in the PACS, 0 refused, 1 failed"))
    #expect(push.stderr.contains("the PACS accepts neither its SOP class nor its transfer syntax (lossy data is never decoded on the way)"))
    #expect(push.stdout.contains("; 1 decoded on the way"))
    for (path, uid) in outputs {
        let sent = try DicomFile.open(path: path)
        let stored = try pacs.storedFile(instance: uid)
        if ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"].contains(sent.transferSyntax) {
            #expect(stored == nil)   // lossy JPEG: never decoded on the way
            continue
        }
        let held = try DicomFile.open(bytes: try #require(stored))
        #expect(["1.2.840.10008.1.2", "1.2.840.10008.1.2.1"].contains(held.transferSyntax))
        // RLE decoded on the way: the PACS's pixels are the output's decoded pixels.
        #expect(try held.decodeFrame(0, info: held.pixelInfo()).samples == sent.decodeFrame(0, info: sent.pixelInfo()).samples)
    }
}

/// Kills `push` with SIGKILL at seeded random moments, then lets it finish: every output ends in
/// the PACS, and the last run sends only what the killed ones had not.
@Test func aKilledPushIsFinishedByRunningItAgain() throws {
    let pacs = try TestPACS.started()
    let (folder, outputs) = try sampleOutputs(.plain, seed: 74, slices: 120)
    var generator = SeededGenerator(seed: 20261204)
    var kills = 0
    for _ in 0..<3 {
        let (process, _, _) = try Executable.start(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address])
        usleep(UInt32.random(in: 30_000...200_000, using: &generator))
        if process.isRunning { kill(process.processIdentifier, SIGKILL); kills += 1 }
        process.waitUntilExit()
    }
    #expect(kills > 0)
    let finish = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address])
    #expect(finish.status == 0, "\(finish.stderr)")
    let counts = finish.stdout.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    #expect(counts.count >= 3 && counts[0] == outputs.count && counts[1] + counts[2] == outputs.count, "\(finish.stdout)")
    for (_, uid) in outputs { #expect(try pacs.identifier(instance: uid) != nil) }
    // The test PACS lists at most 3 instances to one C-FIND (status FE00), and the series holds
    // 120: each instance it leaves out is asked for by its UID, so nothing is sent again.
    let again = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address])
    #expect(again.stdout.contains("0 stored and confirmed, \(outputs.count) already in the PACS"), "\(again.stdout)")
}

/// Chunks of two files: every one is stored and confirmed, and a copy of an output in a later
/// chunk is still refused as a second file with the same SOP Instance UID.
@Test func pushWorksChunkByChunkAndFindsDuplicatesAcrossChunks() throws {
    let pacs = try TestPACS.started()
    let (folder, outputs) = try sampleOutputs(.german, seed: 75, slices: 4)
    try FileManager.default.removeItem(atPath: folder + "/out/report.json")
    try FileManager.default.createDirectory(atPath: folder + "/out/zz", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: outputs[0].path, toPath: folder + "/out/zz/copy.dcm")
    let client = try PACSClient(peer: try PACSAddress(parsing: pacs.address))
    var progress: [Int] = []
    let report = try Push.run(folder: folder + "/out", client: client, chunk: 2) { done, total in
        #expect(total == outputs.count + 1)
        progress.append(done)
    }
    #expect(report.stored == outputs.count && report.alreadyPresent == 0 && report.failed.isEmpty)
    #expect(report.refused.count == 1)
    let first = String(outputs[0].path.dropFirst(folder.count + 5))
    #expect(report.refused.first?.description == "file \(outputs.count + 1): has the SOP Instance UID of \(first): the PACS would keep only one")
    #expect(progress.last == outputs.count + 1 && progress == progress.sorted())
    for (_, uid) in outputs { #expect(try pacs.identifier(instance: uid) != nil) }
}

@Test func pushExitsTwoWithOneLineWhenThePACSCannotBeReachedOrRefusesUs() throws {
    let pacs = try TestPACS.started()
    let (folder, _) = try sampleOutputs(.german, seed: 73, slices: 1)
    let stranger = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", pacs.address, "--aet", "STRANGER"])
    #expect(stranger.status == 2)
    #expect(stranger.stderr.hasSuffix("the PACS rejected the association (check the AE titles)\n"))
    #expect(stranger.stderr.split(separator: "\n").count == 1)
    let closed = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", "NOBODY@127.0.0.1:1"])
    #expect(closed.status == 2)
    #expect(closed.stderr.contains("PACS NOBODY@127.0.0.1:1: no association with the PACS"))
    let malformed = try Executable.run(Executable.dcmscrub, ["push", folder + "/out", "--pacs", "127.0.0.1:104"])
    #expect(malformed.status != 0)
    #expect(malformed.stderr.contains("AET@HOST:PORT"))
}
