// AppState: everything the workstation shows, as one value; only `update` changes it, only `view` reads it.
import Engine
import Render
import Review

public struct AppState: Sendable, Equatable {
    public enum Screen: Sendable, Equatable {
        case groups, studies, instances, review, spotcheck
    }

    public var screen: Screen = .groups
    /// Where `back` returns to.
    public var history: [Screen] = []
    public var workspaceName: String
    public var reviewer: String
    public var size: TerminalSize
    public var graphics: Graphics

    public var groups = ListState<GroupStatus>()
    public var studies = ListState<StudySummary>()
    public var instances = ListState<InstanceSummary>()
    /// Which instances the instance list holds, and what its title says.
    public var scope: InstanceScope?
    public var overall = LeakBound.none
    /// Groups this process claimed, and those another reviewer holds (read only here).
    public var claimed: Set<Int64> = []
    public var heldByOthers: [Int64: String] = [:]

    public var review: ReviewPane?
    public var spot = SpotPane()
    public var commit: CommitPane?

    public var overlay: Overlay?
    /// Keys of a chord typed so far, and a count typed before a command (vim keymap).
    public var pending: [Key] = []
    public var count: Int?
    public var message: StatusMessage?
    public var quitting = false

    public init(workspaceName: String, reviewer: String, size: TerminalSize, graphics: Graphics) {
        self.workspaceName = workspaceName
        self.reviewer = reviewer
        self.size = size
        self.graphics = graphics
    }

    /// The keymap table in force.
    public var mode: Mode {
        if case .confirm = overlay { return .confirm }
        switch screen {
        case .groups: return .groups
        case .studies: return .studies
        case .instances: return .instances
        case .review: return review?.edit != nil ? .box : .review
        case .spotcheck: return .spotcheck
        }
    }

    /// Work that quitting would lose: a box edit not applied yet.
    public var unsaved: Bool { review?.edit != nil }

    /// The group the current screen is about, if one.
    public var currentGroup: Int64? {
        switch screen {
        case .review: return review?.groupID
        case .instances: if case .group(let id) = scope { return id } else { return instances.current?.groupID }
        case .groups: return groups.current?.id
        default: return nil
        }
    }
}

public struct TerminalSize: Sendable, Equatable {
    public var columns: Int
    public var rows: Int
    /// Pixels of one character cell (from the terminal, or a usual 10x20 when it does not say).
    public var cellWidth: Int
    public var cellHeight: Int

    public init(columns: Int, rows: Int, cellWidth: Int = 10, cellHeight: Int = 20) {
        self.columns = columns
        self.rows = rows
        self.cellWidth = max(1, cellWidth)
        self.cellHeight = max(1, cellHeight)
    }
}

/// How the terminal shows images.
public enum Graphics: String, Sendable, Equatable {
    case sixel
    /// Unicode half blocks in colour: any terminal.
    case blocks
}

public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public static func info(_ text: String) -> StatusMessage { StatusMessage(text: text, isError: false) }
    public static func error(_ text: String) -> StatusMessage { StatusMessage(text: text, isError: true) }
}

/// One instance under review: what the workspace says of it, and how the reviewer looks at it.
public struct ReviewPane: Sendable, Equatable {
    public var instanceID: Int64
    public var groupID: Int64?
    public var state: ReviewState
    public var columns: Int
    public var rows: Int
    public var frames: Int
    public var proposals: [ProposalRecord]
    /// Loaded on demand: what the header scrub changes (before and after values: for the reviewer's eyes).
    public var header: [HeaderChangeRow]?
    /// The group's template in force.
    public var template: TemplateRecord?
    public var selected: Int?
    public var frame = 0
    /// nil: the file's own window.
    public var window: Window?
    public var defaultWindow: Window?
    public var monochrome = true
    public var showRedacted = false
    public var showHeader = false
    public var edit: BoxEdit?
    /// The preview image is loading or failed to load.
    public var previewProblem: String?

    public init(instanceID: Int64, groupID: Int64?, state: ReviewState, columns: Int, rows: Int, frames: Int,
                proposals: [ProposalRecord]) {
        self.instanceID = instanceID
        self.groupID = groupID
        self.state = state
        self.columns = columns
        self.rows = rows
        self.frames = frames
        self.proposals = proposals
        selected = proposals.isEmpty ? nil : 0
    }

    public var selectedProposal: ProposalRecord? { selected.flatMap { proposals.indices.contains($0) ? proposals[$0] : nil } }
}

/// A box being moved or resized, or drawn new; nothing is recorded until it is applied.
public struct BoxEdit: Sendable, Equatable {
    /// The proposal edited; nil for a new box.
    public var proposalID: Int64?
    public var original: PixelRect?
    public var rect: PixelRect
    /// A mouse drag in progress starts here (image pixels).
    public var dragOrigin: PixelPoint?
}

public struct PixelPoint: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

public struct HeaderChangeRow: Sendable, Equatable {
    public var path: String
    public var name: String
    public var before: String?
    public var after: String?

    public init(path: String, name: String, before: String?, after: String?) {
        self.path = path
        self.name = name
        self.before = before
        self.after = after
    }
}

public struct SpotPane: Sendable, Equatable {
    public var checks = ListState<SpotCheck>()
    public var bound = LeakBound.none
    /// The current check's committed output is missing (moved or deleted since commit).
    public var outputMissing = false
    public var showRedacted = true
    /// The current check's proposals, drawn on the original.
    public var proposals: [ProposalRecord] = []
    public var columns = 0
    public var rows = 0
}

public struct CommitPane: Sendable, Equatable {
    public var done = 0
    public var total = 0

    public init(done: Int = 0, total: Int = 0) {
        self.done = done
        self.total = total
    }
}

public enum Overlay: Sendable, Equatable {
    case help
    case confirm(Question)
    case prompt(Prompt, text: String)
}

/// What a yes/no question decides.
public enum Question: Sendable, Equatable {
    case quit
    case approveGroup(Int64, instances: Int)
    case saveTemplate(Int64, [PixelRect], instances: Int)
    case verifyTemplate(Int64, version: Int)
    case commit(approved: Int)
}

public enum Prompt: Sendable, Equatable {
    case search
    case quarantineReason(Int64)
    case sampleSize
}

extension LeakBound {
    static let none = LeakBound(checked: 0, leaks: 0, pending: 0)
}
