// Admission: what a file must be before it may be delivered: DICOM with an identity, pixels decodable, no unreviewed risk.
import Foundation

enum Admission {
    /// Media Storage Directory: its records point to the original file names, and outputs get new ones.
    static let dicomdirClass = "1.2.840.10008.1.3.10"
    /// Cross-sectional modalities whose images rarely carry burned-in text; even these go to review
    /// unless the file itself says Burned In Annotation NO.
    static let lowRiskModalities: Set<String> = ["CT", "MR", "PT", "NM"]
    /// Secondary Capture classes are screenshots: text is the rule, not the exception.
    static let secondaryCapturePrefix = "1.2.840.10008.5.1.4.1.1.7"

    static func check(_ file: DicomFile, pixels: PixelPolicy) throws {
        let dataset = file.dataset
        guard let sopClass = dataset.string(.sopClassUID), !sopClass.isEmpty else {
            // Without a preamble DCMTK will read almost anything as a dataset; a SOP Class is what
            // tells a DICOM object from noise.
            throw EngineError(file.hasPreamble ? .malformed : .notDICOM,
                              file.hasPreamble ? "no SOP Class UID" : "not DICOM (no preamble and no SOP Class UID)")
        }
        if sopClass == dicomdirClass {
            throw EngineError(.unsupported, "a DICOMDIR is not delivered; outputs get their own names")
        }
        guard dataset.index(of: .pixelData) != nil, pixels == .review else { return }
        let info = try file.pixelInfo()
        for frame in 0..<info.frames {
            _ = try file.decodeFrame(frame, info: info)
        }
        let modality = dataset.string(.modality) ?? ""
        let burnedIn = dataset.string(.burnedInAnnotation) ?? ""
        if burnedIn == "NO" && lowRiskModalities.contains(modality) && !sopClass.hasPrefix(secondaryCapturePrefix) {
            return
        }
        throw EngineError(.needsPixelReview,
                          "image may carry burned-in text and pixel redaction is not available yet (--pixels off delivers it as it is)")
    }
}
