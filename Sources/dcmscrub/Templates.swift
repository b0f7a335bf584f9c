// `dcmscrub templates`: list, import and export the device templates of burned-in text.
import ArgumentParser
import Engine
import Foundation

extension TemplateFormat: ExpressibleByArgument {}
extension BuiltinTemplates: ExpressibleByArgument {}

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Device templates: where each device burns text into its images.",
        subcommands: [List.self, Import.self, Export.self])

    struct LibraryOption: ParsableArguments {
        @Option(name: .long, help: "Template folder (default: ~/.local/share/dcmscrub/templates).")
        var library: String?

        var folder: String { library ?? TemplateLibrary.defaultFolder }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest version of every template.")

        @OptionGroup var options: LibraryOption

        func run() throws {
            let library = try loadLibrary(options.folder)
            for template in library.current { print(template.summary) }
            print("\(library.current.count) templates in \(options.folder)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CTP DicomPixelAnonymizer script or a deid recipe; report every entry that cannot be read.")

        @Argument(help: "The file to import.")
        var file: String?

        @Option(name: .long, help: "Format of FILE: ctp or deid.")
        var format: TemplateFormat?

        @Option(name: .long, help: "Import a shipped reference instead of FILE: ctp, deid or deid-ultrasound.")
        var builtin: BuiltinTemplates?

        @OptionGroup var options: LibraryOption

        func validate() throws {
            switch (file, builtin) {
            case (nil, nil): throw ValidationError("Give a FILE with --format, or --builtin.")
            case (.some, .some): throw ValidationError("Give either a FILE or --builtin, not both.")
            case (.some, nil) where format == nil: throw ValidationError("--format ctp|deid is required with a FILE.")
            default: break
            }
        }

        func run() throws {
            var library = try loadLibrary(options.folder)
            let path: String, shown: String, kind: TemplateFormat
            if let builtin {
                path = try engine { try builtin.path }
                shown = builtin.fileName
                kind = builtin.format
            } else {
                path = file!
                shown = file!
                kind = format!
            }
            let summary = try engine(naming: shown) { try library.importTemplates(from: path, format: kind) }
            try engine { try library.save() }
            let parsed = summary.parsed
            print("imported \(parsed.templates.count) of \(parsed.entryCount) entries from \(shown): "
                + "\(summary.added) new, \(summary.newVersions) new versions, \(summary.unchanged) unchanged")
            for problem in parsed.problems {
                FileHandle.standardError.write(Data("\(shown):\(problem.line): \(problem.reason)\n".utf8))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every template, every version, as one JSON array.")

        @OptionGroup var options: LibraryOption

        @Option(name: .long, help: "Output file.")
        var out: String

        func run() throws {
            let library = try loadLibrary(options.folder)
            try engine { try AtomicFile.write(try library.exportJSON(), to: out) }
            print("exported \(library.templates.count) templates to \(out)")
        }
    }
}

private func loadLibrary(_ folder: String) throws -> TemplateLibrary {
    try engine { try TemplateLibrary.load(from: folder) }
}

/// Engine errors end the command with their one-line message, after the file the user named, and exit status 2.
private func engine<T>(naming file: String? = nil, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as EngineError {
        let prefix = file.map { "dcmscrub: \($0): " } ?? "dcmscrub: "
        FileHandle.standardError.write(Data((prefix + error.message + "\n").utf8))
        throw ExitCode(2)
    }
}
