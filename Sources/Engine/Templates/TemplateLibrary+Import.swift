// TemplateLibrary+Import: bringing CTP scripts and deid recipes into a library, from a path or the shipped copies.
import Foundation

/// The formats of public burned-in text libraries.
public enum TemplateFormat: String, Sendable, CaseIterable {
    case ctp, deid
}

/// The reference libraries shipped as Engine resources.
public enum BuiltinTemplates: String, Sendable, CaseIterable {
    /// RSNA CTP's DicomPixelAnonymizer.script.
    case ctp
    /// pydicom/deid's default recipe, deid.dicom.
    case deid
    /// pydicom/deid's ultrasound recipe: it blanks every image and keeps only the ultrasound
    /// regions, so it stays out of the default import and is asked for by name.
    case deidUltrasound = "deid-ultrasound"

    public var format: TemplateFormat { self == .ctp ? .ctp : .deid }

    /// What `run` applies unless told otherwise: CTP's and deid's default libraries, parsed from
    /// the shipped copies (the ultrasound recipe blanks whole images, so it is asked for by name).
    public static func defaultSet() throws -> [DeviceTemplate] {
        let created = "1970-01-01T00:00:00Z" // fixed, so that outputs do not depend on the day
        let ctp = CTPScriptImporter.parse(try String(contentsOfFile: try BuiltinTemplates.ctp.path, encoding: .utf8),
                                          fileName: BuiltinTemplates.ctp.fileName, createdAt: created)
        let deid = DeidRecipeImporter.parse(try String(contentsOfFile: try BuiltinTemplates.deid.path, encoding: .utf8),
                                            fileName: BuiltinTemplates.deid.fileName, createdAt: created)
        return ctp.templates + deid.templates
    }

    public var fileName: String {
        switch self {
        case .ctp: "ctp-DicomPixelAnonymizer.script"
        case .deid: "deid.dicom"
        case .deidUltrasound: "deid.dicom.ultrasound"
        }
    }

    public var path: String {
        get throws {
            guard let url = Bundle.module.url(forResource: fileName, withExtension: nil) else {
                throw EngineError(.template, "the shipped template file \(fileName) is missing from the Engine resources")
            }
            return url.path
        }
    }
}

extension TemplateLibrary {
    /// What an import did to the library.
    public struct ImportSummary: Sendable {
        public var parsed: ImportResult
        public var added = 0
        public var newVersions = 0
        public var unchanged = 0
    }

    /// Reads `path` in `format` and adds what parses; every entry that does not is in the result's
    /// problems with its line. The caller saves.
    public mutating func importTemplates(from path: String, format: TemplateFormat) throws -> ImportSummary {
        let parsed = switch format {
        case .ctp: try CTPScriptImporter.importFile(at: path)
        case .deid: try DeidRecipeImporter.importFile(at: path)
        }
        var summary = ImportSummary(parsed: ImportResult(problems: parsed.problems))
        for template in parsed.templates {
            do {
                switch try add(template) {
                case .added: summary.added += 1
                case .newVersion: summary.newVersions += 1
                case .unchanged: summary.unchanged += 1
                }
                summary.parsed.templates.append(template)
            } catch let error as EngineError {
                // A clash with a template already in the library refuses this entry, not the import.
                summary.parsed.problems.append(ImportProblem(line: template.sourceLine ?? 0, reason: error.message))
            }
        }
        summary.parsed.problems.sort { $0.line < $1.line }
        return summary
    }
}
