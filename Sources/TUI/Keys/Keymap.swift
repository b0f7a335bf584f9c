// Keymap: keys to actions per mode, loaded from TOML files, merged with the user's, resolved key by key (chords pend).
import Foundation
import TOMLKit

/// A keymap file that cannot be used: "file:line: what is wrong".
public struct KeymapError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}

public struct Keymap: Sendable, Equatable {
    /// Key sequences to actions, per mode.
    public private(set) var bindings: [Mode: [[Key]: Action]] = [:]
    /// Digits before a command repeat it (vim style).
    public private(set) var counts = false
    /// Where each binding was read, for the messages about clashes.
    private var origins: [Mode: [[Key]: (file: String, line: Int)]] = [:]

    public init() {}

    public static func == (a: Keymap, b: Keymap) -> Bool { a.bindings == b.bindings && a.counts == b.counts }

    public enum Resolution: Equatable {
        case action(Action)
        /// The keys so far begin a longer binding.
        case pending
        case unbound
    }

    /// The action for the keys typed so far in this mode: the mode's own table first, then global.
    public func resolve(_ keys: [Key], in mode: Mode) -> Resolution {
        for table in mode.lookup {
            guard let map = bindings[table] else { continue }
            if let action = map[keys] { return .action(action) }
            if map.keys.contains(where: { $0.count > keys.count && Array($0.prefix(keys.count)) == keys }) { return .pending }
        }
        return .unbound
    }

    /// The keys bound to an action in a mode's lookup, shortest first.
    public func keys(for action: Action, in mode: Mode) -> [[Key]] {
        var found: [[Key]] = []
        for table in mode.lookup {
            for (keys, bound) in bindings[table] ?? [:] where bound == action && resolve(keys, in: mode) == .action(action) {
                found.append(keys)
            }
        }
        // Plain characters before named keys: "?" reads better in a hint than "<F1>".
        func rank(_ keys: [Key]) -> (Int, Int, String) {
            let named = keys.contains { if case .char = $0.base { return $0.ctrl } else { return true } }
            return (keys.count, named ? 1 : 0, Keymap.label(keys))
        }
        return found.sorted { rank($0) < rank($1) }
    }

    /// "j", "<down>", "g g": how a key sequence reads in help and hints.
    public static func label(_ keys: [Key]) -> String { keys.map(\.description).joined(separator: " ") }

    // MARK: - Loading

    /// Parses one keymap file: tables named by modes, values naming actions ("none" unbinds).
    public static func parse(_ text: String, file: String) throws -> Keymap {
        var map = Keymap()
        try map.apply(text, file: file)
        return map
    }

    /// The shipped keymap `name` (default, vim) or a file path, then the user's file when it exists.
    public static func load(_ nameOrPath: String, user: String? = Keymap.userFile) throws -> Keymap {
        let path = nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") ? nameOrPath : try shippedFile(nameOrPath)
        var map = Keymap()
        try map.apply(try read(path), file: path)
        if let user, FileManager.default.fileExists(atPath: user) {
            try map.apply(try read(user), file: user)
        }
        return map
    }

    /// `~/.config/dcmscrub/keymap.toml` (or under XDG_CONFIG_HOME).
    public static var userFile: String? {
        let environment = ProcessInfo.processInfo.environment
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/dcmscrub/keymap.toml" }
        return environment["HOME"].map { $0 + "/.config/dcmscrub/keymap.toml" }
    }

    /// The folder holding the shipped keymaps: $DCMSCRUB_KEYMAPS, beside the executable's package, or ./Keymaps.
    public static func shippedFolder() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let folder = environment["DCMSCRUB_KEYMAPS"] { candidates.append(folder) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        // .build/<config>/dcmscrub, .build/<triple>/<config>/dcmscrub, <prefix>/bin/dcmscrub
        for up in ["../..", "../../..", "../share/dcmscrub"] {
            candidates.append(executable.appendingPathComponent(up + "/Keymaps").standardizedFileURL.path)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/Keymaps")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/default.toml") }
    }

    static func shippedFile(_ name: String) throws -> String {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw KeymapError(file: name, line: 0, message: "a keymap is named by a shipped name (default, vim) or a .toml path")
        }
        guard let folder = shippedFolder() else {
            throw KeymapError(file: "Keymaps/\(name).toml", line: 0, message: "the shipped keymaps were not found; set DCMSCRUB_KEYMAPS to their folder")
        }
        let path = folder + "/\(name).toml"
        guard FileManager.default.fileExists(atPath: path) else {
            throw KeymapError(file: path, line: 0, message: "no such keymap; shipped: default, vim")
        }
        return path
    }

    private static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeymapError(file: path, line: 0, message: "cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Adds a file's bindings over the current ones: a key bound again in the same mode takes the new action.
    mutating func apply(_ text: String, file: String) throws {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw KeymapError(file: file, line: error.source.begin.line, message: "not TOML: \(error.description)")
        }
        let lines = KeymapLines(text)
        for section in table.keys.sorted() {
            guard let values = table[section]?.table else {
                throw KeymapError(file: file, line: lines.line(section: nil, key: section), message: "'\(section)' must be a table")
            }
            if section == "options" {
                for key in values.keys {
                    guard key == "counts", let flag = values[key]?.bool else {
                        throw KeymapError(file: file, line: lines.line(section: section, key: key), message: "unknown option '\(key)' (known: counts = true|false)")
                    }
                    counts = flag
                }
                continue
            }
            guard let mode = Mode(rawValue: section) else {
                throw KeymapError(file: file, line: lines.line(section: section, key: nil),
                                  message: "unknown mode [\(section)] (known: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")), options)")
            }
            var seen: [[Key]: String] = [:]
            for spec in values.keys.sorted(by: { lines.line(section: section, key: $0) < lines.line(section: section, key: $1) }) {
                let line = lines.line(section: section, key: spec)
                guard let keys = Key.sequence(spec) else {
                    throw KeymapError(file: file, line: line, message: "unknown key '\(spec)' (a character, or <enter>, <esc>, <C-x>, <S-left>, ...)")
                }
                guard let name = values[spec]?.string else {
                    throw KeymapError(file: file, line: line, message: "the value of '\(spec)' must be an action name in quotes")
                }
                if let earlier = seen[keys] {
                    throw KeymapError(file: file, line: line, message: "'\(spec)' is the same key as '\(earlier)' in [\(section)]")
                }
                seen[keys] = spec
                if name == "none" {
                    bindings[mode]?[keys] = nil
                    origins[mode]?[keys] = nil
                    continue
                }
                guard let action = Action(rawValue: name) else {
                    throw KeymapError(file: file, line: line, message: "unknown command '\(name)'")
                }
                bindings[mode, default: [:]][keys] = action
                origins[mode, default: [:]][keys] = (file, line)
            }
        }
        try checkPrefixes(file: file)
    }

    /// A key that is also the start of a longer binding in the same table would make the longer one unreachable.
    /// The message names the binding from `file` (the one just read), where the fix belongs.
    private func checkPrefixes(file: String) throws {
        for mode in Mode.allCases {
            let map = bindings[mode] ?? [:]
            for keys in map.keys.sorted(by: { ($0.count, $0.description) > ($1.count, $1.description) }) where keys.count > 1 {
                for n in 1..<keys.count {
                    let prefix = Array(keys.prefix(n))
                    guard map[prefix] != nil else { continue }
                    let candidates = [origins[mode]?[prefix], origins[mode]?[keys]].compactMap { $0 }
                    let origin = candidates.filter { $0.file == file }.max { $0.line < $1.line } ?? candidates.first
                    throw KeymapError(file: origin?.file ?? file, line: origin?.line ?? 0,
                                      message: "'\(Self.label(prefix))' clashes with '\(Self.label(keys))' in [\(mode.rawValue)]: the longer one could never be typed")
                }
            }
        }
    }
}

/// Line numbers of a TOML file's tables and keys, for messages (TOMLKit gives values, not positions).
struct KeymapLines {
    private var positions: [String: Int] = [:]

    init(_ text: String) {
        var section = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                section = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                positions["[" + section] = n + 1
            } else if let key = Self.key(of: line) {
                positions[section + "\u{0}" + key] = positions[section + "\u{0}" + key] ?? n + 1
            }
        }
    }

    /// The key of a `key = value` line, unquoted.
    private static func key(of line: String) -> String? {
        guard let first = line.first, first != "#" else { return nil }
        if first == "\"" || first == "'" {
            var key = ""
            var escaped = false
            for c in line.dropFirst() {
                if escaped { key.append(c == "\\" || c == "\"" ? c : c); escaped = false; continue }
                if c == "\\" && first == "\"" { escaped = true; continue }
                if c == first { return key }
                key.append(c)
            }
            return nil
        }
        guard let equals = line.firstIndex(of: "=") else { return nil }
        return line[..<equals].trimmingCharacters(in: .whitespaces)
    }

    func line(section: String?, key: String?) -> Int {
        guard let key else { return positions["[" + (section ?? "")] ?? 1 }
        return positions[(section ?? "") + "\u{0}" + key] ?? positions["[" + (section ?? "")] ?? 1
    }
}
