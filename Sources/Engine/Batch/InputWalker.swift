// InputWalker: expands the command line's files and folders into one sorted list of regular files.
import Foundation

enum InputWalker {
    /// Folders are read with readdir and paths built as bytes: FileManager's enumerator reads every
    /// entry's attributes into a dictionary, which costs more per file than scrubbing a small one.
    /// A folder's files come in the byte order of their paths, straight into the compact list: no
    /// list of all paths as strings is held to be sorted.
    static func files(in inputs: [String]) throws -> PathList {
        var found = PathList()
        for (position, input) in inputs.enumerated() {
            var info = stat()
            guard stat(input, &info) == 0 else {
                throw EngineError(.usage, "source \(position + 1) does not exist")
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                found.append(Array(input.utf8))
                continue
            }
            walk(Array(input.utf8), into: &found)
        }
        return found
    }

    /// Every regular file below `folder` at any depth, symbolic links not followed, in the byte
    /// order of the whole paths: a folder's entries are walked sorted by name, a folder's name
    /// with "/" after it ("a-c" comes before the files in "a/", as "a-c" < "a/x"). Files whose
    /// name starts with "." are left out; folders so named are still walked.
    static func walk(_ folder: [UInt8], into found: inout PathList) {
        var entries: [(key: [UInt8], isFolder: Bool)] = []
        guard let directory = withCString(folder, { opendir($0) }) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard withCString(folder + [0x2F] + name, { lstat($0, &info) }) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = UInt8(DT_DIR)
                case S_IFREG: type = UInt8(DT_REG)
                default: continue
                }
            }
            if type == UInt8(DT_DIR) {
                entries.append((name + [0x2F], true))
            } else if type == UInt8(DT_REG), name.first != 0x2E {
                entries.append((name, false))
            }
        }
        closedir(directory)
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        for entry in entries {
            if entry.isFolder {
                walk(folder + [0x2F] + entry.key.dropLast(), into: &found)
            } else {
                found.append(folder + [0x2F] + entry.key)
            }
        }
    }

    private static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
