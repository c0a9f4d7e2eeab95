// swift-tools-version:6.2
import PackageDescription

/// Settings shared by every Swift target: strict Swift 6 and explicit existentials.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "catalyst-ledger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "catalyst", targets: ["CatalystCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.4.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries (apt: libpq-dev, liblz4-dev).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        // libcurl for Doctor's SMTP alerts (URLSession has no SMTP).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // PURE: civil dates as day numbers, for the modules below the domain or beside it (no dependencies at all).
        .target(name: "CivilTime", swiftSettings: strict),
        // PURE: events, commands, deciders, values. Foundation only.
        .target(name: "Domain", exclude: ["README.md"], swiftSettings: strict),

        // PURE: indicators, patterns, catalyst/sentiment scoring, the scanner funnel, ranking.
        .target(name: "Strategy", dependencies: ["Domain"], exclude: ["README.md"], swiftSettings: strict),
        // The market data port, the simulated market, the CSV source and the Alpaca data client.
        .target(name: "MarketData", dependencies: ["Domain", "CivilTime", "RateLimiting"], swiftSettings: strict),
        // The client-side cap of requests per rolling minute the Alpaca clients share (a lock, so not in Domain).
        .target(name: "RateLimiting", swiftSettings: strict),
        // The broker port, the paper broker and the Alpaca trading client.
        .target(
            name: "Broker", dependencies: ["Domain", "RateLimiting", .product(name: "Configuration", package: "swift-configuration")], swiftSettings: strict),
        // A local server speaking Alpaca's documented wire format, for tests and fault drills.
        // A Hummingbird server for the duration of a body, stopped gracefully (the API's and the fake Alpaca's).
        .target(
            name: "LocalServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "FakeAlpaca",
            dependencies: ["Domain", "LocalServer", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict
        ),

        // libpq wrapper: connections confined to their own threads, binds only.
        .target(
            name: "PostgresClient",
            dependencies: ["CLibPQ", "CivilTime", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // A private PostgreSQL cluster (initdb/pg_ctl) for zero-configuration use and tests.
        .target(
            name: "EmbeddedPostgres",
            dependencies: [
                "PostgresClient",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The PostgreSQL event store: append, read, subscribe, migrations, archive.
        .target(
            name: "EventStore",
            dependencies: [
                "PostgresClient", "CLZ4", "CivilTime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Projector runtime (checkpoint, catch-up, live, shadow rebuild) and one folder per read model.
        .target(
            name: "Projections",
            dependencies: [
                "Domain", "EventStore", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Command handlers: load → decide → append → retry on conflict; the cycle runner, position monitor,
        // reconciliation and the simulated session.
        .target(
            name: "Application",
            dependencies: [
                "Domain", "Strategy", "EventStore", "Broker", "MarketData",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // PURE: the ML labeller (a fold over decoded events: candidates, decisions, recorded prices → label rows).
        .target(name: "Labelling", dependencies: ["Domain", "CivilTime"], swiftSettings: strict),
        // Valid event histories generated by driving the deciders (read-model tests, `catalyst bench rebuild`).
        .target(name: "LedgerSimulation", dependencies: ["Domain", "EventStore"], swiftSettings: strict),
        // Doctor Claude: the watchdog (pure checks over a snapshot of the views and the broker), its rules and safe fixes.
        .target(
            name: "DoctorClaude",
            dependencies: [
                "Domain", "PostgresClient", "EventStore", "Projections", "Application", "Broker", "CCurl",
                .product(name: "Yams", package: "Yams"), .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Doctor",
            swiftSettings: strict
        ),
        // Composition root: configuration, wiring, one service group per role.
        .target(
            name: "CatalystApp",
            dependencies: [
                "Domain", "PostgresClient", "EmbeddedPostgres", "EventStore", "Projections", "Application", "Broker", "MarketData", "Strategy",
                "Labelling", "HTTPAPI", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"), .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [],
            swiftSettings: strict
        ),
        // Front ends: the HTTP API of `catalyst serve` (routes, auth, errors, dashboard, OpenAPI document).
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Application", "Domain", "EventStore", "Projections", "PostgresClient", "MarketData", "Broker",
                "LocalServer", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/dashboard.html")],
            swiftSettings: strict
        ),
        // The one client of the API (the cron commands and the MCP tools).
        .target(name: "APIClient", swiftSettings: strict),
        // `catalyst mcp`: the MCP server (stdio) — resources over the projection views, tools through the API.
        .target(
            name: "CatalystMCP",
            dependencies: [
                "Projections", "EventStore", "Domain", "APIClient",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "CatalystCLI",
            dependencies: [
                "HTTPAPI", "CatalystMCP", "APIClient", "Application", "Domain",
                "CatalystApp", "EventStore", "EmbeddedPostgres", "PostgresClient", "Projections", "Strategy", "MarketData", "LedgerSimulation", "Labelling",
                "DoctorClaude", "LocalServer", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"), .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Test support: one throwaway cluster per test process, a database per test.
        .target(
            name: "CatalystTestKit",
            dependencies: ["Domain", "EmbeddedPostgres", "PostgresClient", "EventStore"],
            path: "Tests/CatalystTestKit",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DomainTests",
            dependencies: ["Domain", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StrategyTests",
            dependencies: [
                "Strategy", "Domain", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarketDataTests",
            dependencies: ["MarketData", "FakeAlpaca", "Domain", "Strategy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BrokerTests",
            dependencies: [
                "Broker", "FakeAlpaca", "Domain", "RateLimiting", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Projections", "EventStore", "PostgresClient", "Domain", "CatalystTestKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: [
                "EventStore", "PostgresClient", "Projections", "CatalystApp", "EmbeddedPostgres", "CatalystTestKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReadModelTests",
            dependencies: [
                "Projections", "LedgerSimulation", "Domain", "EventStore", "PostgresClient", "CatalystTestKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The workflow harnesses (simulated market and paper broker, or the fake Alpaca), over any event store.
        .target(
            name: "ApplicationTestKit",
            dependencies: ["Application", "CatalystApp", "Broker", "FakeAlpaca", "MarketData", "Strategy", "Domain", "EventStore", "CatalystTestKit"],
            path: "Tests/ApplicationTestKit",
            swiftSettings: strict
        ),
        // Fast: every workflow test on the in-memory event store; no database cluster.
        .testTarget(
            name: "ApplicationTests",
            dependencies: [
                "ApplicationTestKit", "Application", "CatalystApp", "Broker", "FakeAlpaca", "MarketData", "Strategy", "Domain", "EventStore",
                "CatalystTestKit", .product(name: "PropertyBased", package: "swift-property-based"), .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The same workflow on PostgreSQL: a crash of the server, the golden master, both stores side by side; recorded days through the session.
        .testTarget(
            name: "ApplicationIntegrationTests",
            dependencies: [
                "ApplicationTestKit", "Application", "CatalystApp", "Broker", "MarketData", "Domain", "EventStore", "PostgresClient", "CatalystTestKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "HTTPAPI", "CatalystApp", "Application", "Broker", "Domain", "EmbeddedPostgres", "EventStore", "PostgresClient", "CatalystTestKit", "FakeAlpaca",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReplayTests",
            dependencies: [
                "Labelling", "Application", "ApplicationTestKit", "CatalystApp", "Domain", "EventStore", "PostgresClient", "Projections", "LedgerSimulation",
                "CatalystTestKit",
                "MarketData",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DoctorTests",
            dependencies: [
                "DoctorClaude", "Application", "CatalystApp", "Broker", "MarketData", "Projections", "Domain", "EventStore", "PostgresClient",
                "CatalystTestKit", .product(name: "Logging", package: "swift-log"), .product(name: "Configuration", package: "swift-configuration"),
            ],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EventStoreTests",
            dependencies: [
                "EventStore", "PostgresClient", "EmbeddedPostgres", "CatalystTestKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
    ]
)
