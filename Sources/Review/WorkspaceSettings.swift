// WorkspaceSettings: what a workspace is created with and keeps, so ingest and commit always agree.
import Engine

public struct WorkspaceSettings: Codable, Sendable, Equatable {
    /// clean: templates and OCR propose boxes and commit redacts the approved ones; off: pixels
    /// are not looked at (header-only review).
    public var pixels: PixelPolicy = .clean
    public var options: [ProfileOption] = []
    /// Apply the shipped CTP and deid libraries to groups that have no reviewer template yet.
    public var builtinTemplates = true
    /// Seconds after which a claim whose holder sent no heartbeat may be taken over.
    public var claimExpiry: Double = 120

    public init(pixels: PixelPolicy = .clean, options: [ProfileOption] = [], builtinTemplates: Bool = true, claimExpiry: Double = 120) {
        self.pixels = pixels
        self.options = options.sorted { $0.rawValue < $1.rawValue }
        self.builtinTemplates = builtinTemplates
        self.claimExpiry = claimExpiry
    }
}
