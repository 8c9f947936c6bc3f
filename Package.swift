// swift-tools-version:6.1
import PackageDescription

/// One settings list shared by every target, as hummingbird does.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ReturnSync",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ReturnsDomain", targets: ["ReturnsDomain"]),
        .library(name: "Replication", targets: ["Replication"]),
    ],
    targets: [
        // Pure: the retail returns domain. No I/O, no clock reads, no logging.
        .target(name: "ReturnsDomain", swiftSettings: swiftSettings),
        // Pure: dots, version vectors, HLC, events, change sets and the fold to state.
        .target(name: "Replication", dependencies: ["ReturnsDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "ReturnsDomainTests", dependencies: ["ReturnsDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "ReturnsDomain"], swiftSettings: swiftSettings),
    ]
)
