import Application
import Broker
import CatalystTestKit
import Domain
import EventStore
import FakeAlpaca
import Foundation
import MarketData
import Synchronization

/// A trading system whose broker is the real Alpaca client talking HTTP to the fake Alpaca server
/// (market data still from the simulated market): the harness of the broker-failure and
/// reconciliation drills. The test scripts the broker through `state` (fills, rejects, external
/// orders) and `faults` (5xx, timeouts, dropped connections), and can take the network down.
struct AlpacaAppHarness: Sendable {
    /// The log: in memory unless the test gave a PostgreSQL database.
    let store: any EventStore
    let system: TradingSystem
    let state: FakeTradingState
    let server: FakeAlpacaServer
    let clock: ManualLedgerClock
    let market: SimulatedMarket
    let network: SwitchableTransport

    var faults: FaultScript { server.faults }
    var account: AccountID { system.account }
    var now: Date { clock.now() }
    /// Request lines the fake received (`POST /v2/orders`, …).
    func count(_ prefix: String) -> Int { server.requestLog.all.filter { $0.hasPrefix(prefix) }.count }

    static let start = SimHarness.date.at(hour: 10, minute: 0)

    /// Runs `body` with a fresh harness on a new in-memory log, or on `store`/`db` (a "restart" reuses one).
    static func run<T: Sendable>(
        db: TestDatabase? = nil, store given: (any EventStore)? = nil, state: FakeTradingState? = nil, timeout: TimeInterval = 10, reconciled: Bool = true,
        risk: RiskParameters = RiskParameters(), _ body: @Sendable (AlpacaAppHarness) async throws -> T
    ) async throws -> T {
        let store: any EventStore
        if let s = given ?? db?.eventStore() { store = s } else { store = try await TestStores.fresh() }
        let fake = state ?? FakeTradingState(now: start)
        let server = FakeAlpacaServer(faults: FaultScript(), groups: FakeAlpacaServer.tradingGroups(fake))
        return try await server.withRunning { url in
            let clock = ManualLedgerClock(fake.now)
            let configuration = AlpacaTradingConfiguration(
                baseURL: url, keyID: FakeAlpacaServer.testKeyID, secretKey: FakeAlpacaServer.testSecret, requestTimeout: timeout,
                resourceTimeout: timeout * 2, maxRetries: 2, retryBaseDelay: 0.01, retryMaxDelay: 0.05, circuitFailureThreshold: 1000)
            let network = SwitchableTransport(URLSessionAlpacaTransport(configuration: configuration))
            let broker = AlpacaBroker(configuration: configuration, transport: network, clock: { clock.now() })
            let market = SimulatedMarket(seed: SimHarness.seed, symbolCount: SimHarness.symbols, now: fake.now)
            let system = TradingSystem(
                log: EventLog(store: store), broker: broker, market: market, clock: clock,
                configuration: TradingConfiguration(account: AccountID(rawValue: "alpaca"), funnel: try SimHarness.funnel(), configHash: "test-config"),
                riskParameters: FixedRiskParameters(risk))
            let h = AlpacaAppHarness(store: store, system: system, state: fake, server: server, clock: clock, market: market, network: network)
            if reconciled { try await Reconciler(system: system).run(.startup, context: system.context(.system)) }
            return try await body(h)
        }
    }

    func context(_ actor: Actor = SimHarness.operatorActor) -> CommandContext { system.context(actor) }

    /// Moves ledger, market and fake broker time together.
    func setTime(_ t: Date) {
        clock.set(t)
        market.clock.set(t)
        state.setNow(t)
    }

    /// A tradable symbol of the simulated universe and its last price, also set as the fake's price.
    func symbol(_ index: Int = 0) async throws -> (symbol: Symbol, price: Price) {
        let universe = try await market.universe().filter(\.tradable)
        let snaps = try await market.snapshots(for: universe.map(\.symbol), asOf: now)
        let liquid = universe.compactMap { s -> (Symbol, Price)? in
            guard let p = snaps[s.symbol]?.lastPrice, p.value >= 5, p.value <= 100 else { return nil }
            return (s.symbol, p)
        }
        let (symbol, price) = liquid[index]
        state.setPrice(symbol.rawValue, price.value)
        return (symbol, price)
    }

    /// A human's manual long entry of 100 shares (placed at once): goes through risk and then to the fake.
    func trade(_ index: Int = 0, quantity: Decimal? = 100) async throws -> TradingOperations.TradeOutcome {
        let (symbol, price) = try await symbol(index)
        return try await TradingOperations(system: system).executeTrade(SimHarness.longRequest(symbol, price, quantity: quantity), placeAtOnce: true, context: context())
    }

    func order(_ id: OrderID) async throws -> Order.Record? { try await system.log.load(Order.self, .order(id)).state.order }

    func events() async throws -> [Recorded] {
        let codec = EventCodec()
        return try await store.readAllToEnd().map {
            Recorded(stream: $0.streamID, type: $0.eventType, event: try codec.decode(eventType: $0.eventType, schemaVersion: $0.schemaVersion, payload: $0.payload), raw: $0)
        }
    }

    /// One minute of the session's duties (reconciliation, approvals, position monitor).
    @discardableResult
    func minute() async throws -> TradingDuties.Minute {
        try await TradingDuties(system: system).minute(context: system.context(.system))
    }

    /// A filled manual entry of 100 shares of the `index`-th liquid symbol, executed at the fake at the
    /// market's last price, and ingested.
    func filledEntry(_ index: Int) async throws -> (order: Order.Record, price: Price) {
        let (_, price) = try await symbol(index)
        guard case .placed(let placed) = try await trade(index) else { throw HarnessError("trade \(index) was not placed") }
        try state.fill(try placed.brokerID(), price: price.value)
        try await minute()
        guard let order = try await order(placed.orderID) else { throw HarnessError("order \(placed.orderID) is not in the log") }
        return (order, price)
    }

    /// A human closes a position; the fake executes the market exit at `price`.
    func close(_ symbol: Symbol, at price: Decimal) async throws {
        let exit = try await TradingOperations(system: system).closePosition(symbol.rawValue, context: context())
        try state.fill(try exit.brokerID(), price: price)
    }

    func reconcile(_ trigger: ReconciliationTrigger = .periodic) async throws -> Reconciler.Report {
        try await Reconciler(system: system).run(trigger, context: system.context(.system))
    }

    /// The one entry order of the log (the tests place one).
    func entry() async throws -> Order.Record {
        for r in try await events() {
            if case .order(.requested(let o)) = r.event, o.intent.purpose == .entry, let order = try await order(o.orderID) { return order }
        }
        throw HarnessError("no entry order in the log")
    }
}

/// The HTTP transport with a switch: while down (for every request, or only for one method), requests
/// fail before they are sent (connection refused), so the broker provably saw nothing — an outage, as
/// opposed to the fake's scripted 5xx.
final class SwitchableTransport: AlpacaTransport {
    let inner: any AlpacaTransport
    /// nil: up; "*": down for everything; otherwise down for this HTTP method only.
    private let outage = Mutex<String?>(nil)

    init(_ inner: any AlpacaTransport) { self.inner = inner }

    func down(for method: String = "*") { outage.withLock { $0 = method } }
    func up() { outage.withLock { $0 = nil } }

    func send(_ request: AlpacaHTTPRequest) async throws(AlpacaTransportFailure) -> AlpacaHTTPResponse {
        if let m = outage.withLock({ $0 }), m == "*" || m == request.method { throw .notSent("connection refused (test outage)") }
        return try await inner.send(request)
    }
}
