// Workspace: a review workspace folder (database, key, outputs, quarantine) and the one handle every operation goes through.
import Engine
import Foundation
import GRDB

/// A workspace folder: `workspace.sqlite` (GRDB, WAL), `key`, `out/`, `quarantine/`; folder 0700,
/// files 0600, since the database holds original identifiers. Several processes may open one
/// workspace at once: every change is one IMMEDIATE transaction that checks its preconditions.
public final class Workspace: Sendable {
    public let folder: String
    /// Who this handle decides as, and which process holds its claims.
    public let reviewer: Reviewer
    public let settings: WorkspaceSettings
    let pool: DatabasePool
    let processor: InstanceProcessor
    /// The quality check every committed output passes before it takes its name.
    let verifier: Verifier

    public static let databaseName = "workspace.sqlite"
    public var databasePath: String { folder + "/" + Self.databaseName }
    public var keyPath: String { folder + "/key" }
    public var defaultOutput: String { folder + "/out" }

    private init(folder: String, reviewer: Reviewer, settings: WorkspaceSettings, pool: DatabasePool, key: ProjectKey) throws {
        self.folder = folder
        self.reviewer = reviewer
        self.settings = settings
        self.pool = pool
        var processor = InstanceProcessor(scrubber: try Self.engine {
            try HeaderScrubber(profile: Profile.standard(options: Set(settings.options)), key: key)
        })
        processor.pixels = settings.pixels
        processor.collectsSourceFacts = true
        self.processor = processor
        var verifier = try Self.engine { try Verifier(profile: processor.scrubber.profile) }
        verifier.pixels = settings.pixels == .clean ? .ocr : .off
        verifier.frames = .whereChanged
        self.verifier = verifier
    }

    public static func exists(at folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/" + databaseName)
    }

    /// Creates the workspace folder (or takes an empty one) and records its settings.
    public static func create(at folder: String, settings: WorkspaceSettings, reviewer: Reviewer = .current, at date: Date) throws -> Workspace {
        guard !exists(at: folder) else { throw ReviewError(.workspace, "a workspace already exists in that folder") }
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue, (try? manager.contentsOfDirectory(atPath: folder))?.isEmpty == true else {
                throw ReviewError(.workspace, "the workspace folder must be new or empty")
            }
        }
        for path in [folder, folder + "/out", folder + "/quarantine"] {
            try makeFolder(path)
        }
        // SQLite gives its -wal and -shm files the mode of the database file, so it is made 0600 first.
        let fd = Foundation.open(folder + "/" + databaseName, O_WRONLY | O_CREAT, 0o600)
        guard fd >= 0 else { throw ReviewError(.workspace, "cannot create the workspace database (errno \(errno))") }
        fchmod(fd, 0o600)
        close(fd)
        let workspace = try open(at: folder, reviewer: reviewer, creating: settings)
        try workspace.write { db in
            let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
            try db.execute(sql: "INSERT INTO meta (name, value) VALUES ('settings', ?)", arguments: [json])
            try AuditEntry.append(db, action: .workspaceCreate, reviewer: reviewer.login, time: Timestamp.string(date),
                                  payload: ["pixels": .text(settings.pixels.rawValue),
                                            "options": .text(settings.options.map(\.rawValue).joined(separator: ",")),
                                            "builtinTemplates": .bool(settings.builtinTemplates)])
        }
        return workspace
    }

    /// Opens an existing workspace.
    public static func open(at folder: String, reviewer: Reviewer = .current) throws -> Workspace {
        guard exists(at: folder) else {
            throw ReviewError(.workspace, "no workspace in that folder; dcmscrub ingest creates one")
        }
        return try open(at: folder, reviewer: reviewer, creating: nil)
    }

    private static func open(at folder: String, reviewer: Reviewer, creating: WorkspaceSettings?) throws -> Workspace {
        var configuration = Configuration()
        // Another process may hold the write lock for a moment (a commit, another reviewer).
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // The audit trail must survive a power cut once a decision is reported done.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: folder + "/" + databaseName, configuration: configuration)
            try WorkspaceSchema.migrator.migrate(pool)
        } catch {
            throw ReviewError(.workspace, "cannot open the workspace database (\(Self.describe(error)))")
        }
        let key = try engine { try ProjectKey.load(path: folder + "/key") }
        for suffix in ["", "-wal", "-shm"] { chmod(folder + "/" + databaseName + suffix, 0o600) }
        chmod(folder + "/key", 0o600)
        let settings: WorkspaceSettings
        if let creating {
            settings = creating
        } else {
            let json = try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'settings'") }
            guard let json, let decoded = try? JSONDecoder().decode(WorkspaceSettings.self, from: Data(json.utf8)) else {
                throw ReviewError(.workspace, "the workspace has no settings; it was not created completely")
            }
            settings = decoded
        }
        return try Workspace(folder: folder, reviewer: reviewer, settings: settings, pool: pool, key: key)
    }

    private static func makeFolder(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw ReviewError(.workspace, "cannot create a workspace folder (errno \(errno))")
        }
        chmod(path, 0o700)
    }

    /// The same workspace as another reviewer or process would open it (tests, and a TUI that
    /// works for someone else's claim).
    public func reopened(as reviewer: Reviewer) throws -> Workspace {
        try Self.open(at: folder, reviewer: reviewer)
    }

    // MARK: - Database access

    /// One IMMEDIATE transaction; errors come back as ReviewError without statement arguments.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch let error as ReviewError {
            throw error
        } catch {
            throw ReviewError(.workspace, "workspace database: \(Self.describe(error))")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let error as ReviewError {
            throw error
        } catch {
            throw ReviewError(.workspace, "workspace database: \(Self.describe(error))")
        }
    }

    /// SQLite's message only: GRDB leaves the arguments out, and so the values.
    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? EngineError { return error.message }
        return "unexpected failure"
    }

    static func engine<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as EngineError {
            throw ReviewError(.workspace, error.message)
        }
    }
}

/// Times in the database and the audit trail: ISO 8601 in UTC with milliseconds.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
