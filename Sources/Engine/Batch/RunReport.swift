// RunReport: report.json of a run: settings, counts and one line per input (by position, never by value).
import Foundation

public struct RunReport: Codable, Sendable {
    public var tool = "dcmscrub"
    public var version = EngineVersion.current
    public var profile = "PS3.15 Basic Application Level Confidentiality Profile"
    public var options: [String]
    public var pixels: PixelPolicy
    public var pixelsNote: String
    /// What was checked of each output before delivery (nil in reports of earlier versions).
    public var deliveryCheck: String?
    public var inputs: Int
    public var delivered: Int
    public var quarantined: Int
    public var seconds: Double
    public var instances: [InstanceOutcome]

    init(settings: RunSettings, outcomes: [InstanceOutcome], seconds: Double) {
        self.init(settings: settings, inputs: outcomes.count, delivered: outcomes.filter { $0.state == .delivered }.count,
                  quarantined: outcomes.filter { $0.state == .quarantined }.count, instances: outcomes, seconds: seconds)
    }

    /// `instances` may be empty while the counts are of the whole run (BatchRun's spooled report).
    init(settings: RunSettings, inputs: Int, delivered: Int, quarantined: Int, instances: [InstanceOutcome], seconds: Double) {
        options = ProfileOption.allCases.filter(settings.options.contains).map(\.rawValue)
        pixels = settings.pixels
        pixelsNote = settings.pixels == .off
            ? "pixels off: Pixel Data was not examined for burned-in text; it is delivered as it came"
            : "pixels cleaned: device templates and OCR-detected text outside the allow list were redacted"
        switch settings.deliveryCheck {
        case .full?:
            deliveryCheck = "every output verified before delivery: headers, bytes, file names, structure"
                + (settings.pixels == .clean ? ", pixels compared with the source and read again by stricter OCR" : ", pixels compared with the source")
        case .headers?:
            deliveryCheck = "every output verified before delivery: headers, bytes, file names, structure; pixels compared with the source, not read again by OCR"
        case nil:
            deliveryCheck = "outputs were not verified before delivery"
        }
        self.inputs = inputs
        self.delivered = delivered
        self.quarantined = quarantined
        self.seconds = (seconds * 1000).rounded() / 1000
        self.instances = instances
    }

    /// The report as JSON, one instance per line: encoded piece by piece, so that a run of a
    /// million files does not hold a million encoded objects at once.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var head = self
        head.instances = []
        var text = try encoder.encode(head)
        guard text.count >= 2, text.last == UInt8(ascii: "}") else { return text }
        // Replace the empty list at the end of the sorted keys' object with the streamed one.
        let empty = Data(#""instances":[]"#.utf8)
        guard let range = text.range(of: empty) else { return text }
        var body = Data(#""instances":["#.utf8) + Data("\n".utf8)
        for (n, instance) in instances.enumerated() {
            body.append(try encoder.encode(instance))
            body.append(contentsOf: Array((n + 1 < instances.count ? ",\n" : "\n").utf8))
        }
        body.append(UInt8(ascii: "]"))
        text.replaceSubrange(range, with: body)
        text.append(UInt8(ascii: "\n"))
        return text
    }

    public var summary: String {
        "dcmscrub: \(inputs) inputs: \(delivered) delivered, \(quarantined) quarantined"
    }
}
