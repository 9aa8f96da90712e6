// swift-tools-version:6.1
// libFuzzer targets for Bulwark's parsers of untrusted input. Built only with the fuzzer's
// instrumentation, by `make fuzz` / `make fuzz-smoke` (fuzz/run.sh), in its own scratch path:
//   swift build --package-path fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
// Each target's main.swift defines the entry point SwiftPM links as `main` (`<Target>_main`), which hands
// over to libFuzzer (FuzzDriver); without the fuzzer's runtime this package does not link, and the main
// package never sees these targets.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "bulwark-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "bulwark", path: ".."),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CFuzzDriver", .product(name: "AWSWire", package: "bulwark"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzARN",
            dependencies: ["FuzzSupport", .product(name: "BulwarkCore", package: "bulwark")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzSigV4",
            dependencies: [
                "FuzzSupport", .product(name: "BulwarkCore", package: "bulwark"), .product(name: "AWSWire", package: "bulwark"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzQuery",
            dependencies: [
                "FuzzSupport",
                .product(name: "BulwarkCore", package: "bulwark"), .product(name: "AWSWire", package: "bulwark"),
                .product(name: "IAM", package: "bulwark"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzRestJSON",
            dependencies: ["FuzzSupport", .product(name: "BulwarkCore", package: "bulwark"), .product(name: "AWSWire", package: "bulwark")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzCBOR",
            dependencies: [
                "FuzzSupport", .product(name: "BulwarkCore", package: "bulwark"), .product(name: "AWSWire", package: "bulwark"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzPolicy",
            dependencies: ["FuzzSupport", .product(name: "IAM", package: "bulwark")],
            swiftSettings: swiftSettings
        ),
    ]
)
