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

// Tesseract's OpenMP reads OMP_THREAD_LIMIT once, at start; one thread per call is 4-5x faster
// when workers already run side by side. So the process starts again with it set.
if ProcessInfo.processInfo.environment["OMP_THREAD_LIMIT"] == nil {
    setenv("OMP_THREAD_LIMIT", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
}

if CommandLine.arguments.dropFirst().first == "verify" {
    Verify.exitingTwoOnUsage()
}
DCMScrub.main()
