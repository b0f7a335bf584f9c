// Tests of device templates: both public libraries import whole, their signatures mean what they mean at home.
import Engine
import Foundation
import Testing

// MARK: - Helpers

/// A dataset in memory holding exactly `values` (keyword -> value, VR from the dictionary).
func templateDataset(_ values: [String: String], meta: [String: String] = [:]) throws -> DicomFile {
    let file = DicomFile.makeNew()
    for (keyword, value) in values {
        try file.dataset.put(try #require(Tag(keyword: keyword), "\(keyword)"), value)
    }
    for (keyword, value) in meta {
        try file.meta.put(try #require(Tag(keyword: keyword), "\(keyword)"), value)
    }
    return file
}

func builtin(_ which: BuiltinTemplates) throws -> ImportResult {
    let path = try which.path
    return which.format == .ctp
        ? try CTPScriptImporter.importFile(at: path, createdAt: "2024-01-01T00:00:00Z")
        : try DeidRecipeImporter.importFile(at: path, createdAt: "2024-01-01T00:00:00Z")
}

func rect(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> PixelRect { PixelRect(x: x, y: y, width: w, height: h) }

/// One entry of a library, a dataset it must match, and one change that must stop the match.
struct TemplateCase: CustomTestStringConvertible, Sendable {
    let find: @Sendable (DeviceTemplate) -> Bool
    let label: String
    let values: [String: String]
    var meta: [String: String] = [:]
    let rows: Int
    let columns: Int
    let expected: [PixelRect]
    let change: (keyword: String, value: String?)
    var testDescription: String { label }

    func check(in templates: [DeviceTemplate]) throws {
        let found = templates.filter(find)
        try #require(found.count == 1, "\(label): \(found.count) templates found")
        var library = TemplateLibrary(folder: "/nonexistent")
        try library.add(found[0])
        let file = try templateDataset(values, meta: meta)
        let matched = library.matches(for: file.dataset, rows: rows, columns: columns)
        #expect(matched.map(\.name) == [found[0].name], "\(label)")
        #expect(matched.first?.rectangles == expected, "\(label)")

        var changed = values
        changed[change.keyword] = change.value
        var changedMeta = meta
        if meta[change.keyword] != nil { changedMeta[change.keyword] = change.value; changed = values }
        let other = try templateDataset(changed, meta: changedMeta)
        #expect(library.matches(for: other.dataset, rows: rows, columns: columns).isEmpty, "\(label) after changing \(change.keyword)")
    }
}

// MARK: - Both reference libraries import whole

@Test func theCTPScriptImportsEverySignature() throws {
    let result = try builtin(.ctp)
    // Counted independently: every signature is one pair of braces.
    let text = try String(contentsOfFile: try BuiltinTemplates.ctp.path, encoding: .utf8)
    #expect(text.filter { $0 == "{" }.count == 52)
    #expect(result.templates.count == 52)
    #expect(result.problems.isEmpty, "\(result.problems)")
    #expect(result.templates.allSatisfy { $0.source == .ctp && !$0.verified && !$0.rectangles.isEmpty })
    #expect(result.templates.allSatisfy { $0.disposition == .redact && $0.filterList == nil })
    #expect(Set(result.templates.map(\.name)).count == 52)
    // Every "(x,y,w,h)" in the file is a region of some signature: 62 of them.
    let regions = try NSRegularExpression(pattern: #"\(\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*\)"#)
    #expect(regions.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) == 62)
    #expect(result.templates.reduce(0) { $0 + $1.rectangles.count } == 62)
}

@Test func theDeidRecipesImportEveryLabelButThreeMisspelledFields() throws {
    let text = try String(contentsOfFile: try BuiltinTemplates.deid.path, encoding: .utf8)
    let labels = text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("LABEL") }
    #expect(labels.count == 118)

    let result = try builtin(.deid)
    #expect(result.entryCount == 118)
    #expect(result.templates.count == 115)
    // Truly malformed in the source: two ADAC labels filter on "Manfacturer" and the MEDRAD label on
    // "Manufacture", which are no attributes at all; deid reads them as absent, so those labels could
    // never match there either. They are refused, not guessed.
    #expect(result.problems == [
        ImportProblem(line: 490, reason: "unknown attribute 'Manfacturer'"),
        ImportProblem(line: 497, reason: "unknown attribute 'Manfacturer'"),
        ImportProblem(line: 504, reason: "unknown attribute 'Manufacture'"),
    ])
    let lists = Dictionary(grouping: result.templates, by: { $0.filterList })
    #expect(lists[.whitelist]?.count == 2)
    #expect(lists[.graylist]?.count == 106)
    #expect(lists[.blacklist]?.count == 7)
    #expect(result.templates.allSatisfy { $0.source == .deid && !$0.verified })
    #expect(lists[.whitelist]!.allSatisfy { $0.disposition == .clean })
    #expect(lists[.blacklist]!.allSatisfy { $0.disposition == .review })
    // "Flags only" graylist labels name no region: a human looks, nothing is assumed clean.
    #expect(lists[.graylist]!.filter { $0.disposition == .review }.map(\.name) == [
        "Stanford Med Reconstruction", "Stanford CT GE Medical Systems LightSpeed VCT",
        "CT Siemens SOMATOM Catch-all", "Stanford Medicine Outpatient center",
    ])
    #expect(result.templates.first { $0.name == "CT Dose Series" }?.author == "CTP")
    #expect(result.templates.first { $0.name == "Stanford Blacklist Missing ImageType" }?.author == "Susan Weber, Vanessa Sochat")

    let ultrasound = try builtin(.deidUltrasound)
    #expect(ultrasound.templates.map(\.name) == ["Marked as Clean Catch All", "Blank Image", "Clean Ultrasound Regions"])
    #expect(ultrasound.problems.isEmpty)
}

// MARK: - CTP entries match what they describe, and only that

let ctpCases: [TemplateCase] = [
    TemplateCase(
        find: { $0.sourceLine == 59 }, label: "GE 1024 screen captures, two regions",
        values: ["BurnedInAnnotation": "YES", "Manufacturer": "GE MEDICAL SYSTEMS", "Rows": "1024"],
        rows: 1024, columns: 1024, expected: [rect(0, 0, 300, 150), rect(724, 0, 300, 150)],
        change: ("Manufacturer", "SIEMENS")),
    TemplateCase(
        find: { $0.sourceLine == 214 }, label: "Siemens Antares, three regions",
        values: ["Modality": "US", "Manufacturer": "Siemens", "ManufacturerModelName": "ACUSON Antares",
                 "Rows": "768", "Columns": "1024"],
        rows: 768, columns: 1024, expected: [rect(0, 0, 1024, 60), rect(200, 60, 20, 20), rect(800, 65, 104, 14)],
        change: ("Columns", "800")),
    TemplateCase(
        find: { $0.sourceLine == 106 }, label: "Philips GEMINI PET by [gggg,eeee] tags",
        values: ["Modality": "PT", "Manufacturer": "Philips Medical Systems", "ManufacturerModelName": "GEMINI TF",
                 "Rows": "446", "Columns": "245"],
        rows: 446, columns: 245, expected: [rect(0, 0, 125, 50)],
        change: ("Rows", "445")),
    TemplateCase(
        find: { $0.sourceLine == 132 }, label: "Mindray by the meta header's ImplementationVersionName",
        values: ["Modality": "US"], meta: ["ImplementationVersionName": "MINDRAY_V2"],
        rows: 1000, columns: 1280, expected: [rect(0, 0, 1229, 69)],
        change: ("ImplementationVersionName", "mindray_v2")),  // contains is case-sensitive in CTP
    TemplateCase(
        find: { $0.sourceLine == 67 }, label: "Vitrea, an or in parentheses",
        values: ["Manufacturer": "Vital Images, Inc.", "SeriesDescription": "Aorta REPORT", "Rows": "1041"],
        rows: 1041, columns: 800, expected: [rect(0, 0, 795, 150)],
        change: ("SeriesDescription", "Axial")),
    TemplateCase(
        find: { $0.sourceLine == 306 }, label: "Volcano, a space before the method's parenthesis",
        values: ["Manufacturer": "Volcano Corporation", "SeriesDescription": "ffr pullback", "Rows": "1024", "Columns": "1280"],
        rows: 1024, columns: 1280, expected: [rect(404, 9, 580, 40)],
        change: ("Manufacturer", "Philips")),
    TemplateCase(
        find: { $0.sourceLine == 88 }, label: "Toshiba Aquilion, multi-valued ImageType and a DS",
        values: ["Modality": "CT", "Manufacturer": "TOSHIBA", "ManufacturerModelName": "Aquilion ONE",
                 "ImageType": "DERIVED\\SECONDARY\\DOSE_INFO", "Columns": "512", "Rows": "512", "WindowWidth": "1"],
        rows: 512, columns: 512, expected: [rect(0, 0, 410, 240)],
        change: ("WindowWidth", "400")),
]

@Test(arguments: ctpCases) func ctpEntriesMatchTheirDevice(_ entry: TemplateCase) throws {
    try entry.check(in: try builtin(.ctp).templates)
}

// MARK: - deid entries match what they describe, and only that

let deidCases: [TemplateCase] = [
    TemplateCase(
        find: { $0.name == "Philips IU22 #2" }, label: "Philips iU22 at 786 rows, ctpcoordinates",
        values: ["Modality": "US", "Manufacturer": "Philips Medical Systems", "Rows": "786", "ManufacturerModelName": "iU22"],
        rows: 786, columns: 1024, expected: [rect(0, 0, 1024, 75)],
        change: ("ManufacturerModelName", "iU33")),
    TemplateCase(
        find: { $0.name == "Siemens Antares" }, label: "Siemens Antares, three ctpcoordinates",
        values: ["Modality": "US", "Manufacturer": "SIEMENS", "Rows": "768", "Columns": "1024",
                 "ManufacturerModelName": "ANTARES"],
        rows: 768, columns: 1024, expected: [rect(0, 0, 1024, 60), rect(200, 60, 20, 20), rect(800, 65, 104, 14)],
        change: ("Modality", "CT")),
    TemplateCase(
        find: { $0.name == "LightSpeed Dose Report" }, label: "LightSpeed dose report, corners and an inline ||",
        values: ["ManufacturerModelName": "LightSpeed VCT", "Modality": "CT", "ImageType": "ORIGINAL\\PRIMARY",
                 "SeriesDescription": "Dose Report"],
        rows: 512, columns: 512, expected: [rect(0, 0, 512, 121)],
        change: ("SeriesDescription", "Axial")),
    TemplateCase(
        find: { $0.name == "3D Lab reconstructions" }, label: "unindented coordinates with a space: 450,0,672, 85",
        values: ["ManufacturerModelName": "SOMATOM Definition AS+", "Modality": "CT", "SeriesDescription": "3D VRT"],
        rows: 768, columns: 1024, expected: [rect(450, 0, 222, 85)],
        change: ("Modality", "MR")),
    TemplateCase(
        find: { $0.name == "Toshiba Aplio 400 or 500" }, label: "A400|A500 is either",
        values: ["Modality": "US", "Manufacturer": "TOSHIBA_MEC_US", "Rows": "720", "Columns": "960",
                 "ManufacturerModelName": "TUS-A500"],
        rows: 720, columns: 960, expected: [rect(0, 0, 960, 60)],
        change: ("ManufacturerModelName", "TUS-A300")),
    TemplateCase(
        find: { $0.name == "EPIQ_7G (CTP)" }, label: "equals Rows 600|768, and a leading +",
        values: ["Manufacturer": "EPIQ", "Rows": "768"],
        rows: 768, columns: 1024, expected: [rect(0, 0, 800, 59)],
        change: ("Rows", "786")),
    TemplateCase(
        find: { $0.name == "Volume Rendering - MRCP" }, label: "two ctpcoordinates lines",
        values: ["Modality": "CT", "Manufacturer": "GE MEDICAL SYSTEMS", "Rows": "512", "Columns": "512",
                 "BurnedInAnnotation": "YES", "ImageType": "DERIVED\\SECONDARY\\VOLREN"],
        rows: 512, columns: 512, expected: [rect(350, 0, 162, 30), rect(390, 80, 122, 15)],
        change: ("BurnedInAnnotation", nil)),
    TemplateCase(
        find: { $0.name == "Burned In Annotation" }, label: "blacklist: an empty DateOfSecondaryCapture",
        values: ["Modality": "OT", "ImageType": "DERIVED", "DateOfSecondaryCapture": ""],
        rows: 100, columns: 100, expected: [],
        change: ("DateOfSecondaryCapture", nil)),
    TemplateCase(
        find: { $0.name == "Marked as Clean Catch All" }, label: "whitelist: BurnedInAnnotation NO",
        values: ["BurnedInAnnotation": "NO"],
        rows: 100, columns: 100, expected: [],
        change: ("BurnedInAnnotation", "YES")),
]

@Test(arguments: deidCases) func deidEntriesMatchTheirDevice(_ entry: TemplateCase) throws {
    try entry.check(in: try builtin(.deid).templates)
}

@Test func theUltrasoundRecipeKeepsOnlyTheRegionsTheHeaderLists() throws {
    let templates = try builtin(.deidUltrasound).templates
    let keep = try #require(templates.first { $0.name == "Clean Ultrasound Regions" })
    #expect(keep.keepRegionsFrom == "SequenceOfUltrasoundRegions" && keep.disposition == .redact)
    let file = try templateDataset(["Modality": "US"])
    let region = try file.dataset.appendItem(try #require(Tag(keyword: "SequenceOfUltrasoundRegions")))
    for (keyword, value) in [("RegionLocationMinX0", "100"), ("RegionLocationMinY0", "50"),
                             ("RegionLocationMaxX1", "700"), ("RegionLocationMaxY1", "500")] {
        try region.put(try #require(Tag(keyword: keyword)), value)
    }
    var library = TemplateLibrary(folder: "/nonexistent")
    try library.add(keep)
    let matched = library.matches(for: file.dataset, rows: 600, columns: 800)
    #expect(matched.first?.rectangles == [rect(0, 0, 800, 50), rect(0, 50, 100, 450), rect(700, 50, 100, 450), rect(0, 500, 800, 100)])
    #expect(library.matches(for: try templateDataset(["Modality": "US"]).dataset, rows: 600, columns: 800).isEmpty)

    let blank = try #require(templates.first { $0.name == "Blank Image" })
    #expect(blank.signature.expression == .constant(true) && blank.wholeImage)
    #expect(blank.regions(in: file.dataset, rows: 600, columns: 800) == [rect(0, 0, 800, 600)])
}

// MARK: - Precedence

@Test func ctpAndBindsBeforeOrAndNotBeforeAnd() throws {
    func holds(_ script: String, _ values: [String: String]) throws -> Bool {
        let result = CTPScriptImporter.parse(script + "\n(0,0,1,1)", fileName: "test.script")
        try #require(result.problems.isEmpty, "\(result.problems)")
        return result.templates[0].signature.holds(in: try templateDataset(values).dataset)
    }
    let orOfAnd = #"{ Modality.equals("CT") * Manufacturer.equals("GE") + Rows.equals("512") }"#
    #expect(try holds(orOfAnd, ["Modality": "MR", "Manufacturer": "X", "Rows": "512"]))
    #expect(try !holds(orOfAnd, ["Modality": "CT", "Manufacturer": "X", "Rows": "256"]))
    let grouped = #"{ Modality.equals("CT") * (Manufacturer.equals("GE") + Rows.equals("512")) }"#
    #expect(try !holds(grouped, ["Modality": "MR", "Manufacturer": "X", "Rows": "512"]))
    #expect(try holds(grouped, ["Modality": "CT", "Manufacturer": "X", "Rows": "512"]))
    let negated = #"{ !Modality.equals("CT") * Rows.equals("512") }"#
    #expect(try holds(negated, ["Modality": "MR", "Rows": "512"]))
    #expect(try !holds(negated, ["Modality": "CT", "Rows": "512"]))
    #expect(try !holds(negated, ["Modality": "MR", "Rows": "256"]))
    // CTP reads a missing attribute as "", so equals("") holds for it and a comment is skipped.
    #expect(try holds(#"{ StationName.equals("") // none } "#, [:]))

    let bad = CTPScriptImporter.parse("{ Modality.equalz(\"CT\") }\n(0,0,1,1)\n{ Rows.equals(\"1\") }\n(0,0,x,1)", fileName: "t")
    #expect(bad.templates.isEmpty)
    #expect(bad.problems == [ImportProblem(line: 1, reason: "unknown method 'equalz'"),
                             ImportProblem(line: 4, reason: "region is not four integers (x,y,w,h)")])
}

@Test func deidLinesApplyLeftToRightAndEachLineIsAGroup() throws {
    let recipe = """
        %filter graylist
        LABEL A
          missing Manufacturer || empty Manufacturer
          + contains ImageType SECONDARY
          coordinates 0,0,10,10
        LABEL B
          contains Modality CT
          + contains Manufacturer GE
          || contains SeriesDescription Dose
          coordinates 0,0,10,10
        LABEL C
          contains Modality CT
          + contains Manufacturer GE || contains Manufacturer SIEMENS
          coordinates 0,0,10,10
        LABEL D
          notcontains Modality CT
          + notequals Rows 512|1024
          coordinates 0,0,10,10
        """
    let result = DeidRecipeImporter.parse(recipe, fileName: "test.recipe")
    try #require(result.problems.isEmpty && result.templates.count == 4, "\(result.problems)")
    func holds(_ name: String, _ values: [String: String]) throws -> Bool {
        try #require(result.templates.first { $0.name == name }).signature.holds(in: try templateDataset(values).dataset)
    }
    // (missing or empty) and SECONDARY, not missing or (empty and SECONDARY).
    #expect(try !holds("A", ["ImageType": "ORIGINAL\\PRIMARY"]))
    #expect(try holds("A", ["ImageType": "DERIVED\\SECONDARY"]))
    #expect(try holds("A", ["Manufacturer": "", "ImageType": "DERIVED\\SECONDARY"]))
    #expect(try !holds("A", ["Manufacturer": "GE", "ImageType": "DERIVED\\SECONDARY"]))
    // (CT and GE) or Dose.
    #expect(try holds("B", ["Modality": "MR", "Manufacturer": "SIEMENS", "SeriesDescription": "Dose Info"]))
    #expect(try !holds("B", ["Modality": "CT", "Manufacturer": "SIEMENS"]))
    // CT and (GE or SIEMENS): the second line is one group.
    #expect(try !holds("C", ["Modality": "MR", "Manufacturer": "SIEMENS"]))
    #expect(try holds("C", ["Modality": "CT", "Manufacturer": "Siemens Healthineers"]))
    // A missing attribute contains and equals nothing, so the negations hold.
    #expect(try holds("D", [:]))
    #expect(try !holds("D", ["Rows": "1024"]))
    #expect(try !holds("D", ["Modality": "CT"]))
}

// MARK: - The library on disk

@Test func aLibrarySavesAndLoadsWithVersions() throws {
    let folder = try Fixtures.scratch()
    var library = TemplateLibrary(folder: folder)
    for template in try builtin(.ctp).templates.prefix(3) + builtin(.deidUltrasound).templates {
        #expect(try library.add(template) == .added)
    }
    let reviewed = DeviceTemplate(
        name: "Acme SonoView 5 / Müller's preset", signature: DeviceSignature(.and([
            .predicate(try #require(.init(attribute: "Manufacturer", op: .equals, value: "Acme Sonics"))),
            .not(.predicate(try #require(.init(attribute: "(0028,0010)", op: .equals, value: "48")))),
        ])),
        rectangles: [rect(0, 0, 64, 8), rect(-20, -4, 20, 4)], source: .reviewer, author: "steward",
        createdAt: "2024-05-17T10:15:02Z", verified: true)
    #expect(try library.add(reviewed) == .added)
    try library.save()

    let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(files == [
        "ctp-ct-ge-ct-dose-series-2-v1.json", "ctp-ct-ge-ct-dose-series-3-v1.json", "ctp-ct-ge-ct-dose-series-v1.json",
        "deid-blank-image-v1.json", "deid-clean-ultrasound-regions-v1.json", "deid-marked-as-clean-catch-all-v1.json",
        "reviewer-acme-sonoview-5-muller-s-preset-v1.json",
    ])
    let text = try String(contentsOfFile: folder + "/reviewer-acme-sonoview-5-muller-s-preset-v1.json", encoding: .utf8)
    #expect(text.contains("\"attribute\" : \"(0028,0010)\"") && text.contains("\"verified\" : true"))
    #expect(text.range(of: "\"author\"")!.lowerBound < text.range(of: "\"name\"")!.lowerBound)  // sorted keys

    var loaded = try TemplateLibrary.load(from: folder)
    #expect(loaded.templates == library.templates)
    #expect(loaded.templates.first { $0.source == .reviewer }?.signature.manufacturer == "Acme Sonics")

    // Same content again changes nothing; new content is the next version and becomes current.
    #expect(try loaded.add(reviewed) == .unchanged)
    var moved = reviewed
    moved.rectangles = [rect(0, 0, 64, 10)]
    #expect(try loaded.add(moved) == .newVersion(2))
    try loaded.save()
    let reloaded = try TemplateLibrary.load(from: folder)
    #expect(reloaded.templates.count == 8 && reloaded.current.count == 7)
    #expect(reloaded.current.first { $0.source == .reviewer }?.rectangles == [rect(0, 0, 64, 10)])
    let exported = try JSONDecoder().decode([DeviceTemplate].self, from: try reloaded.exportJSON())
    #expect(exported == reloaded.templates)
    let tmp = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
    #expect(tmp.isEmpty)
}

@Test func rectanglesAreClippedToTheImage() throws {
    let always = DeviceSignature(.constant(true))
    let template = DeviceTemplate(
        name: "edges", signature: always,
        rectangles: [rect(450, 0, 222, 85), rect(600, 600, 10, 10), rect(-100, 0, 100, 20), rect(0, -10, 50, 10)],
        source: .reviewer)
    var library = TemplateLibrary(folder: "/nonexistent")
    try library.add(template)
    let file = try templateDataset([:])
    // Outside the image: gone; negative origins count from the far edge, as CTP's Regions do.
    #expect(library.matches(for: file.dataset, rows: 512, columns: 512).first?.rectangles
        == [rect(450, 0, 62, 85), rect(412, 0, 100, 20), rect(0, 502, 50, 10)])
}

// MARK: - Real vendor files

@Test func realUltrasoundFilesMatchWhatTheirHeadersSay() throws {
    var library = TemplateLibrary(folder: "/nonexistent")
    for template in try builtin(.ctp).templates + builtin(.deid).templates { try library.add(template) }
    var ultrasound = TemplateLibrary(folder: "/nonexistent")
    for template in try builtin(.deidUltrasound).templates { try ultrasound.add(template) }

    // examples_palette.dcm is a Philips CX50 at 800x350: CTP knows the CX50 only at 600 rows, deid's
    // CX50 label names no size. Its ultrasound regions reach past the image's 350 rows.
    // examples_jpeg2k.dcm and examples_rgb_color.dcm are "G.E. Medical Systems" LOGIQ 700, which
    // neither CTP's LOGIQ9/LOGIQE9 nor deid's "GE" (a search for the letters g, e together) matches;
    // examples_ybr_color.dcm is a SonoSite Turbo, which neither library knows.
    let expected: [String: (known: [String: [PixelRect]], ultrasound: [String: [PixelRect]])] = [
        "examples_palette.dcm": (["CX50": [rect(0, 0, 800, 59)]],
                                 ["Blank Image": [rect(0, 0, 800, 350)],
                                  "Clean Ultrasound Regions": [rect(0, 0, 800, 60), rect(0, 60, 120, 290)]]),
        "examples_jpeg2k.dcm": ([:], ["Blank Image": [rect(0, 0, 640, 480)]]),
        "examples_ybr_color.dcm": ([:], ["Blank Image": [rect(0, 0, 320, 240)],
                                         "Clean Ultrasound Regions": [rect(0, 0, 320, 31), rect(0, 31, 84, 209)]]),
        "examples_rgb_color.dcm": ([:], ["Blank Image": [rect(0, 0, 320, 240)]]),
    ]
    for (name, want) in expected {
        let file = try DicomFile.open(path: try Fixtures.pydicom(name))
        let info = try file.pixelInfo()
        let known = library.matches(for: file.dataset, rows: info.rows, columns: info.columns)
        #expect(Dictionary(uniqueKeysWithValues: known.map { ($0.name, $0.rectangles) }) == want.known, "\(name)")
        #expect(known.allSatisfy { $0.source == .deid && $0.disposition == .redact }, "\(name)")
        let us = ultrasound.matches(for: file.dataset, rows: info.rows, columns: info.columns)
        #expect(Dictionary(uniqueKeysWithValues: us.map { ($0.name, $0.rectangles) }) == want.ultrasound, "\(name)")
    }
}
