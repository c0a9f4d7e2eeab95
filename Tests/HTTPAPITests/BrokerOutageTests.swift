import Application
import CatalystApp
import CatalystTestKit
import EventStore
import FakeAlpaca
import Foundation
import HTTPAPI
import Logging
import Projections
import Testing

/// The broker (the fake Alpaca over HTTP) fails for a while under a live `serve` composition: the order
/// in flight is resolved by its client order id once the broker is back (never sent twice), the
/// circuit opens and closes (seen in `/health` and `/metrics`), mutations answer 503 meanwhile, and
/// `catalyst doctor check` — a process of its own against the same database and the same fake —
/// reports BROKER_API_ERROR during the outage and not after.
@Suite(.serialized) struct BrokerOutageTests {
    /// The client gives up fast and the circuit cools down in a second, so the drill is short.
    static let tuning = [
        "CATALYST_BROKER_MAX_RETRIES": "1", "CATALYST_BROKER_RETRY_DELAY_SECONDS": "0.05", "CATALYST_BROKER_CIRCUIT_THRESHOLD": "3",
        "CATALYST_BROKER_CIRCUIT_COOLDOWN_SECONDS": "1", "CATALYST_BROKER_TIMEOUT_SECONDS": "2",
    ]

    /// The fake Alpaca on a port of its own, a fresh database and a project folder, and the environment a
    /// live `serve` and `doctor check` need to use them (with the tuning above).
    static func withDrill(
        _ body: @Sendable (FakeAlpacaServer, FakeTradingState, TestDatabase, URL, [String: String]) async throws -> Void
    ) async throws {
        await LiveDrill.outsideTheFlattenWindow()
        let (fake, trading, _) = LiveDrill.fake()
        let db = try await TestDatabase.create()
        let project = try LiveDrill.project()
        defer { try? FileManager.default.removeItem(at: project) }
        try await fake.withRunning { fakeURL in
            let environment = LiveDrill.environment(fake: fakeURL, db: db, project: project).merging(Self.tuning) { $1 }
            try await body(fake, trading, db, project, environment)
        }
    }

    @Test func aBrokerOutageResolvesTheOrderInFlightOpensAndClosesTheCircuitAndDoctorSeesIt() async throws {
        try await Self.withDrill { fake, trading, db, project, environment in
            try await LiveServe.with(db: db, project: project, environment: environment) { serve in
                try await serve.driver.tick()  // the start-up reconciliation opens the gate
                var health = try await DrillHTTP.request("GET", serve.url, "/health").object
                #expect(health["trading_gate"] as? String == "open" && (health["broker"] as? [String: Any])?["circuit"] as? String == "closed", "\(health)")

                // The outage begins as the order is sent: the broker creates it, then answers 500, and its
                // order lookups fail too, so the outcome cannot be learned.
                fake.faults.connection(.failAfterProcessing(status: 500), "/v2/orders", method: "POST")
                fake.faults.fail("/v2/orders", method: "GET", status: 500, for: .seconds(600))
                let placed = try await DrillHTTP.request("POST", serve.url, "/api/v1/trades", body: LiveDrill.tradeBody, key: serve.keys.owner)
                #expect(placed.status == 201, "\(placed.text)")
                let orderID = try #require(placed.object["order_id"] as? String)
                let entry = try #require(trading.orders.first { $0.parentID == nil }, "the broker created the order")
                #expect(try await ServeKillTests.types(db, "order-\(orderID)") == ["order.requested", "order.submit_outcome_unknown"])

                // The unresolved order keeps the minute duties running even outside a session.
                let saturday = try #require(ISO8601DateFormatter().date(from: "2026-11-21T12:00:00Z"))
                #expect(await serve.driver.due(at: saturday))

                // Then everything fails (account, positions, orders, clock).
                fake.faults.fail("/v2", status: 500, for: .seconds(600))
                await #expect(throws: (any Error).self, "the minute's reconciliation cannot run") { try await serve.driver.tick() }
                health = try await DrillHTTP.request("GET", serve.url, "/health").object
                let broker = try #require(health["broker"] as? [String: Any])
                #expect(["open", "half_open"].contains(broker["circuit"] as? String) && (broker["times_opened"] as? Int ?? 0) >= 1, "\(broker)")
                #expect(health["status"] as? String == "degraded")
                let metrics = try await DrillHTTP.request("GET", serve.url, "/metrics").text
                #expect(metrics.contains("catalyst_broker_circuit_opened_total") && !metrics.contains("catalyst_broker_circuit_opened_total 0"), "\(metrics)")
                // A new trade meanwhile is refused as a failing peer (503 JSON), reads still answer.
                let refused = try await DrillHTTP.request("POST", serve.url, "/api/v1/trades", body: LiveDrill.tradeBody, key: serve.keys.owner)
                #expect(refused.status == 503 && refused.errorCode == "unavailable", "\(refused.status) \(refused.text)")
                #expect(try await DrillHTTP.request("GET", serve.url, "/api/v1/orders").status == 200)

                let during = try await Self.doctor(environment)
                #expect(during.types.contains("BROKER_API_ERROR"), "\(during.raw)")

                // The broker recovers. After the cool-down the next minute's reconciliation resolves the
                // order by its client order id and the circuit closes.
                fake.faults.clear()
                try await LiveDrill.poll("the circuit to cool down") {
                    let circuit = ((try await DrillHTTP.request("GET", serve.url, "/health").object)["broker"] as? [String: Any])?["circuit"] as? String
                    return circuit != "open"
                }
                try await serve.driver.tick()
                health = try await DrillHTTP.request("GET", serve.url, "/health").object
                #expect((health["broker"] as? [String: Any])?["circuit"] as? String == "closed", "\(health)")
                let types = try await ServeKillTests.types(db, "order-\(orderID)")
                #expect(types.first == "order.requested" && types.contains("order.submit_outcome_unknown") && types.count == 3, "\(types)")
                #expect(fake.requestLog.all.filter { $0.hasPrefix("POST /v2/orders") }.count == 1, "sent once")
                #expect(await !serve.driver.due(at: saturday), "resolved: nothing left for a weekend minute")
                #expect(trading.orders.filter { $0.clientOrderID == entry.clientOrderID }.count == 1)
                try await LiveDrill.poll("the orders projection to show the broker's id") {
                    try await LiveDrill.rows(db, "SELECT broker_order_id FROM v_orders WHERE order_id = '\(orderID)'").first?["broker_order_id"] == entry.id
                }
                #expect(try await LiveDrill.rows(db, "SELECT status FROM v_orders WHERE order_id = '\(orderID)'").first?["status"] != "submit_unknown")

                let after = try await Self.doctor(environment)
                #expect(!after.types.contains("BROKER_API_ERROR") && !after.types.contains("BROKER_CONNECTION_ERROR"), "\(after.raw)")
                try await LiveDrill.waitCaughtUp(db)
            }
            try await LiveDrill.expectRebuildEqualsLiveAndChainVerifies(db, project: project)
        }
    }

    /// A submit the broker processed but whose answer never arrived — too late for the client's timeout,
    /// or cut mid-body — is recorded as unknown and resolved at once by its client order id: one POST
    /// each, one order each at the broker, both acknowledged with the broker's ids.
    @Test func aSubmitThatTimesOutOrIsCutMidBodyIsResolvedByItsClientIDNotSentAgain() async throws {
        try await Self.withDrill { fake, trading, db, project, environment in
            try await LiveServe.with(db: db, project: project, environment: environment) { serve in
                try await serve.driver.tick()
                for (symbol, fault) in [("AAA", FaultScript.ConnectionFault.answerLate(seconds: 6)), ("BBB", .dropMidBody)] {
                    fake.faults.connection(fault, "/v2/orders", method: "POST")
                    let placed = try await DrillHTTP.request("POST", serve.url, "/api/v1/trades", body: LiveDrill.trade(symbol), key: serve.keys.owner)
                    #expect(placed.status == 201, "\(symbol): \(placed.text)")
                    let orderID = try #require(placed.object["order_id"] as? String)
                    let types = try await ServeKillTests.types(db, "order-\(orderID)")
                    #expect(types.first == "order.requested" && types.contains("order.submit_outcome_unknown") && types.count == 3, "\(symbol): \(types)")
                    let atBroker = trading.orders.filter { $0.symbol == symbol && $0.parentID == nil }
                    #expect(atBroker.count == 1, "\(symbol): one order at the broker")
                    let rows = try await LiveDrill.rows(db, "SELECT payload->>'broker_order_id' AS b FROM events WHERE stream_id = 'order-\(orderID)' AND payload::jsonb ? 'broker_order_id'")
                    #expect(rows.compactMap { $0["b"] } == atBroker.map(\.id), "\(symbol): \(rows)")
                }
                #expect(fake.requestLog.all.filter { $0.hasPrefix("POST /v2/orders") }.count == 2, "one POST per order: \(fake.requestLog.all)")
                try await LiveDrill.waitCaughtUp(db)
            }
            try await LiveDrill.expectRebuildEqualsLiveAndChainVerifies(db, project: project)
        }
    }

    /// Without an answer at all (connections dropped before processing), the same probe says
    /// BROKER_CONNECTION_ERROR instead: the two are told apart by whether the broker answered.
    @Test func aBrokerThatDoesNotAnswerIsAConnectionErrorForDoctor() async throws {
        try await Self.withDrill { fake, _, db, project, environment in
            fake.faults.connection(.dropWithoutProcessing, "/v2", for: .seconds(600))
            let down = try await Self.doctor(environment)
            #expect(down.types.contains("BROKER_CONNECTION_ERROR") && !down.types.contains("BROKER_API_ERROR"), "\(down.raw)")
            fake.faults.clear()
            let up = try await Self.doctor(environment)
            #expect(!up.types.contains("BROKER_CONNECTION_ERROR"), "\(up.raw)")
        }
    }

    struct DoctorRun {
        var types: [String]
        var raw: String
    }

    /// `catalyst doctor check --json` as cron runs it (no audit pass, nothing recorded).
    static func doctor(_ environment: [String: String]) async throws -> DoctorRun {
        let run = try await CLIAndTradeTests.catalyst(["doctor", "check", "--json", "--no-audit", "--no-record"], environment: environment)
        let object = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
        let issues = object?["issues"] as? [[String: Any]] ?? []
        return DoctorRun(types: issues.compactMap { $0["type"] as? String }, raw: "exit \(run.status): \(run.out) \(run.err)")
    }
}

/// `catalyst serve`'s live composition in this process (as `ServeRole.runLive` assembles it): Alpaca
/// from the environment, every projector, the API on a loopback port; the per-minute duties are ticked
/// by the test (the wall-clock minute loop only runs inside exchange sessions).
struct LiveServe: Sendable {
    let url: URL
    let driver: LiveDutiesDriver
    let keys: TestKeys

    static func with(db: TestDatabase, project: URL, environment: [String: String], _ body: @Sendable (LiveServe) async throws -> Void) async throws {
        await APIHarness.gate.acquire()
        do {
            try await run(db: db, project: project, environment: environment, body)
            await APIHarness.gate.release()
        } catch {
            await APIHarness.gate.release()
            throw error
        }
    }

    private static func run(db: TestDatabase, project: URL, environment: [String: String], _ body: @Sendable (LiveServe) async throws -> Void) async throws {
        var logger = Logger(label: "live-serve-test")
        logger.logLevel = .critical
        let files = ProjectFiles(root: project)
        let config = try TradingAssembly.config(files, logger: logger)
        let store = db.eventStore(connections: 4)
        let system = try TradingAssembly.live(store: store, config: config, files: files, configuration: CatalystConfiguration(environment: environment), logger: logger)
        let backend = APIBackend(system: system, store: store, editRiskParameters: RiskParameterOverrides.edit, projections: ProjectionCatalog.names, venue: "alpaca \(system.broker.mode)", logger: logger)
        let waker = LogWaker(conninfo: db.conninfo)
        let engines = try ProjectionCatalog.engines(ProjectionCatalog.all(), files: files, conninfo: db.conninfo, waker: waker, logger: logger)
        let server = APIServer(configuration: .init(host: "127.0.0.1", port: 0), backend: backend, logger: logger)
        let keys = try await TestKeys.make(system.log)
        let driver = LiveDutiesDriver(system: system, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let log = logger
            for engine in engines { group.addTask { try? await ProjectorService(engine: engine, retryInterval: .seconds(1), logger: log).run() } }
            let cycles = backend.cycles
            group.addTask { try await cycles.run() }
            try await backend.waitUntilReady()
            try await server.withRunning { url in try await body(LiveServe(url: url, driver: driver, keys: keys)) }
            group.cancelAll()
        }
        await waker.stop()
    }
}
