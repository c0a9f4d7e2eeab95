import Application
import CatalystApp
import CatalystTestKit
import Domain
import FakeAlpaca
import Foundation
import HTTPAPI
import Logging
import Testing

/// The live composition of `catalyst serve` with broker keys: Alpaca for orders and market data (the
/// fake server over real HTTP here), the sector map, and the start-up duties, which reconcile with the
/// broker and open the trading gate.
@Suite struct LiveAssemblyTests {
    static func project(sectors: String?) throws -> ProjectFiles {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString)")
        let config = root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        for name in ["trading_config.yaml", "risk_parameters.yaml"] {
            try FileManager.default.copyItem(
                at: TestCluster.repositoryRoot.appendingPathComponent("config/\(name)"), to: config.appendingPathComponent(name))
        }
        if let sectors { try Data(sectors.utf8).write(to: config.appendingPathComponent("sectors.csv")) }
        return ProjectFiles(root: root)
    }

    static let quiet: Logger = {
        var l = Logger(label: "live-test")
        l.logLevel = .critical
        return l
    }()

    @Test func keysSelectAlpacaAndTheStartUpDutiesReconcileAgainstIt() async throws {
        let trading = FakeTradingState(now: Date())
        let data = FakeMarketDataState()
        data.setAssets([FakeAsset(symbol: "AAA", name: "Aaa Corp"), FakeAsset(symbol: "BBB", name: "Bbb Inc"), FakeAsset(symbol: "CCC", name: "Unmapped")])
        let server = FakeAlpacaServer(groups: FakeAlpacaServer.tradingGroups(trading) + FakeAlpacaServer.marketDataGroups(data))
        let db = try await TestDatabase.create()
        let files = try Self.project(sectors: "symbol,sector\nAAA,Information Technology\nBBB,Health Care\n")
        defer { try? FileManager.default.removeItem(at: files.root) }
        let logger = Self.quiet
        try await server.withRunning { url in
            let environment = [
                "APCA_API_KEY_ID": FakeAlpacaServer.testKeyID, "APCA_API_SECRET_KEY": FakeAlpacaServer.testSecret,
                "APCA_API_BASE_URL": url.absoluteString, "APCA_DATA_BASE_URL": url.absoluteString,
            ]
            #expect(try CatalystConfiguration(environment: environment).hasBrokerKeys && !CatalystConfiguration(environment: [:]).hasBrokerKeys)
            let config = try TradingAssembly.config(files, logger: logger)
            let system = try TradingAssembly.live(store: db.eventStore(), config: config, files: files, configuration: CatalystConfiguration(environment: environment), logger: logger)
            #expect(system.broker.mode == .alpacaPaper || system.broker.mode == .alpacaLive)
            #expect(!system.gate.isOpen, "closed until the start-up reconciliation has passed")

            try await LiveDutiesDriver(system: system, logger: logger).tick()
            #expect(system.gate.isOpen)
            let types = try await db.committedEvents().map(\.eventType)
            #expect(types.contains("reconciliation.started") && types.contains("reconciliation.completed"), "\(types)")
            #expect(server.requestLog.all.contains { $0.hasPrefix("GET /v2/account/activities") || $0.hasPrefix("GET /v2/orders") })

            // The universe is Alpaca's active assets that the sector map names.
            let universe = try await system.market.universe()
            #expect(Set(universe.map(\.symbol.rawValue)) == ["AAA", "BBB"])
        }
    }

    @Test func aMissingOrBadSectorMapOrHalfTheKeysIsRefusedClearly() async throws {
        let db = try await TestDatabase.create()
        var logger = Logger(label: "live-test")
        logger.logLevel = .critical
        let keys = ["APCA_API_KEY_ID": "k", "APCA_API_SECRET_KEY": "s"]
        for (sectors, environment, expected) in [
            (nil, keys, "sectors.csv is missing"), ("symbol,sector\nAAA,Tech\n", keys, "sectors.csv:2"),
            ("symbol,sector\nAAA,Energy\n", ["APCA_API_KEY_ID": "k"], "APCA_API_SECRET_KEY"),
        ] as [(String?, [String: String], String)] {
            let files = try Self.project(sectors: sectors)
            defer { try? FileManager.default.removeItem(at: files.root) }
            let config = try TradingAssembly.config(files, logger: logger)
            let error = #expect(throws: (any Error).self) {
                _ = try TradingAssembly.live(store: db.eventStore(), config: config, files: files, configuration: CatalystConfiguration(environment: environment), logger: logger)
            }
            #expect(error.map { "\($0)" }?.contains(expected) == true, "\(String(describing: error))")
        }
    }
}
