import Application
import Broker
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import MarketData
import Strategy

/// A trading system with the paper broker on the simulated market, on a manual clock: the harness of
/// the workflow tests. Time moves only when the test says so.
///
/// The log is an `InMemoryEventStore` unless the test gives a PostgreSQL database (`db:`), so the
/// workflow tests run without a cluster; the stores keep the same contract
/// (`CatalystTestKit/EventStoreContract.swift`), and `ApplicationIntegrationTests` runs a day on both.
/// A "restart" hands the same `store:` (or `db:`) to a new harness.
struct SimHarness: Sendable {
    /// The PostgreSQL database, when the harness runs on one.
    let db: TestDatabase?
    let store: any EventStore
    let world: SimulatedWorld
    let system: TradingSystem

    var clock: ManualLedgerClock { world.clock }
    var broker: PaperBroker { world.broker }
    var market: SimulatedMarket { world.market }
    var account: AccountID { system.account }
    var now: Date { clock.now() }

    /// The day, seed and universe the workflow tests share: a few hundred symbols keep debug builds fast
    /// (about a second per cycle), and on this day the 12:00 cycle has two finalists that risk approves,
    /// while most other slots produce denials (surveyed over seeds 1–16).
    static let date = NYDate("2025-03-14")!
    static let seed: UInt64 = 13
    static let symbols = 500
    /// A time of `date` at which a normal cycle produces signals, approvals and denials.
    static let busy = (hour: 12, minute: 0)

    /// The scanner configuration of the repository (`config/trading_config.yaml`).
    static func funnel() throws -> FunnelConfiguration {
        try TradingConfigFile.loadScanner(TestCluster.repositoryRoot.appendingPathComponent("config/trading_config.yaml").path)
    }

    /// A harness at `hour:minute` New York time of `date`. With `reconciled`, the start-up
    /// reconciliation has run (and passed), so trading is allowed.
    static func make(
        date: NYDate = SimHarness.date, hour: Int = 10, minute: Int = 0, seed: UInt64 = SimHarness.seed, symbols: Int = SimHarness.symbols,
        risk: any RiskParametersSource = FixedRiskParameters(), reconciled: Bool = true, db: TestDatabase? = nil, store given: (any EventStore)? = nil,
        configure: (inout TradingConfiguration) -> Void = { _ in }, wrap: (PaperBroker, any EventStore) -> any Broker = { b, _ in b }
    ) async throws -> SimHarness {
        let store: any EventStore
        if let s = given ?? db?.eventStore() { store = s } else { store = try await TestStores.fresh() }
        let world = try SimulatedWorld(date: date, seed: seed, symbolCount: symbols, start: date.at(hour: hour, minute: minute))
        var configuration = TradingConfiguration(account: AccountID(rawValue: "test"), funnel: try funnel(), configHash: "test-config")
        configure(&configuration)
        let log = EventLog(store: store, ids: SeededIDGenerator(seed: seed))
        let system = TradingSystem(
            log: log, broker: wrap(world.broker, store), market: world.market, clock: world.clock, configuration: configuration, riskParameters: risk)
        let h = SimHarness(db: db, store: store, world: world, system: system)
        if reconciled { try await h.reconcileAtStartup() }
        return h
    }

    @discardableResult
    func reconcileAtStartup() async throws -> Reconciler.Report {
        try await Reconciler(system: system).run(.startup, context: system.context(.system))
    }

    /// Moves ledger, market and paper broker time to `t` (the broker fills what became fillable).
    @discardableResult
    func move(to t: Date) -> [BrokerFill] {
        world.setTime(t)
        return broker.advance(to: t)
    }

    /// Moves time minute by minute to `t`, running the per-minute duties at each minute.
    func runMinutes(to t: Date, reconcile: Bool = true) async throws {
        var next = now.addingTimeInterval(60)
        while next <= t {
            move(to: next)
            try await minute(reconcile: reconcile)
            next = next.addingTimeInterval(60)
        }
    }

    /// One minute of duties (reconciliation or fill polling, approval expiry, position monitoring).
    @discardableResult
    func minute(reconcile: Bool = true) async throws -> TradingDuties.Minute {
        try await TradingDuties(system: system).minute(reconcile: reconcile, context: system.context(.system))
    }

    func context(_ actor: Actor = Actor(.cron, name: "test")) -> CommandContext { system.context(actor) }

    static let operatorActor = Actor.principal("craig", kind: .human, name: "craig")

    /// StartCycle and the cycle it runs.
    func runCycle(_ request: StartCycleRequest = StartCycleRequest(mode: "normal")) async throws -> (CycleService.Started, CycleExecution.Summary) {
        let ctx = context()
        let started = try await CycleService(system: system).start(request, context: ctx)
        let summary = try await CycleExecution(system: system).run(started.cycleID, context: ctx.followUp(commandID: system.ids.uuid()))
        return (started, summary)
    }

    // MARK: Reading the log

    /// Every committed event, decoded, in log order.
    func events() async throws -> [Recorded] {
        let codec = EventCodec()
        return try await store.readAllToEnd().map {
            Recorded(stream: $0.streamID, type: $0.eventType, event: try codec.decode(eventType: $0.eventType, schemaVersion: $0.schemaVersion, payload: $0.payload), raw: $0)
        }
    }

    func events(in stream: StreamName) async throws -> [LedgerEvent] { try await system.log.events(stream) }

    func order(_ id: OrderID) async throws -> Order.Record? { try await system.log.load(Order.self, .order(id)).state.order }

    func position(_ symbol: Symbol) async throws -> Position.State {
        try await system.log.load(Position.self, .position(account: account, symbol: symbol)).state
    }

    func risk(_ date: NYDate = SimHarness.date) async throws -> Risk.State {
        try await system.log.load(Risk.self, .risk(account: account, date: date)).state
    }
}

/// The store a harness gets when the test names none: in memory, or a fresh PostgreSQL database with
/// `CATALYST_TEST_STORE=postgres` (the same tests on the real store, to compare them or to time them).
enum TestStores {
    static var usePostgres: Bool { ProcessInfo.processInfo.environment["CATALYST_TEST_STORE"] == "postgres" }

    static func fresh() async throws -> any EventStore {
        usePostgres ? try await TestDatabase.create().eventStore() : InMemoryEventStore()
    }
}

/// One event as stored: stream, wire type and the decoded payload.
struct Recorded: Sendable {
    var stream: String
    var type: String
    var event: LedgerEvent
    var raw: RecordedEvent
}

extension Array where Element == Recorded {
    func ofType(_ type: String) -> [Recorded] { filter { $0.type == type } }
    func count(_ type: String) -> Int { ofType(type).count }
}
