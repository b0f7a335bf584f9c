// `dcmscrub detect`: the burned-in text the engine finds in a file, for a person at a terminal (it prints what it reads).
import ArgumentParser
import Engine
import Foundation

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the burned-in text found in DICOM files (prints the text itself: for the operator's eyes only).")

    @Argument(help: "DICOM files.")
    var files: [String]

    func run() throws {
        for (position, path) in files.enumerated() {
            do {
                let started = Date()
                let found = try TextDetector().detect(DicomFile.open(path: path))
                let ms = Int(Date().timeIntervalSince(started) * 1000)
                print("file \(position + 1): \(found.count) words in \(ms) ms")
                for word in found { print("  \(word.rect) \(Int(word.confidence))% \(word.text)") }
            } catch let error as EngineError {
                print("file \(position + 1): \(error.message)")
            }
        }
    }
}
