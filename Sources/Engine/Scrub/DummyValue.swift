// DummyValue: the non-empty stand-ins of action D, valid for their VR.

enum DummyValue {
    static func text(for vr: VR) -> String? {
        switch vr {
        case "PN": "ANONYMIZED^" // with a component separator: without one it reads as the retired PN form
        case "LO", "SH", "LT", "ST", "UT", "UC", "CS", "AE": "ANONYMIZED"
        case "DA": "19000101"
        case "TM": "000000"
        case "DT": "19000101000000"
        case "AS": "000Y"
        case "IS", "DS": "0"
        case "UR": "urn:anonymized"
        default: nil
        }
    }

    /// A one-page empty PDF: the dummy for Encapsulated Document, so a PDF object stays a PDF.
    static let emptyPDF: [UInt8] = Array("""
        %PDF-1.4
        1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
        2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
        3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj
        trailer<</Root 1 0 R>>
        %%EOF

        """.utf8)
}
