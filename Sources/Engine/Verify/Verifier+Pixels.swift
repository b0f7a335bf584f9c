// Verifier+Pixels: structure (SOP class, geometry, every frame, pixels outside the redactions) and OCR of what the output shows.
import Foundation

extension Verifier {
    func checkPixels(_ file: DicomFile, bytes: UnsafeRawBufferPointer?, subject: Subject, into result: inout Verification) {
        let facts = subject.source
        let dataset = file.dataset
        if (dataset.string(.sopClassUID) ?? "") != facts.sopClassUID {
            result.findings.append(VerificationFinding(kind: .sopClassChanged, location: Tag.sopClassUID.description))
        }
        guard file.hasPixelData else {
            if facts.geometry != nil { result.findings.append(VerificationFinding(kind: .geometryChanged, location: Tag.pixelData.description)) }
            return
        }
        // Frames stored otherwise than the output's transfer syntax says decode as noise, or not at all.
        if !file.storesPixelDataAsItsSyntaxSays {
            result.findings.append(VerificationFinding(kind: .undecodableFrame, location: Tag.pixelData.description))
            return
        }
        let info: PixelInfo
        do { info = try file.pixelInfo() } catch {
            result.findings.append(VerificationFinding(kind: .undecodableFrame, location: Tag.pixelData.description))
            return
        }
        let sameGeometry = facts.geometry.map { Self.geometryFindings($0, info, into: &result) } ?? false
        if facts.geometry == nil { result.findings.append(VerificationFinding(kind: .geometryChanged, location: Tag.pixelData.description)) }
        let unchanged = sameGeometry && storedPixelsEqual(bytes, file: file, facts: facts)
        guard frames == .all || !unchanged || pixels == .ocr else { return }
        if file.keptPixelData != nil {
            // Pixel Data read only as stored, and not the source's: its frames are read now.
            guard file.storedValue == nil, let bytes, let whole = try? DicomFile.open(bytes: bytes) else {
                result.findings.append(VerificationFinding(kind: .unreadable, location: Tag.pixelData.description))
                return
            }
            return checkFrames(whole, info: info, sameGeometry: sameGeometry, unchanged: unchanged, subject: subject, into: &result)
        }
        checkFrames(file, info: info, sameGeometry: sameGeometry, unchanged: unchanged, subject: subject, into: &result)
    }

    /// Every frame decoded, compared with the source's where the stored pixels differ, and read
    /// by OCR when asked.
    private func checkFrames(_ file: DicomFile, info: PixelInfo, sameGeometry: Bool, unchanged: Bool, subject: Subject,
                             into result: inout Verification) {
        let facts = subject.source
        let dataset = file.dataset

        // The source is read again only to compare changed pixels, or to look for what detection saw.
        var source: (file: DicomFile, info: PixelInfo)?
        let needsSourceText = pixels == .ocr && facts.detectedText == nil
        if sameGeometry && (!unchanged || needsSourceText) {
            if let file = try? facts.openSource(maxBytes: maxBytes), let info = try? file.pixelInfo() {
                source = (file, info)
            } else if !unchanged {
                result.findings.append(VerificationFinding(kind: .pixelsChanged, location: "frames (the source cannot be read to compare)"))
            }
        }
        let comparison = unchanged ? nil : source.map { PixelComparison(output: dataset, info: info, redactions: subject.redactions, source: $0.info) }
        var projection = pixels == .ocr ? FrameProjection() : nil
        let display = FrameRaster.Display(dataset)
        var mismatched = 0
        for index in 0..<info.frames {
            let frame: Frame
            do { frame = try file.decodeFrame(index, info: info) } catch {
                result.findings.append(VerificationFinding(kind: .undecodableFrame, location: "frame \(index + 1)", frame: index + 1))
                continue
            }
            result.framesDecoded += 1
            if let comparison, let source {
                // A source frame that no longer decodes cannot show the output's pixels unchanged.
                let before = try? source.file.decodeFrame(index, info: source.info)
                let region = before.flatMap { comparison.offending(output: frame, source: $0) }
                if before == nil || region != nil {
                    mismatched += 1
                    if mismatched <= 3 {
                        let place = region.map(\.description) ?? "(the source cannot be read to compare)"
                        result.findings.append(VerificationFinding(kind: .pixelsChanged, location: "frame \(index + 1) \(place)",
                                                                   frame: index + 1, region: region))
                    }
                }
            }
            projection?.add(FrameRaster(frame: frame, info: info, display: display))
        }
        if mismatched > 3 {
            result.findings.append(VerificationFinding(kind: .pixelsChanged, location: "\(mismatched - 3) more frames"))
        }
        guard let projection else { return }
        readText(projection, subject: subject, file: file, info: info, display: display, into: &result)
        sourceTextFindings(projection, subject: subject, source: source, unchanged: unchanged, into: &result)
    }

    /// Rows, columns, frames and sample layout as the source had them; true when all agree.
    static func geometryFindings(_ g: SourceFacts.Geometry, _ info: PixelInfo, into result: inout Verification) -> Bool {
        let pairs: [(Tag, Int, Int)] = [
            (Tag(0x0028, 0x0010), g.rows, info.rows), (Tag(0x0028, 0x0011), g.columns, info.columns),
            (Tag(0x0028, 0x0008), g.frames, info.frames), (Tag(0x0028, 0x0002), g.samplesPerPixel, info.samplesPerPixel),
            (Tag(0x0028, 0x0100), g.bitsAllocated, info.bitsAllocated), (Tag(0x0028, 0x0101), g.bitsStored, info.bitsStored),
            (Tag(0x0028, 0x0103), g.isSigned ? 1 : 0, info.isSigned ? 1 : 0),
        ]
        var same = true
        for (tag, before, after) in pairs where before != after {
            result.findings.append(VerificationFinding(kind: .geometryChanged, location: tag.description))
            same = false
        }
        return same
    }

    /// True when the output stores the source's Pixel Data byte for byte in the same transfer syntax.
    func storedPixelsEqual(_ bytes: UnsafeRawBufferPointer?, file: DicomFile, facts: SourceFacts) -> Bool {
        guard let bytes, file.transferSyntax == facts.transferSyntax else { return false }
        if let value = file.storedValue {
            // The output's value is copied from the source file by its writer: it is the source's
            // when it is the very value the source was read with, whose length its header states.
            return value === facts.storedValue
        }
        if let stored = facts.stored {
            return stored.withUnsafeBytes { storedPixelsEqual(bytes, file: file, source: $0, facts: facts) }
        }
        guard let sourceFile = try? FileBytes(path: facts.path) else { return false }
        return storedPixelsEqual(bytes, file: file, source: sourceFile.bytes, facts: facts)
    }

    private func storedPixelsEqual(_ bytes: UnsafeRawBufferPointer, file: DicomFile, source: UnsafeRawBufferPointer,
                                   facts: SourceFacts) -> Bool {
        guard let out = PixelDataSpan.of(file, in: bytes),
              let inn = PixelDataSpan.locate(in: source, transferSyntax: facts.transferSyntax, nativeLength: nil),
              out.value.count == inn.value.count else { return false }
        return memcmp(bytes.baseAddress! + out.value.lowerBound, source.baseAddress! + inn.value.lowerBound, out.value.count) == 0
    }

    /// Strict OCR of the views that show every frame's text: a single frame itself; for a cine the
    /// brightest and the darkest value each pixel took, so text in any one frame is in one of them.
    private func readText(_ projection: FrameProjection, subject: Subject, file: DicomFile, info: PixelInfo,
                          display: FrameRaster.Display, into result: inout Verification) {
        let facts = subject.source
        let matcher = PHIMatcher(identifiers: facts.identifiers, allowList: allowList)
        var found: [(word: DetectedText, view: Int)] = []
        for (view, raster) in projection.views.enumerated() {
            guard let words = try? detector.detect(raster) else {
                result.findings.append(VerificationFinding(kind: .burnedInText, location: "frames (text detection failed)"))
                continue
            }
            result.wordsRead += words.count
            for word in words where isFinding(word, matcher) || (unattended && (Self.isUnreadText(word, among: words, matcher)
                || Self.isReadInPart(word) || Self.cutByRedaction(word, subject.redactions ?? []))) {
                if found.contains(where: { TextDetector.overlap($0.word.rect, word.rect) > 0.6 && $0.word.text == word.text }) { continue }
                found.append((word, view))
            }
        }
        let frames = projection.frames == 1 ? found.map { _ in 1 }
            : framesShowing(found.map { ($0.word.rect, $0.view) }, projection: projection, file: file, info: info, display: display)
        for ((word, _), frame) in zip(found, frames) {
            let location = "frame \(frame.map(String.init) ?? "?") \(word.rect)"
            if let term = matcher.matchedIdentifier(in: word.text) {
                let origin = facts.origin(of: term)
                result.findings.append(VerificationFinding(kind: .burnedInIdentifier, location: location, valueKind: origin?.kind ?? .text,
                                                           sourceTag: origin?.tag, value: word.text, frame: frame, region: word.rect))
            } else {
                result.findings.append(VerificationFinding(kind: .burnedInText, location: location, valueKind: .text,
                                                           value: word.text, frame: frame, region: word.rect))
            }
        }
    }

    /// Text that identifies (a name, ID or date of the header, any date, time or long number) at
    /// the low confidence strict OCR reads at; other text off the allow list once it is legible:
    /// three letters or digits, read with confidence, as tall as text is drawn. Below that, image texture reads as words
    /// ("ae", "wal") on every ultrasound, and a check that always fails checks nothing.
    func isFinding(_ word: DetectedText, _ matcher: PHIMatcher) -> Bool {
        guard !word.text.isEmpty, !matcher.isSafe(word.text) || word.partial else { return false }
        if matcher.reason(for: word.text) != nil { return true }
        return word.text.filter { $0.isLetter || $0.isNumber }.count >= 3 && word.confidence >= Self.legibleConfidence
            && word.rect.height >= Self.legibleHeight && !matcher.isSafe(word.text)
    }

    /// A row of glyph-sized marks in one flat colour that no word read explains: detection redacts
    /// such rows unread, and the check must not pass them because it cannot read them either
    /// ("ID DE77120" left on texture read as nothing). By detection's own rule, a row that only
    /// words on the allow list cover is harmless ("12 cm").
    static func isUnreadText(_ word: DetectedText, among words: [DetectedText], _ matcher: PHIMatcher) -> Bool {
        word.text.isEmpty && !PixelProposer.holdsOnlySafeWords(word, among: words, matcher)
    }

    /// A word read with confidence whose line goes on in marks it did not read ("ID" of
    /// "ID PX-1001"): what it says cannot vouch for the rest of its box.
    static func isReadInPart(_ word: DetectedText) -> Bool {
        word.partial && !word.text.isEmpty && word.confidence >= legibleConfidence && word.rect.height >= legibleHeight
    }

    /// Text on a redaction's line that touches its edge: the rest of a word the box cut ("kos" of
    /// "Klinikos", "09-" of "09-Jul-1990", "MI" of "MÜLLER", which reads as the mechanical index).
    /// The allow list never vouches for what a box left of a word, however short. A separate
    /// word a space away is not this: boxes stand beside harmless words ("TIs" beside "0.4").
    /// Only what reads as text: a word read with some confidence, no taller than the box (image
    /// texture beside a box on the image reads as large low-confidence "words").
    static func cutByRedaction(_ word: DetectedText, _ redactions: [PixelRect]) -> Bool {
        let rect = word.rect
        guard !word.text.isEmpty, word.confidence >= Self.cutConfidence, rect.height >= legibleHeight else { return false }
        return redactions.contains { box in
            let overlap = min(box.maxY, rect.maxY) - max(box.y, rect.y)
            let gap = max(box.x - rect.maxX, rect.x - box.maxX)
            return overlap * 2 >= rect.height && rect.height <= box.height + 2 && gap <= Self.cutGap
        }
    }

    static let cutConfidence: Float = 45

    /// Pixels between a box and the text it cut: Tesseract's word box can stop a pixel short of
    /// the ink, and the ink can end a pixel short of the box.
    static let cutGap = 2

    static let legibleConfidence: Float = 60
    /// Overlay text is drawn 7 px tall or more; a "word" 4 px tall is texture read through the upscale.
    static let legibleHeight = 6

    /// For each region, the frame (1-based) of a cine nearest to the projection it was read in:
    /// the one that put the text there. One more pass over the frames, only when text was found.
    private func framesShowing(_ regions: [(PixelRect, Int)], projection: FrameProjection, file: DicomFile, info: PixelInfo,
                               display: FrameRaster.Display) -> [Int?] {
        guard !regions.isEmpty else { return [] }
        var best = [(frame: Int, distance: Int)?](repeating: nil, count: regions.count)
        for index in 0..<info.frames {
            guard let frame = try? file.decodeFrame(index, info: info) else { continue }
            let raster = FrameRaster(frame: frame, info: info, display: display)
            for (k, (rect, view)) in regions.enumerated() {
                let d = projection.distance(of: raster, from: view, in: rect)
                if best[k] == nil || d < best[k]!.distance { best[k] = (index + 1, d) }
            }
        }
        return best.map { $0?.frame }
    }

    /// The identifying words detection read in the source (or reads now) must not be readable in
    /// the output: not left as they were, and not legible to OCR of the region upscaled.
    private func sourceTextFindings(_ projection: FrameProjection, subject: Subject, source: (file: DicomFile, info: PixelInfo)?,
                                    unchanged: Bool, into result: inout Verification) {
        let facts = subject.source
        let matcher = PHIMatcher(identifiers: facts.identifiers, allowList: allowList)
        let seen: [DetectedText]
        if let known = facts.detectedText {
            seen = known
        } else if let source, let detected = try? sourceDetector.detect(source.file) {
            seen = detected
        } else {
            seen = []
        }
        guard let shown = projection.views.first else { return }
        let reported = result.findings.compactMap(\.region)
        for word in seen where !word.text.isEmpty && matcher.reason(for: word.text) != nil {
            if reported.contains(where: { TextDetector.overlap($0, word.rect) > 0.5 }) { continue }
            let term = matcher.matchedIdentifier(in: word.text)
            let origin = term.flatMap(facts.origin(of:))
            let seenText = TextMatcher.fold(word.text).filter { $0.isLetter || $0.isNumber }
            let legible = unchanged || readRegion(shown.gray, word.rect).contains { read in
                let folded = TextMatcher.fold(read.text).filter { $0.isLetter || $0.isNumber }
                return matcher.reason(for: read.text) != nil
                    || (folded.count >= 4 && read.confidence >= 40 && seenText.contains(folded))
            }
            guard legible else { continue }
            result.findings.append(VerificationFinding(
                kind: .burnedInIdentifier, location: "frame 1 \(word.rect) (seen in the source)", valueKind: origin?.kind ?? .text,
                sourceTag: origin?.tag, value: word.text, frame: 1, region: word.rect))
        }
    }

    /// Words read in one region, upscaled 4x, in both polarities. A region of one level (a box's
    /// fill on a black ground) holds none.
    private func readRegion(_ gray: GrayImage, _ rect: PixelRect) -> [RecognizedWord] {
        let margin = max(2, rect.height / 2)
        let crop = gray.cropped(to: rect.inset(by: margin))
        guard crop.width >= 4, crop.height >= 4, crop.pixels.contains(where: { $0 != crop.pixels[0] }) else { return [] }
        let words = try? [crop.inverted(), crop].flatMap { try detector.words(in: $0, factor: 4) }
        return words ?? []
    }
}
