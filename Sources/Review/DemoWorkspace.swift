// DemoWorkspace: the sample review workspace `dcmscrub demo` opens: several device groups, burned-in text, a cine clip.
import Engine
import Foundation

public enum DemoWorkspace {
    /// Writes a cine clip beside the sample studies under `sources` and ingests them all into a new
    /// workspace at `folder` (any earlier one there is replaced), with pixel proposals.
    public static func make(at folder: String, sources: String, at date: Date) throws -> (Workspace, IngestSummary) {
        let cine = sources + "/patient-1/cine.dcm"
        try Workspace.engine {
            _ = try SampleStudy(patient: .lithuanian, seed: 1).write(.cine, series: 4, instance: 1, to: cine)
        }
        try? FileManager.default.removeItem(atPath: folder)
        let workspace = try Workspace.create(at: folder, settings: WorkspaceSettings(pixels: .clean), at: date)
        let summary = try workspace.ingest([sources], at: date)
        return (workspace, summary)
    }
}
