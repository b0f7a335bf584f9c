// Proposal: one rectangle the engine proposes to redact, with where it came from and why.

public struct Proposal: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable {
        case template, ocr, manual
    }

    public var rect: PixelRect
    public var source: Source
    /// The recognised text (OCR) or the template's name.
    public var text: String
    public var confidence: Float
    /// Why it identifies someone ("matches a name in the header", "a date or time"), or why the
    /// conservative policy redacts it anyway ("text not on the allow list").
    public var reason: String

    public init(rect: PixelRect, source: Source, text: String, confidence: Float, reason: String) {
        self.rect = rect
        self.source = source
        self.text = text
        self.confidence = confidence
        self.reason = reason
    }
}
