import Application
import Broker
import CatalystApp
import CatalystTestKit
import Domain
import DoctorClaude
import EventStore
import Foundation
import Logging
import MarketData
import PostgresClient
import Projections
import Strategy

/// A trading system on the paper broker over a fresh test database (as the application tests build
/// it), with every projection of the catalog run to the end of the log before each check.
struct DoctorHarness: Sendable {
    let db: TestDatabase
    let world: SimulatedWorld
    let system: TradingSystem
    let rules: DoctorRules

    static let date = NYDate("2025-03-14")!
    static let operatorActor = Actor.principal("craig", kind: .human, name: "craig")

    var clock: ManualLedgerClock { world.clock }
    var broker: PaperBroker { world.broker }
    var now: Date { clock.now() }

    static func make(hour: Int = 10, minute: Int = 0, rules: DoctorRules? = nil) async throws -> DoctorHarness {
        let db = try await TestDatabase.create()
        let world = try SimulatedWorld(date: date, seed: 13, symbolCount: 300, start: date.at(hour: hour, minute: minute))
        let funnel = try TradingConfigFile.loadScanner(TestCluster.repositoryRoot.appendingPathComponent("config/trading_config.yaml").path)
        // Two connections: the Doctor suites run many harnesses; a small pool keeps their share of the
        // test cluster small.
        let log = EventLog(store: db.eventStore(connections: 2), ids: SeededIDGenerator(seed: 13))
        let system = TradingSystem(
            log: log, broker: world.broker, market: world.market, clock: world.clock,
            configuration: TradingConfiguration(account: AccountID(rawValue: "test"), funnel: funnel, configHash: "test-config"),
            riskParameters: FixedRiskParameters())
        let loaded = try rules ?? DoctorRules.load(path: TestCluster.repositoryRoot.appendingPathComponent("config/doctor_rules.yaml").path)
        let h = DoctorHarness(db: db, world: world, system: system, rules: loaded)
        try await Reconciler(system: system).run(.startup, context: system.context(.system))
        return h
    }

    @discardableResult
    func move(to t: Date) -> [BrokerFill] {
        world.setTime(t)
        return broker.advance(to: t)
    }

    /// Tradable symbols priced between $5 and $200 now.
    func liquidSymbols(_ count: Int) async throws -> [(symbol: Symbol, price: Price)] {
        let universe = try await world.market.universe().filter(\.tradable)
        let snaps = try await world.market.snapshots(for: universe.map(\.symbol), asOf: now)
        var out: [(Symbol, Price)] = []
        for s in universe {
            guard let p = snaps[s.symbol]?.lastPrice, p.value >= 5, p.value <= 200 else { continue }
            out.append((s.symbol, p))
            if out.count == count { break }
        }
        return out
    }

    /// A long entry by the operator; `limitFactor` below 1 rests the limit under the market.
    func trade(_ symbol: Symbol, _ price: Price, quantity: Decimal? = nil, limitFactor: Decimal = Decimal(string: "1.002")!) async throws -> Order.Record {
        let entry = price.value * limitFactor
        let request = TradingOperations.TradeRequest(
            symbol: symbol.rawValue, side: "long", quantity: quantity, entry: entry, stop: entry * Decimal(string: "0.98")!,
            target: entry * Decimal(string: "1.05")!)
        let outcome = try await TradingOperations(system: system).executeTrade(request, placeAtOnce: true, context: system.context(Self.operatorActor))
        guard case .placed(let record) = outcome else { throw HarnessError("expected a placed order, got \(outcome)") }
        return record
    }

    /// An order sent straight to the broker, behind the ledger's back.
    func submitAtBroker(_ symbol: Symbol, _ side: PositionSide, _ purpose: OrderPurpose, quantity: Quantity, tag: Int = 0) async throws {
        let intent = OrderIntent(
            clientOrderID: ClientOrderID("external-\(symbol.rawValue)-\(purpose.rawValue)-\(tag)"), symbol: symbol, positionSide: side, purpose: purpose,
            quantity: quantity, type: .market, timeInForce: .day)
        _ = try await broker.submit(intent)
    }

    /// Runs every projection of the catalog, one after the other, until each has applied the whole
    /// log (one at a time keeps this harness's share of the shared test cluster's connections small).
    func project() async throws {
        let waker = LogWaker(conninfo: db.conninfo)
        let pool = PGPool(conninfo: db.conninfo, size: 1)
        let head = try await pool.withConnection { c in try c.query("SELECT coalesce(max(global_position), 0) FROM events").int64(0, 0) ?? 0 }
        for p in ProjectionCatalog.all() {
            var e = ProjectorEngine(
                projection: p, definition: try ProjectionDefinition.load(p, from: TestCluster.repositoryRoot.appendingPathComponent("projections")),
                conninfo: db.conninfo, waker: waker, logger: Logger(label: "test"))
            e.pollInterval = .milliseconds(20)
            e.standbyInterval = .milliseconds(50)
            e.heartbeatInterval = .milliseconds(200)
            let engine = e
            let runner = Task { try await engine.run() }
            do {
                try await ProjectionWaiter(pool: pool).wait(for: p.name, toReach: head, timeout: .seconds(120))
            } catch {
                runner.cancel()
                throw error
            }
            runner.cancel()
            _ = await runner.result
        }
        await waker.stop()
    }

    func check(broker: (any Broker)? = nil, useBroker: Bool = true, slots: [Int] = []) -> DoctorCheck {
        DoctorCheck(
            pool: PGPool(conninfo: db.conninfo, size: 1), reader: SnapshotReader(projectionNames: ProjectionCatalog.names, verifyAudit: true),
            broker: useBroker ? (broker ?? world.broker) : nil, rules: rules, scheduledSlots: slots)
    }

    /// Projects, then checks.
    func report(useBroker: Bool = true, slots: [Int] = []) async throws -> DoctorReport {
        try await project()
        return await check(useBroker: useBroker, slots: slots).run(now: now)
    }

    func fixer() -> DoctorFixer { DoctorFixer(system: system, rules: rules, views: PGPool(conninfo: db.conninfo, size: 1)) }

    func context() -> CommandContext { system.context(DoctorFixer.unauthenticated) }

    func pass() -> DoctorPass { DoctorPass(check: check(), fixer: fixer(), log: system.log) }

    /// The doctor events of today's session.
    func doctorEvents() async throws -> [Doctor.Event] {
        try await system.log.events(Doctor.stream(Doctor.session(for: Self.date))).compactMap { if case .doctor(let e) = $0 { e } else { nil } }
    }

    func rows(_ sql: String) async throws -> [[String: String]] {
        try await db.session().withConnection { c in try c.query(sql).dictionaries() }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension DoctorReport {
    func issues(_ type: IssueType) -> [DoctorIssue] { issues.filter { $0.type == type.rawValue } }
}
