// Fixtures: real vendor files from pydicom's test set (fetched by scripts/test.sh) and scratch folders.
import Engine
import Foundation
import Testing

/// Swift Testing has a `Tag` of its own; in these tests Tag is the DICOM one.
typealias Tag = Engine.Tag

enum Fixtures {
    /// The folder of pydicom's test files; tests that need them fail (not skip) when it is missing.
    static var pydicomFolder: String {
        if let folder = ProcessInfo.processInfo.environment["DCMSCRUB_TEST_FILES"] { return folder }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        return root + "/.cache/pydicom/data/test_files"
    }

    static func pydicom(_ name: String) throws -> String {
        let path = pydicomFolder + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError(.io, "pydicom test file \(name) is missing: run scripts/test.sh (make test)")
        }
        return path
    }

    static func scratch(_ name: String = #function) throws -> String {
        let folder = NSTemporaryDirectory() + "dcmscrub-tests/\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static let key = ProjectKey(bytes: Array(repeating: 7, count: 32))
}
