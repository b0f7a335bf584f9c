// VerifiedOutput: one output's result in the quality check's report: where it is, its device, what was found and looked at.

/// One output's result in the report.
public struct VerifiedOutput: Sendable, Codable {
    public var position: Int
    public var positionName: String
    /// Relative to the output folder (built from replaced UIDs; for an unpaired file, as found).
    public var output: String
    /// The source's path: confidential, a path can carry a name.
    public var source: String?
    public var device: SourceFacts.Device?
    public var findings: [VerificationFinding]
    public var elementsChecked: Int
    public var bytesScanned: Int
    public var framesDecoded: Int
    public var wordsRead: Int

    public init(position: Int, positionName: String, output: String, device: SourceFacts.Device?, verification: Verification) {
        self.position = position
        self.positionName = positionName
        self.output = output
        self.device = device
        findings = verification.findings
        elementsChecked = verification.elementsChecked
        bytesScanned = verification.bytesScanned
        framesDecoded = verification.framesDecoded
        wordsRead = verification.wordsRead
    }

    /// "input 3", "instance 12".
    public var label: String { "\(positionName) \(position)" }
}
