// InputWalker: expands the command line's files and folders into one sorted list of regular files.
import Foundation

enum InputWalker {
    static func files(in inputs: [String]) throws -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        for (position, input) in inputs.enumerated() {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: input, isDirectory: &isFolder) else {
                throw EngineError(.usage, "source \(position + 1) does not exist")
            }
            if !isFolder.boolValue {
                found.append(input)
                continue
            }
            guard let walker = manager.enumerator(atPath: input) else { continue }
            var inFolder: [String] = []
            while let relative = walker.nextObject() as? String {
                let path = input + "/" + relative
                guard let type = walker.fileAttributes?[.type] as? FileAttributeType, type == .typeRegular else { continue }
                if (relative as NSString).lastPathComponent.hasPrefix(".") { continue }
                inFolder.append(path)
            }
            found += inFolder.sorted()
        }
        return found
    }
}
