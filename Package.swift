// swift-tools-version:6.0
// dcmscrub: de-identify DICOM headers and burned-in pixel text, review it in a terminal, prove the result.
import PackageDescription

let dcmtkLibraries = ["dcmdata", "dcmimgle", "dcmimage", "dcmjpeg", "dcmjpls", "dcmnet", "oflog", "ofstd"]

let package = Package(
    name: "dcmscrub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dcmscrub", targets: ["dcmscrub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .target(
            name: "CDCMTK",
            cxxSettings: [.unsafeFlags(["-std=c++17"])],
            linkerSettings: dcmtkLibraries.map { .linkedLibrary($0) } + [.linkedLibrary("openjp2"), .linkedLibrary("jpeg"), .linkedLibrary("stdc++")]
        ),
        .systemLibrary(name: "CTesseract", pkgConfig: "tesseract"),
        .systemLibrary(name: "CSixel", pkgConfig: "libsixel"),
        .systemLibrary(name: "CNcursesw"),
        .target(
            name: "Engine",
            dependencies: [
                "CDCMTK",
                "CTesseract",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/ps3.15-annex-e.tsv"), .copy("Resources/tcia-private-tag-kb.csv"),
                        .copy("Resources/ctp-DicomPixelAnonymizer.script"), .copy("Resources/deid.dicom"),
                        .copy("Resources/deid.dicom.ultrasound")]
        ),
        .target(name: "Render", dependencies: ["Engine", "CSixel"]),
        .target(
            name: "Review",
            dependencies: ["Engine", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "TUI",
            dependencies: ["Review", "Render", "Engine", "CNcursesw", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .executableTarget(
            name: "dcmscrub",
            dependencies: ["Engine", "Review", "TUI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // mimalloc in place of glibc's malloc for the whole process (DCMTK, Tesseract, Swift):
            // a header-only batch makes and frees thousands of small blocks a file. Only the
            // executable links it; main.swift sets its options through the environment.
            linkerSettings: [.linkedLibrary("mimalloc")]
        ),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "CDCMTK"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Engine", "dcmscrub"]),
        .testTarget(name: "ReviewTests", dependencies: ["Review", "Engine", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Engine", "CSixel"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Review", "Render", "Engine"], exclude: ["Snapshots"]),
    ],
    cxxLanguageStandard: .cxx17
)
