import Broker
import Domain
import EventStore
import Foundation

/// Compares the ledger with the broker, at start-up and every minute, and turns every difference into
/// an explicit event: missing fills are ingested, status drift is recorded and synced, and orders or
/// positions that only one side has are recorded as discrepancies for a human (or Doctor Claude's safe
/// fixes). Nothing is ever edited silently.
public struct Reconciler: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public struct Report: Sendable {
        public var runID: ReconciliationRunID
        public var discrepancies: [Reconciliation.DiscrepancyDetected] = []
        public var ingestedFills = 0
        public var statusSynced = 0
        /// No critical discrepancy is left unresolved.
        public var passed: Bool { !discrepancies.contains { $0.severity == .critical && !resolvedIDs.contains($0.discrepancyID) } }
        var resolvedIDs: Set<DiscrepancyID> = []
    }

    @discardableResult
    public func run(_ trigger: ReconciliationTrigger, context: CommandContext) async throws -> Report {
        let runID = ReconciliationRunID(rawValue: "rec-\(context.commandID.lowercasedShort)")
        let stream = StreamName.reconciliation(account: system.account, run: runID)
        var report = Report(runID: runID)
        let account = system.account
        _ = try await system.runner.run(Reconciliation.self, stream, context: context) { _ in .start(runID, account: account, trigger: trigger, at: context.now) }

        do {
            // 1. Executions we have not recorded yet.
            let fills = try await FillIngestor.shared(system).poll(context: context.followUp(commandID: system.ids.uuid()))
            report.ingestedFills = fills.ingested
            for fill in fills.unknown {
                let d = discrepancy(.externalOrder, .critical, symbol: fill.symbol, ours: LedgerView(), evidence: evidence("GET /v2/account/activities/FILL", fill: fill), context: context)
                try await record(d, stream: stream, report: &report, context: context)
            }

            // 2. Order statuses.
            let sync = try await StatusSync(system: system).syncOpenOrders(context: context.followUp(commandID: system.ids.uuid()))
            for drift in sync.drifts {
                let d = discrepancy(
                    .orderStatusMismatch, .warning, symbol: nil, orderID: drift.orderID, ours: LedgerView(status: drift.ours.rawValue),
                    evidence: BrokerEvidence(source: "GET /v2/orders/{id}", fetchedAt: context.now, status: drift.broker), context: context)
                try await record(d, stream: stream, report: &report, context: context)
                try await resolve(d, .orderStatusSynced, stream: stream, report: &report, context: context)
                report.statusSynced += 1
            }
            for missing in sync.notFound {
                let d = discrepancy(
                    .orderNotFound, .warning, symbol: missing.intent.symbol, orderID: missing.orderID, ours: LedgerView(status: missing.status.rawValue),
                    evidence: BrokerEvidence(source: "GET /v2/orders/{id}", fetchedAt: context.now, brokerOrderID: missing.brokerOrderID), context: context)
                try await record(d, stream: stream, report: &report, context: context)
            }

            // 3. Orders at the broker we never placed.
            let ours = Set(try await system.directory.recentOrders().compactMap(\.brokerOrderID))
            for o in try await system.broker.openOrders() where !ours.contains(o.id) && !o.legs.contains(where: { ours.contains($0.id) }) {
                let d = discrepancy(
                    .externalOrder, .critical, symbol: o.symbol, ours: LedgerView(),
                    evidence: BrokerEvidence(source: "GET /v2/orders", fetchedAt: context.now, brokerOrderID: o.id, clientOrderID: o.clientOrderID, status: o.status, symbol: o.symbol, quantity: o.quantity, filledQuantity: o.filledQuantity, raw: o.raw),
                    context: context)
                try await record(d, stream: stream, report: &report, context: context)
            }

            // 4. Positions.
            try await comparePositions(stream: stream, report: &report, context: context)
        } catch let error as BrokerError {
            throw ApplicationError.unavailable("reconciliation: \(error)", retryable: error.isRetryable)
        }
        _ = try await system.runner.run(Reconciliation.self, stream, context: context.followUp(commandID: system.ids.uuid())) { _ in .complete(at: context.now) }
        if trigger == .startup || !system.gate.isOpen {
            if report.passed { system.gate.open() } else { system.gate.close("start-up reconciliation found \(report.discrepancies.count) discrepancies (\(runID))") }
        }
        return report
    }

    func comparePositions(stream: StreamName, report: inout Report, context: CommandContext) async throws {
        let broker = try await system.broker.positions()
        let book = try await RiskDesk(system: system).ensureOpen(system.tradingDate(context.now), context: context.followUp(commandID: system.ids.uuid()))
        var mine: [Symbol: Quantity] = [:]
        for p in book.positions.values where !p.net.isFlat { mine[p.symbol] = p.net.quantity }
        var theirs: [Symbol: BrokerPosition] = [:]
        for p in broker where !p.quantity.isZero { theirs[p.symbol] = p }
        for symbol in Set(mine.keys).union(theirs.keys).sorted() {
            let ourQty = mine[symbol]
            let b = theirs[symbol]
            let ev = BrokerEvidence(
                source: "GET /v2/positions", fetchedAt: context.now, symbol: symbol, quantity: b?.quantity ?? .zero, averagePrice: b?.averageEntryPrice,
                raw: b?.raw)
            switch (ourQty, b) {
            case (nil, .some):
                try await record(discrepancy(.orphanPosition, .critical, symbol: symbol, ours: LedgerView(quantity: .zero), evidence: ev, context: context), stream: stream, report: &report, context: context)
            case (.some(let q), nil):
                try await record(discrepancy(.phantomPosition, .critical, symbol: symbol, ours: LedgerView(quantity: q), evidence: ev, context: context), stream: stream, report: &report, context: context)
            case (.some(let q), .some(let p)) where q != p.quantity:
                let diff = (q - p.quantity).magnitude.shares
                let base = max(q.magnitude.shares, p.quantity.magnitude.shares)
                let severity: Severity = base > 0 && diff / base >= Decimal(string: "0.1")! ? .critical : .warning
                try await record(discrepancy(.quantityMismatch, severity, symbol: symbol, ours: LedgerView(quantity: q), evidence: ev, context: context), stream: stream, report: &report, context: context)
            default:
                break
            }
        }
    }

    func discrepancy(
        _ kind: DiscrepancyKind, _ severity: Severity, symbol: Symbol?, orderID: OrderID? = nil, ours: LedgerView, evidence: BrokerEvidence,
        context: CommandContext
    ) -> Reconciliation.DiscrepancyDetected {
        Reconciliation.DiscrepancyDetected(
            discrepancyID: DiscrepancyID(rawValue: "dsc-\(system.ids.uuid().lowercasedShort)"), kind: kind, severity: severity, symbol: symbol,
            orderID: orderID, positionID: nil, ours: ours, broker: evidence, at: context.now)
    }

    func evidence(_ source: String, fill: BrokerFill) -> BrokerEvidence {
        BrokerEvidence(
            source: source, fetchedAt: fill.transactionTime, brokerOrderID: fill.brokerOrderID, clientOrderID: fill.clientOrderID, symbol: fill.symbol,
            quantity: fill.quantity, averagePrice: fill.price, executionIDs: [fill.executionID])
    }

    func record(_ d: Reconciliation.DiscrepancyDetected, stream: StreamName, report: inout Report, context: CommandContext) async throws {
        _ = try await system.runner.run(Reconciliation.self, stream, context: context.followUp(commandID: system.ids.uuid())) { _ in .recordDiscrepancy(d) }
        report.discrepancies.append(d)
        system.logger.warning("reconciliation discrepancy", metadata: ["kind": "\(d.kind.rawValue)", "symbol": "\(d.symbol?.rawValue ?? "")", "severity": "\(d.severity.rawValue)"])
    }

    func resolve(_ d: Reconciliation.DiscrepancyDetected, _ action: AdjustmentAction, stream: StreamName, report: inout Report, context: CommandContext) async throws {
        let adjustment = Reconciliation.AdjustmentApplied(
            discrepancyID: d.discrepancyID, action: action, affectedStreams: d.orderID.map { [StreamName.order($0).rawValue] } ?? [], evidence: d.broker,
            by: .system, at: context.now, note: nil)
        _ = try await system.runner.run(Reconciliation.self, stream, context: context.followUp(commandID: system.ids.uuid())) { _ in .applyAdjustment(adjustment) }
        report.resolvedIDs.insert(d.discrepancyID)
    }
}
