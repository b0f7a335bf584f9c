// `dcmscrub verify`: the release gate: every output checked against its source; exit 0 only when nothing identifying remains.
import ArgumentParser
import Engine
import Foundation
import Review

extension Verifier.PixelCheck: ExpressibleByArgument {}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check de-identified outputs against their sources; exit 0 only when nothing identifying remains.",
        discussion: """
            Pairing, in this order: --against a review workspace folder pairs its committed instances \
            with their indexed sources; --key FILE maps each source's UIDs with the project key to the \
            output path the scrubber gives it (2.25.<study>/<series>/<instance>.dcm); otherwise OUT/report.json \
            of the run pairs its inputs (numbered by position in the sorted SRC files, so give the run's \
            own SRC arguments) with their outputs. Files in OUT that no source accounts for are findings.

            Checks: every attribute the profile removes or empties is gone at every depth; private tags \
            per policy; no overlay plane with bits; no identifying value of the source (names in any order \
            and case, IDs, dates in common formats, accession, institution, addresses, original UIDs) in any \
            element or any byte of the output, in the source's character set or UTF-8, nor in its file and \
            folder names; the output parses, every frame decodes, SOP class and geometry are unchanged, \
            pixels outside the redactions equal the source's; OCR stricter than detection finds no \
            identifying or legible text outside the allow list, and the source's identifying text that \
            detection reads is not legible in the output.

            Exit status: 0 nothing found; 1 findings (listed by position and kind, never a value); \
            2 usage, or an input that cannot be read. --json and --html quote the values found and say so \
            at their top: they are CONFIDENTIAL (written with mode 0600) and must be kept outside OUT.
            """)

    @Argument(help: "The output folder to check (of `run` or `commit`).")
    var out: String

    @Option(name: .long, parsing: .upToNextOption, help: "The sources: the run's SRC files and folders, or a review workspace folder.")
    var against: [String] = []

    @Option(name: .long, help: "Pair by the project key's UID mapping instead of OUT/report.json.")
    var key: String?

    @Option(name: .long, help: "Write the findings with their values to FILE (JSON, confidential, mode 0600).")
    var json: String?

    @Option(name: .long, help: "Write an HTML report with thumbnails to DIR/index.html (confidential, mode 0600).")
    var html: String?

    @Option(name: .customLong("option"), help: "The profile options the outputs were made with (default: as the run's report or workspace records them).")
    var options: [ProfileOption] = []

    @Option(name: .long, help: "ocr: read the pixels again with stricter OCR (default); off: headers, names and structure only.")
    var pixels: Verifier.PixelCheck = .ocr

    @Option(name: .long, help: "Parallel workers.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard !against.isEmpty else { throw ValidationError("give the sources with --against SRC...") }
        for path in [json, html].compactMap({ $0 }) where Self.isInside(path, folder: out) {
            throw ValidationError("the confidential report must be written outside the output folder")
        }
    }

    func run() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), isFolder.boolValue else {
            throw failure("the output folder does not exist")
        }
        let plan: VerificationPlan
        do {
            if against.count == 1, Workspace.exists(at: against[0]) {
                plan = try Workspace.open(at: against[0]).verificationPlan(output: out)
            } else if let key {
                guard FileManager.default.fileExists(atPath: key) else { throw failure("the key file does not exist") }
                let projectKey = try ProjectKey.load(path: key)
                plan = try VerificationPlan.fromKey(output: out, sources: against, key: projectKey,
                                                     retainUIDs: options.contains(.retainUIDs))
            } else {
                plan = try VerificationPlan.fromReport(output: out, sources: against)
            }
        } catch let error as EngineError {
            throw failure(error.message)
        } catch let error as ReviewError {
            throw failure(error.message)
        }
        let chosen = options.isEmpty ? (plan.options ?? []) : Set(options)
        var verifier: Verifier
        do { verifier = try Verifier(profile: Profile.standard(options: chosen)) } catch let error as EngineError {
            throw failure(error.message)
        }
        verifier.pixels = pixels
        let line = ProgressLine("checked")
        let runner = VerificationRun(plan: plan, outputFolder: out, verifier: verifier, jobs: max(1, jobs))
        runner.progress = { line.show(done: $0, total: $1) }
        let report = runner.run()
        do {
            if let json { try report.write(to: json) }
            if let html { try VerificationHTML.write(report, outputFolder: out, to: html) }
        } catch let error as EngineError {
            throw failure(error.message)
        }
        for line in report.terminalLines { print(line) }
        print(report.summary)
        if !report.unreadableSources.isEmpty { throw ExitCode(2) }
        if !report.passed { throw ExitCode(1) }
    }

    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("dcmscrub: \(message)\n".utf8))
        return ExitCode(2)
    }

    static func isInside(_ path: String, folder: String) -> Bool {
        let base = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        var target = URL(fileURLWithPath: path).standardizedFileURL
        // The report may not exist yet: resolve the nearest existing parent.
        while !FileManager.default.fileExists(atPath: target.path) && target.path != "/" { target.deleteLastPathComponent() }
        let resolved = target.resolvingSymlinksInPath().path + URL(fileURLWithPath: path).standardizedFileURL.path.dropFirst(target.path.count)
        return resolved == base || resolved.hasPrefix(base + "/")
    }

    /// `verify` is a release gate whose status scripts read: 0 clean, 1 findings, 2 anything else,
    /// so a usage error exits 2 instead of ArgumentParser's 64.
    static func exitingTwoOnUsage() -> Never {
        do {
            var command = try DCMScrub.parseAsRoot()
            try command.run()
            DCMScrub.exit()
        } catch {
            if DCMScrub.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data("dcmscrub: \(DCMScrub.message(for: error))\n".utf8))
                Foundation.exit(2)
            }
            DCMScrub.exit(withError: error)
        }
    }
}
