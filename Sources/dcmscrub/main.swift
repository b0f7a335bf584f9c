// dcmscrub: the command line. Parsing only; everything it does lives in Engine, Review and TUI.
import ArgumentParser
import Engine
import Foundation

struct DCMScrub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcmscrub",
        abstract: "De-identify DICOM headers and burned-in pixel text, review it in a terminal, prove the result.",
        version: EngineVersion.current,
        subcommands: [Run.self, Demo.self, Detect.self, Templates.self])
}

DCMScrub.main()
