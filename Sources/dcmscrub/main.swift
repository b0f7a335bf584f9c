// dcmscrub: the command line. Parsing only; everything it does lives in Engine, Review and TUI.
import ArgumentParser
import Engine
import Foundation

struct DCMScrub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcmscrub",
        abstract: "De-identify DICOM headers and burned-in pixel text, review it in a terminal, prove the result.",
        version: EngineVersion.current,
        subcommands: [Run.self, Demo.self, Detect.self, Templates.self,
                      Ingest.self, ReviewCommand.self, Commit.self, Status.self, SpotCheckCommand.self, Audit.self, Decide.self,
                      Verify.self])
}

/// True for a run or ingest told not to look at pixels: it never calls Tesseract.
func readsNoPixels(_ arguments: [String]) -> Bool {
    let words = arguments.dropFirst()
    guard let command = words.first, command == "run" || command == "ingest" else { return false }
    return words.contains("--pixels=off") || zip(words, words.dropFirst()).contains { $0 == "--pixels" && $1 == "off" }
}

// Tesseract's OpenMP reads OMP_THREAD_LIMIT once, at start; one thread per call is 4-5x faster
// when workers already run side by side. So the process starts again with it set, unless it will
// not call Tesseract: starting again costs as much as scrubbing dozens of small files.
if ProcessInfo.processInfo.environment["OMP_THREAD_LIMIT"] == nil && !readsNoPixels(CommandLine.arguments) {
    setenv("OMP_THREAD_LIMIT", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
}

if CommandLine.arguments.dropFirst().first == "verify" {
    Verify.exitingTwoOnUsage()
}
DCMScrub.main()
