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
    }
}
