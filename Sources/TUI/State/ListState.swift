// ListState: a list's rows, the filter and search that narrow it, the cursor and the first row shown.
import Review

/// What a list's state filter keeps.
public enum StateFilter: String, Sendable, CaseIterable, Equatable {
    case all, proposed, approved, committed, quarantined

    var state: ReviewState? { ReviewState(rawValue: rawValue) }

    var next: StateFilter {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// A row the lists can filter by state and search by text.
public protocol Listable: Sendable, Equatable {
    /// The row's identity, to keep the cursor on it when the list reloads.
    var listID: String { get }
    func passes(_ filter: StateFilter) -> Bool
    /// What a search matches (lowercased by the list).
    var searchText: String { get }
    var modalities: [String] { get }
}

public struct ListState<Row: Listable>: Sendable, Equatable {
    public private(set) var rows: [Row] = []
    /// Indices of the rows the filter and search keep, in order.
    public private(set) var visible: [Int] = []
    /// A position in `visible`.
    public private(set) var cursor = 0
    /// The first visible row on screen.
    public var top = 0
    public private(set) var filter = StateFilter.all
    public private(set) var search = ""
    /// Only rows with this modality; nil: all.
    public private(set) var modality: String?
    public var loaded = false
    /// Every row's search text, lowercased, made on the first search after the rows change.
    private var haystacks: [String]?

    public init() {}

    public var current: Row? { visible.indices.contains(cursor) ? rows[visible[cursor]] : nil }
    public var count: Int { visible.count }
    public var shown: [Row] { visible.map { rows[$0] } }
    /// The visible row at a position (no copy of the list, which may hold 100,000 rows).
    public func row(at position: Int) -> Row { rows[visible[position]] }

    /// New rows from the workspace; the cursor stays on the same row when it is still there.
    public mutating func replace(_ rows: [Row]) {
        let keep = current?.listID
        self.rows = rows
        loaded = true
        haystacks = nil
        refilter(keeping: keep)
    }

    public mutating func setFilter(_ filter: StateFilter) {
        let keep = current?.listID
        self.filter = filter
        refilter(keeping: keep)
    }

    /// Keeps the rows whose text contains `text` (case-insensitive); empty shows all.
    public mutating func setSearch(_ text: String) {
        let keep = current?.listID
        search = text
        refilter(keeping: keep)
    }

    /// One row changed (a decision on it): replaced where it is; the list is filtered again only when a filter is on.
    public mutating func update(_ row: Row) {
        guard let index = rows.firstIndex(where: { $0.listID == row.listID }) else { return }
        rows[index] = row
        haystacks?[index] = row.searchText.lowercased()
        if filter != .all || modality != nil || !search.isEmpty { refilter(keeping: current?.listID) }
    }

    /// The next modality among the rows (sorted), then all again.
    public mutating func cycleModality() {
        let present = Set(rows.flatMap(\.modalities)).filter { !$0.isEmpty }.sorted()
        let keep = current?.listID
        if let modality, let index = present.firstIndex(of: modality), index + 1 < present.count {
            self.modality = present[index + 1]
        } else {
            modality = modality == nil ? present.first : nil
        }
        refilter(keeping: keep)
    }

    public mutating func move(by delta: Int) { moveTo(cursor + delta) }

    public mutating func moveTo(_ position: Int) {
        cursor = visible.isEmpty ? 0 : max(0, min(visible.count - 1, position))
    }

    /// Puts the cursor on the row with this identity, if visible.
    public mutating func select(id: String) {
        if let position = visible.firstIndex(where: { rows[$0].listID == id }) { cursor = position }
    }

    /// Scrolls so the cursor is among the `height` rows shown.
    public mutating func scroll(height: Int) {
        let height = max(1, height)
        if cursor < top { top = cursor }
        if cursor >= top + height { top = cursor - height + 1 }
        top = max(0, min(top, max(0, visible.count - height)))
    }

    private mutating func refilter(keeping id: String?) {
        let needle = search.lowercased()
        if !needle.isEmpty && haystacks == nil { haystacks = rows.map { $0.searchText.lowercased() } }
        let haystacks = self.haystacks
        if filter == .all && modality == nil && needle.isEmpty {
            visible = Array(rows.indices)
        } else {
            visible = rows.indices.filter { index in
                rows[index].passes(filter) && (needle.isEmpty || haystacks![index].contains(needle))
                    && (modality.map { rows[index].modalities.contains($0) } ?? true)
            }
        }
        if let id, let position = visible.firstIndex(where: { rows[$0].listID == id }) {
            cursor = position
        } else {
            moveTo(cursor)
        }
    }
}

extension GroupStatus: Listable {
    public var listID: String { String(id) }
    public func passes(_ filter: StateFilter) -> Bool { filter.state.map { counts[$0] > 0 } ?? true }
    public var searchText: String { "\(id) \(device) \(modalities.joined(separator: " ")) \(claimedBy ?? "")" }
}

extension StudySummary: Listable {
    public var listID: String { outputStudy }
    public func passes(_ filter: StateFilter) -> Bool { filter.state.map { counts[$0] > 0 } ?? true }
    public var searchText: String { "\(pseudonym) \(outputStudy) \(modalities.joined(separator: " "))" }
}

extension InstanceSummary: Listable {
    public var listID: String { String(id) }
    public func passes(_ filter: StateFilter) -> Bool { filter.state.map { $0 == state } ?? true }
    public var searchText: String { "\(id) \(state.rawValue) \(modality) \(pseudonym)" }
    public var modalities: [String] { [modality] }
}

extension SpotCheck: Listable {
    public var listID: String { String(id ?? 0) }
    public func passes(_ filter: StateFilter) -> Bool { true }
    public var searchText: String { "\(instanceID) \(groupID) \(verdict?.rawValue ?? "pending")" }
    public var modalities: [String] { [] }
}
