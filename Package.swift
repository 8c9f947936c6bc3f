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
        .executable(name: "returnsync", targets: ["returnsync"]),
        .executable(name: "returnsync-bench", targets: ["returnsync-bench"]),
        .executable(name: "returnsync-chaos", targets: ["returnsync-chaos"]),
        .library(name: "ReturnsDomain", targets: ["ReturnsDomain"]),
        .library(name: "Replication", targets: ["Replication"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
        .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        // Head office's catalog spreadsheets (CatalogCSV): quoting, embedded line breaks, delimiters.
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
        // The tests' and the fault matrix's children: Foundation's Process.run() crashes now and
        // then on Linux (swift-corelibs-foundation#5472); Subprocess closes inherited descriptors
        // with posix_spawn's closefrom instead of reading /proc/self/fd.
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
    ],
    targets: [
        // Pure: the retail returns domain. No I/O, no clock reads, no logging.
        .target(name: "ReturnsDomain", swiftSettings: swiftSettings),
        // Pure: dots, version vectors, HLC, events, change sets and the fold to state.
        .target(name: "Replication", dependencies: ["ReturnsDomain"], swiftSettings: swiftSettings),
        // Pure: the one gate every door calls: events' values and who may author what about which record.
        .target(name: "Admission", dependencies: ["Replication", "ReturnsDomain"], swiftSettings: swiftSettings),
        // The event byte format: one encoder, one decoder (measured fast paths). No database.
        .target(name: "EventCoding", dependencies: ["Replication", "ReturnsDomain"], swiftSettings: swiftSettings),
        // The SQLite replica (GRDB) a node and the embedded hub both keep: migrations, event log,
        // projections, verify.
        .target(
            name: "ReplicaStore",
            dependencies: [
                "Admission", "EventCoding", "ReturnsDomain", "Replication",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for binding many values at once (RowWriter).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        // The node's own on its replica: desk commands, outbox and checkpoint, escrow use, bootstrap.
        .target(
            name: "NodeStore",
            dependencies: [
                "Admission", "EventCoding", "ReplicaStore", "ReturnsDomain", "Replication", "WakeSignal",
                .product(name: "GRDB", package: "GRDB.swift"),
                // bcrypt, to check a staff member's PIN at sign-in (offline too).
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings),
        // The words people read, in zh-CN and en: string catalogs (embedded in the binary, which is
        // installed alone), language negotiation, display width for terminal tables.
        .target(
            name: "Localization",
            resources: [.embedInCode("Resources/en.json"), .embedInCode("Resources/zh-CN.json")],
            swiftSettings: swiftSettings),
        // HTTP plumbing both servers share: RFC 9457 problems, the problem middleware, JSON coding,
        // the web pages' policy and their rendering in each language.
        .target(
            name: "HTTPSupport",
            dependencies: [
                "Localization", "ReturnsDomain", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        // The node's local HTTP API (Hummingbird) for the POS and the return desk.
        .target(
            name: "NodeServer",
            dependencies: [
                "HTTPSupport", "Localization", "NodeStore", "ReplicaStore", "ReturnsDomain", "Replication",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The desk's template, script and style, and the credit note's template, embedded so
            // the one installed binary serves them.
            resources: [
                .embedInCode("Resources/desk.mustache"), .embedInCode("Resources/desk.js"),
                .embedInCode("Resources/desk.css"), .embedInCode("Resources/credit-note.mustache"),
            ],
            swiftSettings: swiftSettings),
        // Benchmarks that measure the real code paths against the raw storage limit in the same run.
        .target(
            name: "Benchmarks",
            dependencies: [
                "EventCoding", "NodeStore", "ReplicaStore", "HubStore", "HubStoreSQLite", "HubStorePostgres",
                "ReturnsDomain", "Replication",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings),
        // Codable wire types of the sync protocol (Protocol/sync.md), shared by hub and nodes.
        .target(name: "SyncProtocol", dependencies: ["Replication"], swiftSettings: swiftSettings),
        // A wake-up tasks wait on: the hub's feed grew, the node committed something.
        .target(name: "WakeSignal", swiftSettings: swiftSettings),
        // The node's side of sync: the hub client (AsyncHTTPClient) and the background agent.
        .target(
            name: "SyncClient",
            dependencies: [
                "EventCoding", "SyncProtocol", "NodeStore", "Replication", "WakeSignal",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The hub's storage contract and the rules every backend shares. No database driver.
        .target(
            name: "HubStore",
            dependencies: [
                "Admission", "Replication", "ReturnsDomain", "SyncProtocol", "WakeSignal",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The embedded hub: HubStore on SQLite (GRDB), a replica (ReplicaStore) plus tables of its own.
        .target(
            name: "HubStoreSQLite",
            dependencies: [
                "Admission", "EventCoding", "HubStore", "ReplicaStore", "Replication", "ReturnsDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        // The chain's hub: HubStore on PostgreSQL (PostgresNIO), for several hub processes over one database.
        .target(
            name: "HubStorePostgres",
            dependencies: [
                "Admission", "EventCoding", "HubStore", "Replication", "ReturnsDomain", "SyncProtocol",
                "WakeSignal",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The hub's post-commit extension point: tails the feed for subscribers (webhooks, notices).
        .target(
            name: "HubFeed",
            dependencies: [
                "HubStore", "Replication",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The hub's HTTP API (Hummingbird): sync for nodes, head-office reads, over any HubStore.
        .target(
            name: "HubServer",
            dependencies: [
                "EventCoding", "HTTPSupport", "HubStore", "Localization", "SyncProtocol", "Replication",
                "ReturnsDomain", "WakeSignal",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            // The dashboard's template, script and style, embedded so the one installed binary serves them.
            resources: [
                .embedInCode("Resources/dashboard.mustache"), .embedInCode("Resources/dashboard.js"),
                .embedInCode("Resources/dashboard.css"),
            ],
            swiftSettings: swiftSettings),
        // The CLI.
        .executableTarget(
            name: "returnsync",
            dependencies: [
                "HTTPSupport", "Localization", "NodeServer", "NodeStore", "ReplicaStore", "ReturnsDomain",
                "Replication",
                "HubServer", "HubStore", "HubStoreSQLite", "HubStorePostgres", "SyncClient", "SyncProtocol",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The benchmarks' CLI, a binary of its own so that the product carries no benchmark code.
        .executableTarget(
            name: "returnsync-bench",
            dependencies: [
                "Benchmarks", "HTTPSupport", "HubServer", "HubStoreSQLite", "NodeStore", "SyncClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The fault matrix: drives real `returnsync` processes through kills, partitions, a faulty
        // proxy, full disks and restores, then audits the hub. Its own binary, like the benchmarks.
        .executableTarget(
            name: "returnsync-chaos",
            dependencies: [
                "ChildProcesses", "HubStore", "HubStorePostgres", "HubTesting", "Replication", "ReturnsDomain",
                "SyncProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        // Test support: reads Protocol/openapi.yaml and checks real answers against it (both servers' tests).
        .target(
            name: "OpenAPITesting",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings),
        // Child processes for the end-to-end tests and the fault matrix: run a command, a free port.
        .target(
            name: "ChildProcesses",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings),
        // Test support: the hub backends (SQLite, PostgreSQL) both hub suites run every test on.
        .target(
            name: "HubTesting",
            dependencies: ["Admission", "HubStore", "HubStoreSQLite", "HubStorePostgres", "ReturnsDomain"],
            swiftSettings: swiftSettings),
        .testTarget(name: "ReturnsDomainTests", dependencies: ["ReturnsDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ReplicationTests", dependencies: ["Replication", "ReturnsDomain"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AdmissionTests", dependencies: ["Admission", "HubTesting", "Replication", "ReturnsDomain"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EventCodingTests", dependencies: ["EventCoding", "Replication", "ReturnsDomain"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReplicaStoreTests",
            dependencies: [
                "ReplicaStore", "ReturnsDomain", "Replication", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NodeStoreTests",
            dependencies: ["EventCoding", "NodeStore", "ReplicaStore", "ReturnsDomain", "Replication"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NodeServerTests",
            dependencies: [
                "OpenAPITesting", "Localization",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                "NodeServer", "NodeStore", "ReplicaStore", "ReturnsDomain", "Replication",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        // The hub storage behaviour suite, run against every backend (`HubBackend.all`).
        .testTarget(
            name: "HubStoreTests",
            dependencies: [
                "HubTesting", "HubFeed", "HubStore", "HubStoreSQLite", "HubStorePostgres", "NodeStore", "ReplicaStore",
                "Replication", "ReturnsDomain", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // The hub's HTTP API on every backend (`HubBackend.all`), and its routes against Protocol/openapi.yaml.
        .testTarget(
            name: "HubServerTests",
            dependencies: [
                "OpenAPITesting", "HubTesting", "HubFeed", "EventCoding", "HTTPSupport", "Localization",
                "HubServer", "HubStore", "HubStoreSQLite", "HubStorePostgres", "SyncProtocol", "SyncClient",
                "NodeStore", "ReplicaStore", "Replication", "ReturnsDomain",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        // End-to-end: the real `returnsync` binary as a process, over loopback HTTP.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ChildProcesses", "returnsync", "NodeStore", "ReturnsDomain", "Replication", "HubStore",
                "HubStoreSQLite",
                "HubStorePostgres",
                "SyncProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
    ]
)
