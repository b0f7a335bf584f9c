// WorkspaceStatus: what `dcmscrub status` shows: groups, states, templates, claims, reviewers and leak bounds.
import Foundation

public struct StateCounts: Codable, Sendable, Equatable {
    public var proposed = 0
    public var approved = 0
    public var committed = 0
    public var quarantined = 0
    public var total: Int { proposed + approved + committed + quarantined }

    public init(proposed: Int = 0, approved: Int = 0, committed: Int = 0, quarantined: Int = 0) {
        (self.proposed, self.approved, self.committed, self.quarantined) = (proposed, approved, committed, quarantined)
    }

    public subscript(state: ReviewState) -> Int {
        get {
            switch state {
            case .proposed: proposed
            case .approved: approved
            case .committed: committed
            case .quarantined: quarantined
            }
        }
        set {
            switch state {
            case .proposed: proposed = newValue
            case .approved: approved = newValue
            case .committed: committed = newValue
            case .quarantined: quarantined = newValue
            }
        }
    }

    static func + (a: StateCounts, b: StateCounts) -> StateCounts {
        var sum = a
        for state in ReviewState.allCases { sum[state] += b[state] }
        return sum
    }
}

/// Spot-check results and the upper 95% Clopper-Pearson bound of the leak rate they support.
public struct LeakBound: Codable, Sendable, Equatable {
    public var checked = 0
    public var leaks = 0
    /// Drawn, no verdict yet.
    public var pending = 0
    /// One-sided upper 95% bound; 1 when nothing was checked.
    public var upper95 = 1.0
    /// Clean checks still needed to bring the bound under the target; nil beyond reach.
    public var cleanChecksToTarget: Int?

    public init(checked: Int, leaks: Int, pending: Int, target: Double = Workspace.leakTarget) {
        self.checked = checked
        self.leaks = leaks
        self.pending = pending
        upper95 = ClopperPearson.upperBound(failures: leaks, trials: checked)
        cleanChecksToTarget = ClopperPearson.cleanChecksNeeded(failures: leaks, trials: checked, target: target)
    }
}

public struct TemplateSummary: Codable, Sendable, Equatable {
    public var version: Int
    public var verified: Bool
    public var author: String
    public var createdAt: String
    public var rectangles: Int

    public init(version: Int, verified: Bool, author: String, createdAt: String, rectangles: Int) {
        (self.version, self.verified, self.author, self.createdAt, self.rectangles) = (version, verified, author, createdAt, rectangles)
    }
}

public struct GroupStatus: Codable, Sendable, Equatable {
    public var id: Int64
    /// "Manufacturer / Model / RowsxColumns", sanitised.
    public var device: String
    public var counts: StateCounts
    public var template: TemplateSummary?
    /// Committed with an older template version than the one in force.
    public var committedWithOlderTemplate: Int
    /// "login@host:pid" of a live claim.
    public var claimedBy: String?
    public var spotChecks: LeakBound
    /// Distinct patients, studies and series among the group's instances, and their modalities.
    public var patients = 0
    public var studies = 0
    public var series = 0
    public var modalities: [String] = []

    public init(id: Int64, device: String, counts: StateCounts, template: TemplateSummary? = nil, committedWithOlderTemplate: Int = 0,
                claimedBy: String? = nil, spotChecks: LeakBound = LeakBound(checked: 0, leaks: 0, pending: 0)) {
        self.id = id
        self.device = device
        self.counts = counts
        self.template = template
        self.committedWithOlderTemplate = committedWithOlderTemplate
        self.claimedBy = claimedBy
        self.spotChecks = spotChecks
    }
}

public struct ReviewerActivity: Codable, Sendable, Equatable {
    public var login: String
    public var decisions: Int
    public var last: String
}

public struct WorkspaceStatus: Codable, Sendable, Equatable {
    public var groups: [GroupStatus]
    /// Files that could not be read as DICOM, so belong to no group.
    public var ungrouped: StateCounts
    public var totals: StateCounts
    public var reviewers: [ReviewerActivity]
    public var spotChecks: LeakBound
    /// The leak rate the bounds are compared with (0.0001, i.e. 0.01%).
    public var leakTarget: Double
    public var auditEntries: Int
}
