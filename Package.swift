// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "bulwark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bulwark", targets: ["bulwark"]),
        // For the fuzz targets (fuzz/Package.swift), which build these with libFuzzer's instrumentation.
        .library(name: "BulwarkCore", targets: ["BulwarkCore"]),
        .library(name: "AWSWire", targets: ["AWSWire"]),
        .library(name: "IAM", targets: ["IAM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "BulwarkCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AWSWire",
            dependencies: [
                "BulwarkCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Store",
            dependencies: [
                "BulwarkCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IAM",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            // The AWS managed policy catalog (make managed-policies), read on first use.
            resources: [
                .copy("Managed/Resources")
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Trail",
            dependencies: ["BulwarkCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Lambda",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KMS",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "Trail",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Secrets",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "KMS", "Lambda",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ObjectStore",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "KMS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Logs",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CloudTrail",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "KMS", "Trail", "ObjectStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CloudWatch",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Signer",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "KMS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Assessment",
            dependencies: ["BulwarkCore", "Store", "IAM", "Lambda", "KMS", "Secrets"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CBulwarkSystem",
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])]
        ),
        .target(
            name: "Execution",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "Lambda", "CBulwarkSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            resources: [
                .copy("Resources/nodejs"),
                .copy("Resources/python"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bulwark-init",
            path: "Sources/BulwarkInit",
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror", "-O2"])],
            // Static: it runs inside sandboxes that see only the host's /usr, first in every cold start, where loading
            // shared libraries through the function's LD_LIBRARY_PATH (and LD_PRELOAD) is neither cheap nor ours to
            // trust. lld, because GNU ld warns about glibc's static dlopen (decision 0028).
            linkerSettings: [.unsafeFlags(["-static-executable", "-use-ld=lld"])]
        ),
        .target(
            name: "BulwarkServer",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "Lambda", "KMS", "Secrets", "ObjectStore", "Logs", "CloudTrail", "CloudWatch", "Signer",
                "Execution",
                "Trail",
                // For zlib, which inflates the request bodies clients gzip (GzipRequestBody).
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bulwark",
            dependencies: [
                "BulwarkServer", "Assessment", "Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // `make bench` (benchmarks/run.py): the micro-benchmarks, and the load client and echo server
        // that measure a running server against its baselines.
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "benchmarks/Support",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bulwark-benchmarks",
            dependencies: [
                "BulwarkCore", "AWSWire", "Store", "IAM", "Logs", "CloudWatch", "BenchmarkSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "benchmarks/Micro",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bulwark-load",
            dependencies: [
                "AWSWire", "BenchmarkSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "benchmarks/Load",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bulwark-codegen",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            path: "Sources/CodeGenerator",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BulwarkCoreTests", dependencies: ["BulwarkCore"], swiftSettings: swiftSettings),
        .testTarget(name: "AWSWireTests", dependencies: ["AWSWire"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "TrailTests", dependencies: ["Trail"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IAMTests",
            // ZIPFoundation's zlib inflate is the independent decoder that the QR code PNG tests check against.
            dependencies: [
                "IAM",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LambdaTests", dependencies: ["Lambda", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .testTarget(
            name: "ObjectStoreTests",
            dependencies: [
                "ObjectStore", "IAM", "KMS", "Store", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AssessmentTests", dependencies: ["Assessment", "IAM", "KMS", "Lambda", "Secrets", "Store"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KMSTests", dependencies: ["KMS", "IAM", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudTrailTests",
            dependencies: [
                "CloudTrail", "AWSWire", "BulwarkCore", "Store", "Trail", "ObjectStore", "KMS", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "CloudWatchTests", dependencies: ["CloudWatch", "AWSWire", "BulwarkCore", "Store"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SignerTests", dependencies: ["Signer", "AWSWire", "BulwarkCore", "Store", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LogsTests", dependencies: ["Logs", "AWSWire", "BulwarkCore", "Store"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SecretsTests", dependencies: ["Secrets", "KMS", "IAM", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExecutionTests",
            dependencies: [
                "Execution", "Lambda", "Store",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulwarkServerTests",
            dependencies: ["BulwarkServer", "KMS", "ObjectStore", "Secrets", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
    ]
)
