// `dcmscrub demo`: built-in sample data through the batch engine, and what changed in one file, for a first look.
import ArgumentParser
import Engine
import Foundation

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write sample studies with fake identifiers, de-identify them and show what changed.")

    @Option(name: .long, help: "Folder for the sample inputs and outputs (default: a new temporary folder).")
    var into: String?

    func run() throws {
        let root = into ?? NSTemporaryDirectory() + "dcmscrub-demo-\(getpid())"
        let report = try DemoRun.run(in: root)
        print(report)
    }
}
