// Admission: what a file must be before the engine works on it: a DICOM object with an identity, not a directory.
import Foundation

enum Admission {
    /// Media Storage Directory: its records point to the original file names, and outputs get new ones.
    static let dicomdirClass = "1.2.840.10008.1.3.10"
    static func check(_ file: DicomFile) throws {
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
        // A transfer syntax DCMTK does not know: it reads the dataset in the syntax it detects,
        // but cannot know how the Pixel Data is encoded, and would write compressed frames under
        // an uncompressed syntax.
        if let declared = file.meta.string(.transferSyntaxUID), !declared.isEmpty, declared != file.transferSyntax {
            throw EngineError(.unsupported, "unknown transfer syntax in the meta header (0002,0010)")
        }
        // Compressed frames under an uncompressed syntax, or the reverse: no reader decodes them
        // as they are stored, and neither can the pixel step or the check.
        if !file.storesPixelDataAsItsSyntaxSays {
            throw EngineError(.malformed, "Pixel Data is not stored as its transfer syntax says (encapsulated or not)")
        }
    }
}
