// PixelBytes: the stored Pixel Data of a file (value or fragments, byte for byte), nil only when it has none.
import Engine
import Foundation

enum PixelBytes {
    static func of(_ path: String) throws -> [[UInt8]]? {
        guard try DicomFile.open(path: path).dataset.index(of: .pixelData) != nil else { return nil }
        return try RedactionCheck.storedPixels(path)
    }
}
