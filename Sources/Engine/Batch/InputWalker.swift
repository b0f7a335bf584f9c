// InputWalker: expands the command line's files and folders into one sorted list of regular files.
import Foundation

enum InputWalker {
    /// Folders are read with readdir and paths built as bytes: FileManager's enumerator reads every
    /// entry's attributes into a dictionary, which costs more per file than scrubbing a small one.
    static func files(in inputs: [String]) throws -> [String] {
        var found: [String] = []
        for (position, input) in inputs.enumerated() {
            var info = stat()
            guard stat(input, &info) == 0 else {
                throw EngineError(.usage, "source \(position + 1) does not exist")
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                found.append(input)
                continue
            }
            var inFolder: [[UInt8]] = []
            walk(Array(input.utf8), into: &inFolder)
            found += inFolder.map { String(decoding: $0, as: UTF8.self) }.sorted()
        }
        return found
    }

    /// Every regular file below `folder` at any depth, symbolic links not followed. Files whose
    /// name starts with "." are left out; folders so named are still walked.
    static func walk(_ folder: [UInt8], into found: inout [[UInt8]]) {
        guard let directory = withCString(folder, { opendir($0) }) else { return }
        defer { closedir(directory) }
        var subfolders: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            let path = folder + [0x2F] + name
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard withCString(path, { lstat($0, &info) }) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = UInt8(DT_DIR)
                case S_IFREG: type = UInt8(DT_REG)
                default: continue
                }
            }
            if type == UInt8(DT_DIR) {
                subfolders.append(path)
            } else if type == UInt8(DT_REG), name.first != 0x2E {
                found.append(path)
            }
        }
        for subfolder in subfolders { walk(subfolder, into: &found) }
    }

    private static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
