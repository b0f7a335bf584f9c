// Workspace+Verify: the workspace's committed instances paired with their indexed sources, for `dcmscrub verify`.
import Engine
import Foundation
import GRDB

extension Workspace {
    /// Every committed instance whose output is in `output`, with the boxes it was redacted with.
    /// Positions are instance numbers; the options and pixel policy are the workspace's.
    public func verificationPlan(output: String) throws -> VerificationPlan {
        let pairs = try read { db -> [VerificationPair] in
            let committed = try InstanceRecord.filter(Column("state") == ReviewState.committed).order(Column("id")).fetchAll(db)
            return try committed.compactMap { instance in
                guard let id = instance.id, let relative = instance.outputPath,
                      FileManager.default.fileExists(atPath: output + "/" + relative) else { return nil }
                let boxes = try redactingBoxes(db, instance: id).map(\.rect)
                return VerificationPair(position: Int(id), source: instance.sourcePath, output: relative,
                                        redactions: settings.pixels == .clean ? boxes : nil)
            }
        }
        var plan = VerificationPlan(pairing: .workspace, pairs: pairs.map { Self.blockReach($0, output: output) }, positionName: "instance")
        plan.options = Set(settings.options)
        plan.pixels = settings.pixels
        plan.unpaired = VerificationPlan.unpairedOutputs(in: output, pairs: pairs)
        return plan
    }

    /// A JPEG Baseline output had its boxes redacted in the DCT blocks, which changed the blocks
    /// around them too: those are what may differ from the source.
    static func blockReach(_ pair: VerificationPair, output: String) -> VerificationPair {
        guard let boxes = pair.redactions, !boxes.isEmpty,
              let written = try? DicomFile.open(path: output + "/" + pair.output, loadsAllValues: false, keepsPixelsAsStored: true),
              written.transferSyntax == PixelRedactor.jpegBaseline,
              let source = try? DicomFile.open(path: pair.source, loadsAllValues: false),
              let reach = PixelRedactor.blockReach(of: boxes, in: source) else { return pair }
        var expanded = pair
        expanded.redactions = reach
        return expanded
    }
}
