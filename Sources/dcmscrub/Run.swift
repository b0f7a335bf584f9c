// `dcmscrub run`: the unattended batch.
import ArgumentParser
import Engine
import Foundation

extension ProfileOption: ExpressibleByArgument {}
extension PixelPolicy: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
extension DeliveryCheck: ExpressibleByArgument {}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "De-identify files and folders into DIR; every input ends delivered or quarantined with a reason.")

    @Argument(help: "DICOM files or folders (walked recursively).")
    var sources: [String]

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Project key file (created with mode 0600 when missing). Without it, a random key for this run only.")
    var key: String?

    @Option(name: .long, help: "Write the old-to-new crosswalk of UIDs, Patient IDs and files to FILE (CSV, mode 0600).")
    var map: String?

    @Option(name: .customLong("option"), help: "A PS3.15 profile option: \(ProfileOption.allCases.map(\.rawValue).joined(separator: ", ")).")
    var options: [ProfileOption] = []

    @Option(name: .long, help: "clean: redact burned-in text (device templates, then OCR); off: do not look at pixels (stated in the report).")
    var pixels: PixelPolicy = .clean

    @Option(name: .long, help: "A template library folder (dcmscrub templates import) applied with the shipped CTP and deid libraries.")
    var templates: String?

    @Flag(name: .long, help: "Do not apply the shipped CTP and deid template libraries.")
    var noBuiltinTemplates = false

    @Option(name: .long, help: "Also write the redacted pixels under DIR/export: jpeg (one per frame) or mp4 (one per multi-frame image), with index.csv.")
    var export: ExportFormat?

    @Option(name: .long, help: ArgumentHelp(
        "What is checked of every output before it is delivered; one that fails is quarantined.",
        discussion: "full (default): headers, bytes, file names, structure, and with --pixels clean the pixels read again by OCR stricter than detection (a pixel-cleaning run takes about 1.3 to 1.5 times as long as with headers); headers: all of that but the OCR."))
    var verify: DeliveryCheck = .full

    @Option(name: .long, help: "Parallel workers.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let projectKey: ProjectKey
        let fingerprint: String
        if let key {
            do { projectKey = try ProjectKey.load(path: key) } catch let error as EngineError {
                FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
                throw ExitCode(2)
            }
            fingerprint = projectKey.uid(for: "fingerprint")
        } else {
            projectKey = ProjectKey.random()
            fingerprint = "random-" + UUID().uuidString
        }
        var settings = RunSettings(inputs: sources, output: out, key: projectKey, keyFingerprint: fingerprint)
        settings.options = Set(options)
        settings.pixels = pixels
        settings.jobs = max(1, jobs)
        settings.mapPath = map
        settings.export = export
        settings.deliveryCheck = verify
        do {
            settings.templates = (noBuiltinTemplates || pixels == .off ? [] : try BuiltinTemplates.defaultSet())
                + (try templates.map { try TemplateLibrary.load(from: $0).current } ?? [])
        } catch let error as EngineError {
            FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        settings.progress = isatty(STDERR_FILENO) == 1
        settings.keepsOutcomes = false // report.json lists them; the summary needs the counts only
        do {
            let report = try BatchRun(settings: settings).run()
            print(report.summary + " (report: \(out)/report.json)")
        } catch let error as EngineError {
            FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }
}
