// Reviewer: who makes a decision (the login name) and which process holds a claim (login, host, pid).
import Foundation

public struct Reviewer: Hashable, Sendable, Codable {
    /// The login name: what the audit trail records for every decision.
    public var login: String
    public var host: String
    public var pid: Int32

    public init(login: String, host: String, pid: Int32) {
        self.login = login
        self.host = host
        self.pid = pid
    }

    /// This process: the login name of the real user (getpwuid, then $USER), this host, this pid.
    public static var current: Reviewer {
        var login = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            login = String(cString: name)
        }
        return Reviewer(login: login, host: ProcessInfo.processInfo.hostName, pid: getpid())
    }

    /// "login@host:pid", as claims show it.
    public var holder: String { "\(login)@\(host):\(pid)" }

    /// Whether a process of this host with that pid still runs (EPERM means it runs as someone else).
    static func isAlive(pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
