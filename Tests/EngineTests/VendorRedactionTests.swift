// Real vendor ultrasound files: every visible text region with a date, time or institution is black after `run`'s engine.
import Engine
import Foundation
import Testing

/// Text regions read off the images by eye (x, y, width, height in image pixels), tight around the glyphs.
let vendorRegions: [(file: String, what: String, rect: PixelRect)] = [
    ("examples_palette.dcm", "date 5/25/2011", PixelRect(x: 670, y: 9, width: 102, height: 16)),
    ("examples_palette.dcm", "time 2:56:22 PM", PixelRect(x: 670, y: 37, width: 108, height: 13)),
    ("examples_palette.dcm", "date-time 11-05-25-142825", PixelRect(x: 97, y: 37, width: 166, height: 12)),
    ("examples_palette.dcm", "institution Philips Healthcare", PixelRect(x: 328, y: 36, width: 181, height: 16)),
    ("examples_rgb_color.dcm", "institution BAPTIST MED CTR", PixelRect(x: 10, y: 13, width: 74, height: 6)),
    ("examples_rgb_color.dcm", "time +2:09:04", PixelRect(x: 140, y: 21, width: 40, height: 6)),
    // GE LOGIQ frame in JPEG 2000 (decoded through OpenJPEG): the same screen at twice the size.
    ("examples_jpeg2k.dcm", "institution BAPTIST MED CTR", PixelRect(x: 20, y: 26, width: 148, height: 12)),
    ("examples_jpeg2k.dcm", "time +2:09:04", PixelRect(x: 280, y: 42, width: 80, height: 12)),
]

@Test(arguments: Array(Set(vendorRegions.map(\.file))).sorted())
func vendorDatesTimesAndInstitutionsAreBlack(name: String) throws {
    let folder = try Fixtures.scratch()
    var processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key))
    processor.templates = try BuiltinTemplates.defaultSet()
    let result = try processor.deidentify(path: try Fixtures.pydicom(name))
    let output = folder + "/out.dcm"
    try result.file.write(to: output)
    let file = try DicomFile.open(path: output) // judged by re-reading what was written
    let info = try file.pixelInfo()
    let raster = FrameRaster(frame: try file.decodeFrame(0, info: info), info: info, display: .init(file.dataset))
    for region in vendorRegions where region.file == name {
        let r = region.rect
        var lit = 0
        for y in r.y..<r.maxY { for x in r.x..<r.maxX where raster.gray[x, y] > 40 { lit += 1 } }
        #expect(lit == 0, "\(name): \(region.what) has \(lit) lit pixels left")
    }
    #expect(file.dataset.string(.burnedInAnnotation) == "NO")
}
