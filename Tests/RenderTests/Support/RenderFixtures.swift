// RenderFixtures: pydicom's real files and DICOM images generated in code, opened as preview sources.
import Engine
import Foundation
import Render
import Testing

/// Swift Testing has a `Tag` of its own; in these tests Tag is the DICOM one.
typealias Tag = Engine.Tag

enum RenderFixtures {
    /// The folder of pydicom's test files; tests that need them fail (not skip) when it is missing.
    static var pydicomFolder: String {
        if let folder = ProcessInfo.processInfo.environment["DCMSCRUB_TEST_FILES"] { return folder }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        return root + "/.cache/pydicom/data/test_files"
    }

    static func pydicom(_ name: String) throws -> String {
        let path = pydicomFolder + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw RenderError(.open, "pydicom test file \(name) is missing: run scripts/test.sh (make test)")
        }
        return path
    }

    static func scratch(_ name: String = #function) throws -> String {
        let folder = NSTemporaryDirectory() + "dcmscrub-render-tests/\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A single-frame monochrome image held in memory: 16-bit (12 stored) when `values` exceed 255.
    static func monochrome(width: Int, height: Int, photometric: String = "MONOCHROME2", window: Window? = nil,
                           rescale: (slope: Double, intercept: Double)? = nil, values: (Int, Int) -> Int) throws -> PreviewSource {
        let file = DicomFile.makeNew()
        let d = file.dataset
        var all: [Int] = []
        all.reserveCapacity(width * height)
        for y in 0..<height { for x in 0..<width { all.append(values(x, y)) } }
        let wide = (all.max() ?? 0) > 255
        try header(d, width: width, height: height, samples: 1, bits: wide ? 16 : 8, stored: wide ? 12 : 8, photometric: photometric)
        if let window {
            try d.put(Tag(0x0028, 0x1050), "\(window.center)", vr: "DS")
            try d.put(Tag(0x0028, 0x1051), "\(window.width)", vr: "DS")
        }
        if let rescale {
            try d.put(Tag(0x0028, 0x1052), "\(rescale.intercept)", vr: "DS")
            try d.put(Tag(0x0028, 0x1053), "\(rescale.slope)", vr: "DS")
        }
        var bytes: [UInt8] = []
        for v in all {
            if wide { bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] } else { bytes.append(UInt8(v)) }
        }
        if bytes.count % 2 == 1 { bytes.append(0) }
        try d.put(.pixelData, bytes: bytes, vr: wide ? "OW" : "OB")
        return try PreviewSource(file: file)
    }

    /// A single-frame 8-bit RGB image held in memory.
    static func rgb(width: Int, height: Int, frames: Int = 1, color: (Int, Int) -> RGBImage.Color) throws -> PreviewSource {
        let file = DicomFile.makeNew()
        let d = file.dataset
        try header(d, width: width, height: height, samples: 3, bits: 8, stored: 8, photometric: "RGB")
        if frames > 1 { try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS") }
        var bytes: [UInt8] = []
        for f in 0..<frames {
            for y in 0..<height { for x in 0..<width { let c = color(x + f, y); bytes += [c.r, c.g, c.b] } }
        }
        if bytes.count % 2 == 1 { bytes.append(0) }
        try d.put(.pixelData, bytes: bytes, vr: "OB")
        return try PreviewSource(file: file)
    }

    private static func header(_ d: DicomItem, width: Int, height: Int, samples: Int, bits: Int, stored: Int, photometric: String) throws {
        try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7", vr: "UI")
        try d.put(.sopInstanceUID, "1.2.826.0.1.3680043.10.1455.99.\(width).\(height)", vr: "UI")
        try d.put(Tag(0x0028, 0x0002), "\(samples)", vr: "US")
        try d.put(Tag(0x0028, 0x0004), photometric, vr: "CS")
        if samples == 3 { try d.put(Tag(0x0028, 0x0006), "0", vr: "US") }
        try d.put(Tag(0x0028, 0x0010), "\(height)", vr: "US")
        try d.put(Tag(0x0028, 0x0011), "\(width)", vr: "US")
        try d.put(Tag(0x0028, 0x0100), "\(bits)", vr: "US")
        try d.put(Tag(0x0028, 0x0101), "\(stored)", vr: "US")
        try d.put(Tag(0x0028, 0x0102), "\(stored - 1)", vr: "US")
        try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
    }

    /// A smooth grey test picture: a diagonal ramp with a bright disc, so scaling and windowing show.
    static func ramp(_ x: Int, _ y: Int, width: Int, height: Int, top: Int = 255) -> Int {
        let base = (x + y) * top / max(1, width + height - 2)
        let dx = x - width / 2, dy = y - height / 2
        return dx * dx + dy * dy < (width * width) / 36 ? top : base
    }

    /// Milliseconds of this thread's CPU time spent in `body`, the best of `runs`: on a machine shared
    /// with other builds, wall-clock time mostly measures the queue for a core.
    static func milliseconds(runs: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
        }
        var best = Double.infinity
        for _ in 0..<runs {
            let start = now()
            try body()
            best = min(best, now() - start)
        }
        return best
    }
}
