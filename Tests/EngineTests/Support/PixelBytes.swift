// PixelBytes: the stored Pixel Data of a file as bytes, compressed or not, to compare outputs with inputs.
import Engine
import Foundation

enum PixelBytes {
    /// Everything from the Pixel Data value to the end of the file, found by dcmdump's offset of
    /// (7FE0,0010): byte for byte what the file holds, fragments and all.
    static func of(_ path: String) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dcmdump")
        let folder = NSTemporaryDirectory() + "dcmscrub-pixels-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        process.arguments = ["-q", "+W", folder, "+P", "7fe0,0010", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // dcmdump +W writes each pixel value or fragment to a .raw file named in its output.
        var data = Data()
        for line in text.split(separator: "\n") {
            guard let start = line.range(of: "=")?.upperBound else { continue }
            let name = line[start...].trimmingCharacters(in: .whitespaces)
            if name.hasSuffix(".raw"), let bytes = FileManager.default.contents(atPath: folder + "/" + (name as NSString).lastPathComponent) {
                data.append(bytes)
            }
        }
        return data.isEmpty ? nil : data
    }

}
