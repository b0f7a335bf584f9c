// DemoRun: what `make demo` shows: sample studies through `run`, the outcome of each file, and one file before and after.
import Foundation

public enum DemoRun {
    public static func run(in root: String) throws -> String {
        let sources = root + "/sources", output = root + "/out"
        try? FileManager.default.removeItem(atPath: output)
        var seed: UInt64 = 1
        for patient in [SamplePatient.lithuanian, .german, .plain] {
            _ = try SampleStudy(patient: patient, seed: seed).writeStudy(into: sources + "/patient-\(seed)")
            seed += 1
        }
        let keyPath = root + "/demo.key"
        let key = try ProjectKey.load(path: keyPath)
        var settings = RunSettings(inputs: [sources], output: output, key: key, keyFingerprint: key.uid(for: "fingerprint"))
        settings.options = [.cleanDescriptors, .retainLongModifiedDates, .retainSafePrivate]
        settings.jobs = 2
        settings.mapPath = root + "/crosswalk.csv"
        settings.templates = try BuiltinTemplates.defaultSet()
        let batch = try BatchRun(settings: settings)
        batch.log = { _ in } // the table below shows every outcome
        let report = try batch.run()

        var text = "dcmscrub demo: sample studies in \(sources)\n"
        text += "options: " + report.options.joined(separator: ", ") + "\n\n"
        for outcome in report.instances {
            let source = batch.files[outcome.input - 1].replacingOccurrences(of: sources + "/", with: "")
            text += "  \(pad(source, 24)) \(outcome.state.rawValue)"
            text += outcome.state == .delivered ? "  -> \(outcome.output ?? "")\n" : " (\(outcome.code ?? "")): \(outcome.reason ?? "")\n"
        }
        text += "\n" + report.summary + "\n"
        for (title, name) in [("CT slice", "patient-1/ct-2.dcm"), ("structured report", "patient-1/report.dcm")] {
            guard let index = batch.files.firstIndex(of: sources + "/" + name),
                  let output = report.instances[index].output else { continue }
            let before = HeaderListing.list(try DicomFile.open(path: batch.files[index]))
            let after = HeaderListing.list(try DicomFile.open(path: output.isEmpty ? "" : settings.output + "/" + output))
            text += "\nWhat changed in the \(title) \(name) (fake identifiers):\n"
            for change in HeaderListing.changes(from: before, to: after) {
                text += "  \(pad(change.path, 34)) \(pad(show(change.before), 44)) -> \(show(change.after))\n"
            }
        }
        let ultrasound = sources + "/patient-1/ultrasound.dcm"
        let processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(), key: key))
        let file = try DicomFile.open(path: ultrasound)
        let found = try processor.propose(file, identifiers: PatientIdentifiers(collecting: file.dataset, charset: "ISO_IR 192"))
        text += "\nBurned-in text redacted in patient-1/ultrasound.dcm (fake identifiers; \"L\" and \"12 cm\" may stay):\n"
        for proposal in found {
            text += "  \(pad(proposal.rect.description, 18)) \(pad(proposal.source.rawValue, 9)) \(pad(show(proposal.text), 34)) \(proposal.reason)\n"
        }
        text += "\nOutputs: \(output)   report: \(output)/report.json   crosswalk (confidential): \(root)/crosswalk.csv\n"
        return text
    }

    static func show(_ value: String?) -> String {
        guard let value else { return "(absent)" }
        if value.isEmpty { return "(empty)" }
        let clipped = value.count > 42 ? String(value.prefix(41)) + "…" : value
        return "\"" + clipped + "\""
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
