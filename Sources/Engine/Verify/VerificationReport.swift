// VerificationReport: what `verify` found, as terminal lines without values and as confidential JSON with them.
import Foundation

public struct VerificationReport: Sendable, Codable {
    public static let notice = "CONFIDENTIAL: this report quotes identifying values of the source images (names, IDs, dates, UIDs) "
        + "where the quality check found them. Keep it with the originals, never with the released data."

    public var confidential = VerificationReport.notice
    public var tool = "dcmscrub verify"
    public var version = EngineVersion.current
    public var pairing: VerificationPlan.Pairing
    /// What the positions count: "input" (the run's), "instance" (the workspace's) or "source".
    public var positionName: String
    public var options: [String]
    public var pixels: Verifier.PixelCheck
    public var outputsChecked: Int
    public var outputsWithFindings: Int
    public var findings: Int
    public var findingsByKind: [String: Int]
    /// What was looked at, over all outputs: elements, bytes scanned, frames decoded, words read by OCR.
    public var lookedAt: [String: Int]
    /// Sources that could not be read: their outputs were not checked (exit status 2).
    public var unreadableSources: [Int]
    public var seconds: Double
    public var groups: [DeviceGroupTotal]
    public var outputs: [VerifiedOutput]

    public struct DeviceGroupTotal: Sendable, Codable {
        public var device: SourceFacts.Device?
        public var label: String
        public var outputs: Int
        public var withFindings: Int
        public var findings: Int
    }

    init(plan: VerificationPlan, verifier: Verifier, outputs: [VerifiedOutput], unreadableSources: [Int], seconds: Double) {
        pairing = plan.pairing
        positionName = plan.positionName
        options = ProfileOption.allCases.filter(verifier.profile.options.contains).map(\.rawValue)
        pixels = verifier.pixels
        self.outputs = outputs
        outputsChecked = outputs.count
        outputsWithFindings = outputs.filter { !$0.findings.isEmpty }.count
        findings = outputs.reduce(0) { $0 + $1.findings.count }
        var byKind: [String: Int] = [:]
        for finding in outputs.flatMap(\.findings) { byKind[finding.kind.rawValue, default: 0] += 1 }
        findingsByKind = byKind
        lookedAt = ["elements": outputs.reduce(0) { $0 + $1.elementsChecked }, "bytes": outputs.reduce(0) { $0 + $1.bytesScanned },
                   "frames": outputs.reduce(0) { $0 + $1.framesDecoded }, "words": outputs.reduce(0) { $0 + $1.wordsRead }]
        self.unreadableSources = unreadableSources
        self.seconds = (seconds * 1000).rounded() / 1000
        let grouped = Dictionary(grouping: outputs) { $0.device?.label ?? "unpaired" }
        groups = grouped.keys.sorted().map { label in
            let members = grouped[label] ?? []
            return DeviceGroupTotal(device: members.first?.device, label: label, outputs: members.count,
                                    withFindings: members.filter { !$0.findings.isEmpty }.count,
                                    findings: members.reduce(0) { $0 + $1.findings.count })
        }
    }

    /// Nothing remains: every paired output checked and clean, no unpaired file.
    public var passed: Bool { findings == 0 && unreadableSources.isEmpty }

    /// The terminal's lines: outputs by position, findings by kind and place, never a value or path.
    public var terminalLines: [String] {
        var lines: [String] = []
        for output in outputs.sorted(by: { ($0.positionName, $0.position) < ($1.positionName, $1.position) }) {
            for finding in output.findings { lines.append("\(output.label): \(finding.summary)") }
        }
        for position in unreadableSources { lines.append("\(positionName) \(position): the source cannot be read; its output was not checked") }
        return lines
    }

    public var summary: String {
        let kinds = findingsByKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let pixelNote = pixels == .off ? " (pixels not read)" : ""
        return "dcmscrub verify: \(outputsChecked) outputs checked\(pixelNote): "
            + (findings == 0 ? "nothing identifying found" : "\(outputsWithFindings) with findings (\(kinds))")
    }

    /// Pretty JSON with the confidential notice first, written with mode 0600.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(self)
        // Sorted keys put "confidential" first (no other key sorts before it; keep it so), so a
        // reader of the raw file sees the notice before any value.
        if data.last != 0x0A { data.append(0x0A) }
        try AtomicFile.write(data, to: path, mode: 0o600)
    }
}
