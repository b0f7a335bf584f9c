// PixelProposer: what to redact in an image: template regions for its device, and detected text off the allow list.

public struct PixelProposer: Sendable {
    public var detector = TextDetector()
    public var allowList = AllowList.standard
    /// Regions known for the image's device (template library), by name.
    public var templates: @Sendable (DicomItem, PixelInfo) -> [(name: String, rect: PixelRect)] = { _, _ in [] }
    /// Pixels added around detected words: anti-aliased glyph edges reach past Tesseract's box.
    public var margin = 2

    public init() {}

    /// Proposals for one file, read before its header is scrubbed (the header's identifiers explain
    /// what the text is). Throws when the pixels cannot be decoded or read: the caller quarantines.
    public func propose(_ file: DicomFile, identifiers: PatientIdentifiers) throws -> [Proposal] {
        let info = try file.pixelInfo()
        var proposals = templates(file.dataset, info).map {
            Proposal(rect: $0.rect.clipped(columns: info.columns, rows: info.rows), source: .template,
                     text: $0.name, confidence: 100, reason: "device template")
        }
        let matcher = PHIMatcher(identifiers: identifiers, allowList: allowList)
        let words = try detector.detect(file)
        for word in words where word.partial || !matcher.isSafe(word.text) {
            if word.text.isEmpty, Self.holdsOnlySafeWords(word, among: words, matcher) { continue }
            let rect = word.rect.inset(by: margin + word.rect.height / 4).clipped(columns: info.columns, rows: info.rows)
            if proposals.contains(where: { $0.source == .template && TextDetector.overlap($0.rect, rect) > 0.95 }) { continue }
            proposals.append(Proposal(rect: rect, source: .ocr, text: word.text, confidence: word.confidence,
                                      reason: word.text.isEmpty ? "text-like marks that could not be read"
                                        : matcher.reason(for: word.text) ?? (word.partial ? "a line read only in part"
                                        : "text not on the allow list")))
        }
        return Self.mergedLines(proposals)
    }

    /// An unread row of marks that holds only words the allow list passes ("12 cm"): some such
    /// word over most of it, and no other word, nor one read only in part. It stays unredacted, and
    /// the unattended check passes it too (Verifier.isUnreadText).
    static func holdsOnlySafeWords(_ row: DetectedText, among words: [DetectedText], _ matcher: PHIMatcher) -> Bool {
        let over = words.filter { TextDetector.overlap($0.rect, row.rect) > 0.5 }
        return over.contains { !$0.partial && !$0.text.isEmpty && matcher.isSafe($0.text) }
            && !over.contains { $0.partial || (!$0.text.isEmpty && !matcher.isSafe($0.text)) }
    }

    /// OCR boxes on one line that touch or nearly touch become one box, so a name split into words
    /// is covered whole, including the space between.
    static func mergedLines(_ proposals: [Proposal]) -> [Proposal] {
        var merged: [Proposal] = []
        for proposal in proposals.sorted(by: { ($0.rect.y, $0.rect.x) < ($1.rect.y, $1.rect.x) }) {
            if proposal.source == .ocr, let i = merged.lastIndex(where: { $0.source == .ocr && sameLine($0.rect, proposal.rect) }) {
                merged[i].rect = merged[i].rect.union(proposal.rect)
                merged[i].text += " " + proposal.text
                merged[i].confidence = min(merged[i].confidence, proposal.confidence)
                if merged[i].reason == "text not on the allow list" { merged[i].reason = proposal.reason }
            } else {
                merged.append(proposal)
            }
        }
        return merged
    }

    static func sameLine(_ a: PixelRect, _ b: PixelRect) -> Bool {
        let overlap = min(a.maxY, b.maxY) - max(a.y, b.y)
        let height = min(a.height, b.height)
        let gap = max(a.x, b.x) - min(a.maxX, b.maxX)
        return overlap * 2 >= height && gap <= max(a.height, b.height)
    }
}
