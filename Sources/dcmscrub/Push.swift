// `dcmscrub push`: sends an output folder's de-identified instances to a PACS (C-STORE) and confirms each by C-FIND.
import ArgumentParser
import Engine
import Foundation

struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send an output folder's de-identified instances to a PACS and confirm that it holds them.",
        discussion: """
            What is sent: with OUT/report.json (a `run`'s folder), the outputs it lists as delivered; \
            without (a `commit`'s folder), every DICOM file except hidden ones, export/ and quarantine/. Each file \
            must say PatientIdentityRemoved YES and carry its study, series and instance UIDs, or it is \
            refused and never sent: an original copied into the folder by mistake does not leave. \
            Files keep their transfer syntax; when the PACS takes only uncompressed data, losslessly \
            compressed ones are decoded on the way (DCMTK's storage SCU).

            Before sending, a study-root C-FIND asks which instances the PACS already holds in each \
            series; those are not sent again (--resend sends them anyway), so a push stopped half way \
            is finished by running it again. After sending, a second C-FIND confirms every stored \
            instance; one the PACS answered with success but does not list counts as failed. Where \
            the PACS cuts a list short (status FE00), the instances it left out are asked for one by \
            one. Files go a thousand at a time.

            Exit status: 0 every file stored and confirmed or already there; 1 a file refused, failed, \
            or not sent because the association broke (named by its UID path, or by position when its \
            path is not made of UIDs); 2 usage, or the PACS cannot be reached or refuses the \
            association before anything is sent.
            """)

    @Argument(help: "The output folder to send (of `run` or `commit`).")
    var out: String

    @Option(name: .long, help: "The PACS, as AET@HOST:PORT (its called AE title, host and DICOM port).")
    var pacs: String

    @Option(name: .customLong("aet"), help: "Our calling AE title, as the PACS knows us.")
    var callingAETitle: String = "DCMSCRUB"

    @Option(name: .long, help: "Seconds to wait for the connection and each answer.")
    var timeout: Int = 30

    @Flag(name: .long, help: "Send instances the PACS already holds again.")
    var resend = false

    func validate() throws {
        do {
            _ = try PACSAddress(parsing: pacs)
            try PACSAddress.checkAETitle(callingAETitle)
        } catch let error as EngineError {
            throw ValidationError(error.message)
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() throws {
        let report = try reviewing {
            let client = try PACSClient(peer: try PACSAddress(parsing: pacs), callingAETitle: callingAETitle,
                                        timeoutSeconds: timeout)
            let line = ProgressLine("sent")
            do {
                return try Engine.Push.run(folder: out, client: client, resend: resend) { line.show(done: $0, total: $1) }
            } catch let error as EngineError where error.code == .network {
                throw EngineError(.network, "PACS \(client.peer): \(error.message)")
            }
        }
        let problems = report.refused.map { "refused: \($0)" } + report.failed.map { "failed: \($0)" }
        for line in problems.prefix(50) { FileHandle.standardError.write(Data("dcmscrub: \(line)\n".utf8)) }
        if problems.count > 50 {
            FileHandle.standardError.write(Data("dcmscrub: ... and \(problems.count - 50) more\n".utf8))
        }
        if let stopped = report.stoppedBy {
            FileHandle.standardError.write(Data("dcmscrub: the push stopped: \(stopped)\n".utf8))
        }
        print(report.summary)
        if !report.succeeded { throw ExitCode(1) }
    }
}
