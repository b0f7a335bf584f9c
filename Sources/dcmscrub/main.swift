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
                      Verify.self, Push.self])
}

/// True for a push, and for a run or ingest told not to look at pixels: they never call Tesseract.
func readsNoPixels(_ arguments: [String]) -> Bool {
    let words = arguments.dropFirst()
    if words.first == "push" { return true }
    guard let command = words.first, command == "run" || command == "ingest" else { return false }
    return words.contains("--pixels=off") || zip(words, words.dropFirst()).contains { $0 == "--pixels" && $1 == "off" }
}

// Tesseract's OpenMP reads OMP_THREAD_LIMIT once, at start; one thread per call is 4-5x faster
// when workers already run side by side. So the process starts again with it set, unless it will
// not call Tesseract: starting again costs as much as scrubbing dozens of small files.
//
// A process that reads pixels also has mimalloc keep the memory it has touched instead of giving
// freed pages back to the system: Leptonica makes and frees an image of every crop Tesseract
// reads, and each fresh page then cost a page fault and a TLB flush on the other worker's core (a
// quarter of the time of a pixel-cleaning run on the bench's 40 ultrasound frames, for 3% more
// peak memory). And it asks for transparent huge pages: Leptonica reads a fresh image's padding
// before writing it (pixSetPadBits), so each new 4 KB page was mapped to the zero page and then
// copied, with a TLB flush on the other core; in 2 MB pages that happens 512 times less often
// (40 US frames, --verify headers: 2.06-2.15 s -> 1.91-1.99 s, system time 0.55-0.69 s -> 0.29-0.32 s,
// peak memory 144 -> 146 MB; with the OCR check 3.36 s -> 2.91 s). A segment keeps the settings it
// was made with, and some are made before main: the process started again has them in its
// environment from the start. Any variable missing starts it again; a value the caller set is kept.
if !readsNoPixels(CommandLine.arguments) {
    let environment = ProcessInfo.processInfo.environment
    let settings = [("OMP_THREAD_LIMIT", "1"), ("MIMALLOC_ALLOW_DECOMMIT", "0"), ("MIMALLOC_LARGE_OS_PAGES", "1")]
    if settings.contains(where: { environment[$0.0] == nil }) {
        for (name, value) in settings { setenv(name, value, 0) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}

// DCMTK sends a PDU's header and body in two writes and leaves Nagle's algorithm on unless
// TCP_NODELAY=1 is in the environment: each message then waits for a delayed ACK, about 44 ms
// (20 C-ECHOs on one association to Orthanc: 1.78 s, with it 0.90 s; with the PACS's side too, less).
// Only dcmnet reads it, so every command gets it, set here before any thread starts (setenv is not
// safe beside other threads' getenv). A value the caller set is kept.
setenv("TCP_NODELAY", "1", 0)

if CommandLine.arguments.dropFirst().first == "verify" {
    Verify.exitingTwoOnUsage()
}
DCMScrub.main()
