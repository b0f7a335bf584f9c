// Tests of AtomicFile's path split: the same folder and name as NSString gives, for every shape of path.
@testable import Engine
import Foundation
import Testing

@Test func aPathSplitsAsNSStringSplitsIt() {
    let paths = ["out/2.25.1/2.25.2/2.25.3.dcm", "/tmp/out/a.dcm", "/a.dcm", "a.dcm", "/", "", "a/b/", "a//b.dcm",
                 "//a", "./a", "../x/y", "Šiauliai/Žemaitė.dcm", "a/ü", "out/.2.25.3.dcm.12.345.tmp"]
    for path in paths {
        let split = AtomicFile.split(path)
        #expect(split.folder == (path as NSString).deletingLastPathComponent, "folder of \(path)")
        #expect(split.name == (path as NSString).lastPathComponent, "name of \(path)")
    }
    // A string without contiguous UTF-8 (bridged from NSString) takes the same way out.
    let bridged = NSString(string: "out/ß/a.dcm") as String
    #expect(AtomicFile.split(bridged) == ("out/ß", "a.dcm"))
}
