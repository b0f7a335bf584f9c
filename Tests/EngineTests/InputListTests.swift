// A run's inputs: the walk's order (byte order of whole paths) and the front-coded list that holds them.
@testable import Engine
import Foundation
import Testing

@Test func thePathListGivesBackEveryPathAsAppended() {
    // Shared prefixes of every length, a path longer than 127 bytes (two-byte lengths), non-ASCII
    // names, an empty path, and enough paths to cross several whole-path checkpoints.
    var paths: [String] = ["", "/a", "/a", "/ab", "/a/b/c/Žemaitienė.dcm", "/a/b/c/Ž", String(repeating: "x/", count: 90) + "long.dcm"]
    var state: UInt64 = 7
    for _ in 0..<(PathList.stride * 5 + 3) {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let depth = Int(state >> 60) % 4
        let parts = (0...depth).map { i in "d\((state >> (8 * UInt64(i))) & 0x7)" }
        paths.append("/in/" + parts.joined(separator: "/") + "/\(state % 1000).dcm")
    }
    let list = PathList(paths)
    #expect(list.count == paths.count)
    #expect(Array(list) == paths)
    #expect(list[paths.count - 1] == paths.last && list[PathList.stride] == paths[PathList.stride])
}

@Test func theWalkListsFilesInTheByteOrderOfTheirPaths() throws {
    let folder = try Fixtures.scratch() + "/in"
    // "a-c" sorts before "a/x" ("-" < "/"), though the folder "a" sorts before the file "a-c".
    let names = ["a/x.dcm", "a-c", "a/b/2.dcm", "a/b/10.dcm", "b.dcm", "B.dcm", "a0/y", "Ž/1.dcm", "z/.hidden", ".top", ".folder/seen.dcm"]
    for name in names {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
    }
    let single = try Fixtures.scratch() + "/single.dcm"
    try Data("x".utf8).write(to: URL(fileURLWithPath: single))
    let listed = Array(try InputWalker.files(in: [folder, single]))
    let expected = names.filter { !($0 as NSString).lastPathComponent.hasPrefix(".") }.map { folder + "/" + $0 }
        .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } + [single]
    #expect(listed == expected)
    #expect(listed.firstIndex(of: folder + "/a-c")! < listed.firstIndex(of: folder + "/a/b/10.dcm")!)
    #expect(throws: EngineError.self) { try InputWalker.files(in: [folder + "/missing"]) }
}
