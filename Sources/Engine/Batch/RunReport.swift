// RunReport: report.json of a run: settings, counts and one line per input (by position, never by value).
import Foundation

public struct RunReport: Codable, Sendable {
    public var tool = "dcmscrub"
    public var version = EngineVersion.current
    public var profile = "PS3.15 Basic Application Level Confidentiality Profile"
    public var options: [String]
    public var pixels: PixelPolicy
    public var pixelsNote: String
    public var inputs: Int
    public var delivered: Int
    public var quarantined: Int
    public var seconds: Double
    public var instances: [InstanceOutcome]

    init(settings: RunSettings, outcomes: [InstanceOutcome], seconds: Double) {
        options = ProfileOption.allCases.filter(settings.options.contains).map(\.rawValue)
        pixels = settings.pixels
        pixelsNote = settings.pixels == .off
            ? "pixels off: Pixel Data was not examined for burned-in text; it is delivered as it came"
            : "pixels cleaned: device templates and OCR-detected text outside the allow list were redacted"
        inputs = outcomes.count
        delivered = outcomes.filter { $0.state == .delivered }.count
        quarantined = outcomes.filter { $0.state == .quarantined }.count
        self.seconds = (seconds * 1000).rounded() / 1000
        instances = outcomes
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public var summary: String {
        "dcmscrub: \(inputs) inputs: \(delivered) delivered, \(quarantined) quarantined"
    }
}
