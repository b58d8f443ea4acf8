// swift-tools-version:5.9
// The kis Swift package (a template: no Swift toolchain runs on kis's CI). KisFFI is the
// XCFramework that build-xcframework.sh makes from kis-ffi's static library and its
// generated C header; Kis is uniffi's Kis.swift with the typed API generated from
// kis-core's declaration (kis-ffi/swift), copied into Sources/Kis by the same script.
import PackageDescription

let package = Package(
    name: "Kis",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Kis", targets: ["Kis"]),
    ],
    targets: [
        .binaryTarget(name: "KisFFI", path: "KisFFI.xcframework"),
        .target(
            name: "Kis",
            dependencies: ["KisFFI"],
            path: "Sources/Kis",
            sources: ["Kis.swift", "KisApi.swift", "Json.swift", "Engine.swift", "Http.swift"]
        ),
    ]
)
