// VerificationPlan: which output was made from which source: through a run's report.json, the project key's UID mapping, or a workspace.
import Foundation

public struct VerificationPair: Sendable, Codable, Equatable {
    /// How the output is named on a terminal: the input's position in the run, the workspace
    /// instance number, or the source's position in the sorted list.
    public var position: Int
    public var source: String
    /// Relative to the output folder.
    public var output: String
    /// The redacted rectangles, when the pairing knows them.
    public var redactions: [PixelRect]?

    public init(position: Int, source: String, output: String, redactions: [PixelRect]? = nil) {
        self.position = position
        self.source = source
        self.output = output
        self.redactions = redactions
    }
}

public struct VerificationPlan: Sendable {
    public enum Pairing: String, Sendable, Codable {
        case report, key, workspace
    }

    public var pairing: Pairing
    public var pairs: [VerificationPair]
    /// Output files no source accounts for, relative to the output folder.
    public var unpaired: [String] = []
    /// The profile options the outputs were made with, when the pairing records them.
    public var options: Set<ProfileOption>?
    public var pixels: PixelPolicy?
    /// "input", "instance" or "source": what `position` counts.
    public var positionName: String

    public init(pairing: Pairing, pairs: [VerificationPair], positionName: String) {
        self.pairing = pairing
        self.pairs = pairs
        self.positionName = positionName
    }

    /// Through `OUT/report.json`: its inputs are numbered by their position in the sorted list of
    /// the run's sources, so the same SRC arguments give the same list.
    public static func fromReport(output: String, sources: [String]) throws -> VerificationPlan {
        guard let data = FileManager.default.contents(atPath: output + "/report.json") else {
            throw EngineError(.usage, "the output folder has no report.json: pair with --key FILE or --against a workspace")
        }
        guard let report = try? JSONDecoder().decode(RunReport.self, from: data) else {
            throw EngineError(.usage, "the output folder's report.json does not parse")
        }
        let files = try InputWalker.files(in: sources)
        guard files.count == report.inputs else {
            throw EngineError(.usage, "the sources hold \(files.count) files but the run's report lists \(report.inputs) inputs: give the run's own SRC arguments")
        }
        let pairs = report.instances.compactMap { outcome -> VerificationPair? in
            guard outcome.state == .delivered, let relative = outcome.output, outcome.input >= 1, outcome.input <= files.count else { return nil }
            return VerificationPair(position: outcome.input, source: files[outcome.input - 1], output: relative, redactions: outcome.redactions)
        }
        var plan = VerificationPlan(pairing: .report, pairs: pairs, positionName: "input")
        plan.options = Set(report.options.compactMap(ProfileOption.init(rawValue:)))
        plan.pixels = report.pixels
        plan.unpaired = unpairedOutputs(in: output, pairs: pairs)
        return plan
    }

    /// Through the project key: each source's UIDs mapped as the scrubber maps them give the
    /// output's path. Sources without an output (quarantined, not DICOM) are not paired.
    public static func fromKey(output: String, sources: [String], key: ProjectKey, retainUIDs: Bool = false) throws -> VerificationPlan {
        let files = try InputWalker.files(in: sources)
        var pairs: [VerificationPair] = []
        for (index, path) in files.enumerated() {
            // Only the header is read: the UIDs are all the pairing needs.
            guard let file = try? DicomFile.open(path: path, loadsAllValues: false, keepsPixelsAsStored: true) else { continue }
            let uids = [Tag.studyInstanceUID, .seriesInstanceUID, .sopInstanceUID].map { tag -> String in
                let original = (file.dataset.string(tag) ?? "").filter { $0 != "\u{0}" && $0 != " " }
                guard !original.isEmpty else { return "unknown" }
                return (retainUIDs ? original : key.uid(for: original)).filter { $0.isNumber || $0 == "." }
            }
            let relative = "\(uids[0])/\(uids[1])/\(uids[2]).dcm"
            if FileManager.default.fileExists(atPath: output + "/" + relative) {
                pairs.append(VerificationPair(position: index + 1, source: path, output: relative))
            }
        }
        var plan = VerificationPlan(pairing: .key, pairs: pairs, positionName: "source")
        if let data = FileManager.default.contents(atPath: output + "/report.json"),
           let report = try? JSONDecoder().decode(RunReport.self, from: data) {
            plan.options = Set(report.options.compactMap(ProfileOption.init(rawValue:)))
            plan.pixels = report.pixels
        }
        plan.unpaired = unpairedOutputs(in: output, pairs: pairs)
        return plan
    }

    /// Files under the output folder that are outputs and that no pair names.
    public static func unpairedOutputs(in folder: String, pairs: [VerificationPair]) -> [String] {
        let paired = Set(pairs.map(\.output))
        return outputFiles(in: folder).filter { !paired.contains($0) }
    }

    /// The files under an output folder of `run` or `commit` that are outputs, by relative path,
    /// sorted: not report.json, the journal or a write in progress (hidden), exports or quarantine.
    public static func outputFiles(in folder: String) -> [String] {
        var files: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        while let relative = walker.nextObject() as? String {
            let top = relative.split(separator: "/").first.map(String.init) ?? relative
            if top == "export" || top == "quarantine" {
                walker.skipDescendants()
                continue
            }
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            if relative == "report.json" || (relative as NSString).lastPathComponent.hasPrefix(".") { continue }
            files.append(relative)
        }
        return files.sorted()
    }
}
