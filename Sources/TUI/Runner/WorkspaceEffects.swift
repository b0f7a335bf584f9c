// WorkspaceEffects: carries out the effects `update` asks for against the real workspace and answers with messages.
import Engine
import Foundation
import Render
import Review

public final class WorkspaceEffects: @unchecked Sendable {
    public let workspace: Workspace
    public let output: String
    let renderer = PreviewRenderer()
    private let clock: @Sendable () -> Date

    public init(workspace: Workspace, output: String? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.workspace = workspace
        self.output = output ?? workspace.defaultOutput
        self.clock = clock
    }

    /// Runs one effect now; a commit is left to `commit(progress:)` (it takes long and reports progress).
    public func run(_ effect: Effect) -> [Msg] {
        do {
            return try perform(effect)
        } catch let error as ReviewError {
            return [.failed(error.message)]
        } catch let error as RenderError {
            return [.failed(error.message)]
        } catch {
            return [.failed("unexpected failure")]
        }
    }

    private func perform(_ effect: Effect) throws -> [Msg] {
        switch effect {
        case .loadGroups:
            let status = try workspace.status(at: clock())
            return [.groupsLoaded(status.groups, overall: status.spotChecks)]
        case .loadStudies:
            return [.studiesLoaded(try workspace.studies())]
        case .loadInstances(let scope):
            return [.instancesLoaded(scope, try workspace.instanceSummaries(scope))]
        case .loadInstanceRow(let id):
            return try workspace.instanceSummary(id).map { [.instanceRowLoaded($0)] } ?? []
        case .loadInstance(let id):
            return [.instanceLoaded(try pane(id))]
        case .loadHeader(let id):
            let rows = try workspace.headerChanges(instance: id).map { change in
                HeaderChangeRow(path: change.path, name: Self.name(ofPath: change.path), before: change.before, after: change.after)
            }
            return [.headerLoaded(instance: id, rows)]
        case .claim(let group):
            do {
                try workspace.claim(group: group, at: clock())
                return [.claimed(group: group, heldBy: nil)]
            } catch let error as ReviewError where error.code == .claimed {
                let holder = try workspace.group(group).claim?.holder ?? "another reviewer"
                return [.claimed(group: group, heldBy: Sanitize.line(holder))]
            }
        case .release(let group):
            try workspace.release(group: group)
            return []
        case .decide(let decision):
            return [.decided(try decide(decision))]
        case .commit:
            return [.failed("commit runs in the background")]
        case .loadSpotChecks:
            let bound = try workspace.status(at: clock()).spotChecks
            return [.spotChecksLoaded(try workspace.spotChecks(), bound)]
        case .loadSpotCheck(let instance):
            let record = try workspace.instance(instance)
            let group = try record.groupID.map { try workspace.group($0) }
            let boxes = try workspace.proposals(instance: instance)
            let missing = try workspace.committedOutput(instance: instance) == nil
            return [.spotCheckLoaded(outputMissing: missing, proposals: boxes, columns: group?.columns ?? 0, rows: group?.rows ?? 0)]
        case .drawSpotChecks(let perGroup):
            let drawn = try workspace.drawSpotChecks(perGroup: perGroup, seed: UInt64(clock().timeIntervalSince1970 * 1000), at: clock())
            return [.decided("\(drawn.count) outputs drawn for spot checks")]
        case .verdict(let check, let verdict):
            try workspace.recordVerdict(check: check, verdict, at: clock())
            return [.decided("check \(check): \(verdict == .clean ? "clean" : "leak") recorded")]
        case .quit:
            return []
        }
    }

    /// Writes every approved image, reporting progress; the summary or the failure comes back as a message.
    public func commit(progress: @escaping @Sendable (Int, Int) -> Void) -> Msg {
        do {
            let summary = try workspace.commit(to: output, at: clock()) { progress($0.done, $0.total) }
            return .commitFinished(summary.summary)
        } catch let error as ReviewError {
            return .failed(error.message)
        } catch {
            return .failed("the commit failed unexpectedly")
        }
    }

    /// One audited transaction per decision (several for "accept all").
    func decide(_ decision: Decision) throws -> String {
        let now = clock()
        switch decision {
        case .accept(let proposal, _):
            try workspace.accept(proposal: proposal, at: now)
            return "box accepted: it will be redacted"
        case .reject(let proposal, _):
            try workspace.reject(proposal: proposal, at: now)
            return "box rejected: its pixels are kept"
        case .acceptAll(let proposals, _):
            for proposal in proposals { try workspace.accept(proposal: proposal, at: now) }
            return "\(proposals.count) boxes accepted"
        case .edit(let proposal, let rect, _):
            _ = try workspace.edit(proposal: proposal, to: rect, at: now)
            return "box moved to \(rect)"
        case .addBox(let instance, let rect):
            _ = try workspace.addBox(instance: instance, rect: rect, at: now)
            return "box \(rect) added"
        case .approve(let instance):
            try workspace.approve(instance: instance, at: now)
            return "image \(instance) approved for commit"
        case .quarantine(let instance, let reason):
            try workspace.quarantine(instance: instance, reason: reason, at: now)
            return "image \(instance) quarantined"
        case .reopen(let instance):
            try workspace.reopen(instance: instance, at: now)
            return "image \(instance) is back in review"
        case .saveTemplate(let group, let rects, _):
            let template = try workspace.saveTemplate(group: group, rectangles: rects, verified: false, at: now)
            return "template v\(template.version) saved for group \(group) (not verified)"
        case .verifyTemplate(let group, _):
            guard let current = try workspace.currentTemplate(group: group) else {
                throw ReviewError(.conflict, "group \(group) has no template")
            }
            let template = try workspace.saveTemplate(group: group, rectangles: current.rectangles, verified: true, at: now)
            return "template v\(template.version) of group \(group) verified"
        case .approveGroup(let group):
            let approval = try workspace.approveGroup(group, at: now)
            return "\(approval.approved) images of group \(group) approved with template v\(approval.template.version)"
        }
    }

    /// The review pane of an instance: its boxes from the workspace, its geometry and window from the file.
    func pane(_ id: Int64) throws -> ReviewPane {
        let record = try workspace.instance(id)
        let boxes = try workspace.proposals(instance: id)
        let group = try record.groupID.map { try workspace.group($0) }
        var pane = ReviewPane(instanceID: id, groupID: record.groupID, state: record.state, columns: group?.columns ?? 0,
                              rows: group?.rows ?? 0, frames: 0, proposals: boxes)
        pane.template = try record.groupID.flatMap { try workspace.currentTemplate(group: $0) }
        do {
            let source = try renderer.source(record.sourcePath)
            pane.frames = source.frames
            pane.columns = source.columns
            pane.rows = source.rows
            pane.monochrome = source.isMonochrome
            pane.defaultWindow = source.defaultWindow
        } catch let error as RenderError {
            // No pixels (a report) is not a problem; a file that no longer decodes is.
            if record.frames != 0 { pane.previewProblem = error.message }
        }
        return pane
    }

    /// The pixels of an image slot, as the terminal shows them (composed, boxes drawn, cached).
    public func image(_ request: PreviewRequest) throws -> RGBImage {
        try renderer.image(request, path: try path(request.source))
    }

    /// Where a preview's pixels come from.
    func path(_ source: PreviewRequest.Source) throws -> String {
        switch source {
        case .instance(let id):
            return try workspace.instance(id).sourcePath
        case .output(let id):
            guard let path = try workspace.committedOutput(instance: id) else {
                throw ReviewError(.notFound, "the output of instance \(id) is not in the output folder")
            }
            return path
        }
    }

    /// "PatientName" for "(0010,0010)", the last tag of a path through sequences.
    static func name(ofPath path: String) -> String {
        guard let open = path.lastIndex(of: "("), let tag = Tag(parsing: path[open...]) else { return "" }
        if tag.isPrivate { return "private" }
        return tag.keyword ?? ""
    }
}
