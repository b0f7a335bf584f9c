// `dcmscrub ingest`: index files into a review workspace (created when missing) with the engine's proposals.
import ArgumentParser
import Engine
import Foundation
import Review

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Index DICOM files into a review workspace, group them by device and store the engine's proposals.")

    @Argument(help: "DICOM files or folders (walked recursively).")
    var sources: [String]

    @Option(name: .long, help: "The review workspace folder (created, mode 0700, when missing).")
    var workspace: String

    @Option(name: .customLong("option"), help: "A PS3.15 profile option, fixed when the workspace is created.")
    var options: [ProfileOption] = []

    @Option(name: .long, help: "clean: propose boxes from templates and OCR; off: header-only review. Fixed when the workspace is created.")
    var pixels: PixelPolicy?

    @Option(name: .long, help: "A template library folder applied to groups without a reviewer template.")
    var templates: String?

    @Flag(name: .long, help: "Do not apply the shipped CTP and deid template libraries (fixed when the workspace is created).")
    var noBuiltinTemplates = false

    @Option(name: .long, help: "Parallel workers.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let requested = WorkspaceSettings(pixels: pixels ?? .clean, options: options, builtinTemplates: !noBuiltinTemplates)
        let workspace: Workspace = try reviewing {
            guard Workspace.exists(at: self.workspace) else {
                return try Workspace.create(at: self.workspace, settings: requested, at: Date())
            }
            let existing = try Workspace.open(at: self.workspace)
            let given = existing.settings
            if (pixels != nil && pixels != given.pixels) || (!options.isEmpty && Set(options) != Set(given.options))
                || (noBuiltinTemplates && given.builtinTemplates) {
                throw ReviewError(.usage, "the workspace was created with other settings (pixels \(given.pixels.rawValue), "
                    + "options \(given.options.isEmpty ? "none" : given.options.map(\.rawValue).joined(separator: ",")))")
            }
            return existing
        }
        var ingestOptions = IngestOptions()
        ingestOptions.jobs = max(1, jobs)
        ingestOptions.templates = try reviewing { try templates.map { try TemplateLibrary.load(from: $0).current } ?? [] }
        let line = ProgressLine("ingested")
        let summary = try reviewing {
            try workspace.ingest(sources, options: ingestOptions, at: Date()) { line.show(done: $0.done, total: $0.total) }
        }
        print(summary.summary + String(format: " in %.1f s", summary.seconds))
    }
}
