// Support: shared helpers for the Review tests: scratch folders, a fixed clock, generated studies, the built binary.
import Engine
import Foundation
import Review
import Testing

/// Swift Testing has a `Tag` of its own; in these tests Tag is the DICOM one.
typealias Tag = Engine.Tag

enum Fixture {
    static func scratch(_ name: String = #function) throws -> String {
        let folder = NSTemporaryDirectory() + "dcmscrub-review-tests/\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Test time: decisions get it as a parameter, so every run records the same times.
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds) }

    /// `count` studies of `slices` CT images, one ultrasound frame and one report each, with fake identifiers.
    @discardableResult
    static func studies(in folder: String, count: Int, slices: Int = 2, firstSeed: UInt64 = 100) throws -> [String] {
        var files: [String] = []
        for i in 0..<count {
            let seed = firstSeed + UInt64(i)
            let patient = [SamplePatient.lithuanian, .german, .plain][i % 3]
            files += try SampleStudy(patient: patient, seed: seed).writeStudy(into: folder + "/s\(seed)", slices: slices)
        }
        return files
    }

    static func workspace(_ folder: String, pixels: PixelPolicy = .off, as reviewer: Reviewer = .alice,
                          claimExpiry: Double = 120) throws -> Workspace {
        try Workspace.create(at: folder, settings: WorkspaceSettings(pixels: pixels, claimExpiry: claimExpiry), reviewer: reviewer, at: at(0))
    }

    /// The group of instances made by one SampleStudy kind.
    static func group(_ workspace: Workspace, model: String, rows: Int) throws -> DeviceGroup {
        try #require(try workspace.groups().first { $0.model == model && $0.rows == rows })
    }

    /// The dcmscrub binary next to this test bundle (any --scratch-path), else .build/debug.
    static var dcmscrub: String {
        if let path = ProcessInfo.processInfo.environment["DCMSCRUB_BINARY"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dcmscrub").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        for argument in CommandLine.arguments where argument.contains(".xctest") {
            let candidate = URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("dcmscrub").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return root + "/.build/debug/dcmscrub"
    }

    /// A pid that belonged to a process that has ended.
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
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

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}

extension Reviewer {
    static let alice = Reviewer(login: "alice", host: "review-test", pid: getpid())
    static let bob = Reviewer(login: "bob", host: "review-test", pid: getpid())
}

struct Executed {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Command {
    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixture.dcmscrub)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func finish(_ started: (Process, Pipe, Pipe)) -> Executed {
        let (process, out, err) = started
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Executed(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self))
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Executed {
        finish(try start(arguments))
    }
}
