import Broker
import Domain
import EventStore
import Foundation
import Synchronization

/// Takes the broker's executions into the log: one `order.filled`/`order.partially_filled` per
/// execution id, the position events it causes, and `risk.fill_recorded` — in one batch, each stream at
/// its expected version. Duplicates (a fill seen twice) append nothing. Positions are therefore opened
/// only by fills and priced only by fills.
public struct FillIngestor: Sendable {
    let system: TradingSystem
    /// The feed's cursor, and the halts (daily loss limit) emitted while ingesting, kept until the duties
    /// act on them: fills are ingested from several places (reconciliation, status sync, a cancel waiting
    /// for the broker), and a halt that reaches none of them must still flatten the account.
    let state: FillFeedState

    /// `state`: where the feed's reading stands; the system's own by default (a restarted process starts
    /// with a new one and reads the day's feed from its start).
    public init(system: TradingSystem, state: FillFeedState? = nil) {
        self.system = system
        self.state = state ?? system.fillFeed
    }

    /// The halts emitted by ingested fills since the last call (each is handed out once).
    public func takeHalts() -> [Risk.TradingHalted] {
        state.unhandledHalts.withLock { h in
            defer { h.removeAll() }
            return h
        }
    }


    public struct Outcome: Sendable {
        public var ingested = 0
        /// The executions taken in by this poll.
        public var ingestedFills: [BrokerFill] = []
        public var duplicates = 0
        /// Executions of orders we never placed (recorded by reconciliation as external).
        public var unknown: [BrokerFill] = []
        /// Halts the risk book emitted while recording these fills (the daily loss limit).
        public var halts: [Risk.TradingHalted] = []
    }

    /// Reads every new execution from the broker's feed and ingests it.
    @discardableResult
    public func poll(context: CommandContext) async throws -> Outcome {
        let (since, start) = state.position.withLock { f -> (Date, String?) in
            let since = f.since ?? system.tradingDate(context.now).at(hour: 0, minute: 0)
            f.since = since
            return (since, f.cursor)
        }
        var cursor = start
        var outcome = Outcome()
        while true {
            let page: BrokerFillPage
            do { page = try await system.broker.fills(since: since, after: cursor, limit: 500) } catch {
                throw ApplicationError.unavailable("broker fills: \(error)", retryable: error.isRetryable)
            }
            for fill in page.fills {
                switch try await ingest(fill, context: context.followUp(commandID: system.ids.uuid())) {
                case .ingested(let halt):
                    outcome.ingested += 1
                    outcome.ingestedFills.append(fill)
                    if let halt { outcome.halts.append(halt) }
                case .duplicate: outcome.duplicates += 1
                case .unknownOrder: outcome.unknown.append(fill)
                }
            }
            if let c = page.cursor { cursor = c }
            state.position.withLock { $0.cursor = cursor }
            if page.fills.count < 500 { break }
        }
        return outcome
    }

    public enum Ingested: Sendable {
        case ingested(halt: Risk.TradingHalted?)
        case duplicate
        case unknownOrder
    }

    /// Ingests one execution. Retries on a concurrent change of any of the three streams.
    public func ingest(_ fill: BrokerFill, context: CommandContext) async throws -> Ingested {
        guard let orderID = try await ourOrder(for: fill) else { return .unknownOrder }
        for _ in 0..<8 {
            let order = try await system.log.load(Order.self, .order(orderID))
            guard let record = order.state.order else { return .unknownOrder }
            if record.executionIDs.contains(fill.executionID) { return .duplicate }
            let update = Order.BrokerUpdate(
                status: fill.leavesQuantity.isZero ? .filled : .partiallyFilled, brokerOrderID: fill.brokerOrderID, at: fill.transactionTime,
                source: .activities,
                execution: Order.ExecutionReport(executionID: fill.executionID, quantity: fill.quantity, price: fill.price, at: fill.transactionTime),
                brokerCumulativeQuantity: fill.cumulativeQuantity)
            let orderEvents: [Order.Event]
            do { orderEvents = try Order.decide(.applyBrokerUpdate(update), order.state) } catch { throw CommandRejected(error).asApplicationError }
            guard let execution = orderEvents.compactMap(Self.execution).first else { return .duplicate }

            let date = system.tradingDate(fill.transactionTime)
            let risk = try await RiskDesk(system: system).ensureOpen(date, context: context)
            let riskStream = StreamName.risk(account: system.account, date: date)
            let riskLoaded = try await system.log.load(Risk.self, riskStream)
            let sector = try await sectorOf(fill.symbol, record: record, risk: risk)

            let positionStream = StreamName.position(account: system.account, symbol: fill.symbol)
            let position = try await system.log.load(Position.self, positionStream)
            let positionEvents: [Position.Event]
            do {
                positionEvents = try Position.decide(
                    .applyFill(Position.Fill(account: system.account, execution: execution, order: record, sector: sector)), position.state)
            } catch { throw CommandRejected(error).asApplicationError }

            let recorded = Risk.FillRecorded(
                orderID: orderID, executionID: fill.executionID, approvalID: record.approvalID, symbol: fill.symbol, sector: sector, side: fill.side,
                quantity: fill.quantity, price: fill.price, fee: execution.fee, filledAt: fill.transactionTime)
            let riskEvents: [Risk.Event]
            do { riskEvents = try Risk.decide(.recordFill(recorded), riskLoaded.state) } catch { throw CommandRejected(error).asApplicationError }

            var batch = LedgerBatch()
            batch.add(.order(orderID), expected: order.expected, orderEvents)
            batch.add(positionStream, expected: position.expected, positionEvents)
            batch.add(riskStream, expected: riskLoaded.expected, riskEvents)
            switch try await system.log.append(batch, context: context) {
            case .appended:
                let halt = riskEvents.compactMap { if case .tradingHalted(let h) = $0 { h } else { nil } }.first
                if let halt { state.unhandledHalts.withLock { $0.append(halt) } }
                return .ingested(halt: halt)
            case .alreadyAppended:
                return .duplicate
            case .conflict:
                continue
            }
        }
        throw ApplicationError.contention(stream: "fill \(fill.executionID)")
    }

    static func execution(_ e: Order.Event) -> Order.Execution? {
        switch e {
        case .filled(let f): f.execution
        case .partiallyFilled(let p): p.execution
        default: nil
        }
    }

    /// Our order for an execution: by client order id (our ids are our client order ids), else by the
    /// broker's order id (bracket legs, whose client ids the broker assigns).
    func ourOrder(for fill: BrokerFill) async throws -> OrderID? {
        if let client = fill.clientOrderID {
            let candidate = OrderID(rawValue: client)
            if try await system.log.load(Order.self, .order(candidate)).state.order != nil { return candidate }
        }
        return try await system.directory.order(brokerOrderID: fill.brokerOrderID)?.orderID
    }

    func sectorOf(_ symbol: Symbol, record: Order.Record, risk: Risk.State) async throws -> Sector {
        if let a = record.approvalID, let p = risk.pending[a] { return p.sector }
        if let p = risk.positions[symbol] { return p.sector }
        return try await system.securities.sector(of: symbol)
    }
}
