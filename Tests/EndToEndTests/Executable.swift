// Executable: runs the built dcmscrub binary and other command-line tools for the end-to-end tests.
import Engine
import Foundation

struct Executed {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Executable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let dcmscrub = root + "/.build/debug/dcmscrub"

    static var pydicomFolder: String {
        ProcessInfo.processInfo.environment["DCMSCRUB_TEST_FILES"] ?? root + "/Tests/.cache/pydicom/data/test_files"
    }

    static func start(_ path: String, _ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> Executed {
        let (process, out, err) = try start(path, arguments)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Executed(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func scratch(_ name: String = #function) throws -> String {
        let folder = NSTemporaryDirectory() + "dcmscrub-e2e/\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Regular files under a folder by relative path, with their bytes.
    static func tree(_ folder: String) -> [String: Data] {
        var result: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder)
        while let relative = walker?.nextObject() as? String {
            guard walker?.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            result[relative] = FileManager.default.contents(atPath: folder + "/" + relative)
        }
        return result
    }
}
