import Broker
import Domain
import EventStore
import Foundation

/// Compares the ledger with the broker, at start-up and every minute, and turns every difference into
/// an explicit event: missing fills are ingested, status changes applied, and what the ledger cannot
/// explain (a status it cannot take, an order the broker does not know, orders or positions only one
/// side has) is recorded as a discrepancy for a human or Doctor Claude's safe fixes. Nothing is ever
/// edited silently.
///
/// A start-up run is always recorded (`reconciliation-<account>-<run>`); a periodic run only when it
/// found something, so a quiet minute costs reads, not events.
public struct Reconciler: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public struct Report: Sendable {
        public var runID: ReconciliationRunID
        public var trigger: ReconciliationTrigger
        public var discrepancies: [Reconciliation.DiscrepancyDetected] = []
        public var adjustments: [Reconciliation.AdjustmentApplied] = []
        public var ingestedFills = 0
        public var statusesApplied = 0
        public var recorded = false
        /// Cycles a previous process left running, failed by this start-up run.
        public var interruptedCycles: [CycleID] = []
        /// Today's cycles whose observation watches this start-up run registered again.
        public var restoredObservations: [CycleID] = []
        /// No critical discrepancy is left unresolved.
        public var passed: Bool {
            let resolved = Set(adjustments.filter { $0.action != .escalated }.map(\.discrepancyID))
            return !discrepancies.contains { $0.severity == .critical && !resolved.contains($0.discrepancyID) }
        }
    }

    @discardableResult
    public func run(_ trigger: ReconciliationTrigger, context: CommandContext) async throws -> Report {
        var report = Report(runID: ReconciliationRunID(rawValue: "rec-\(context.commandID.lowercasedShort)"), trigger: trigger)
        do {
            // 1. Executions we have not recorded yet (each one missing at start-up is a discrepancy resolved by ingesting it).
            let fills = try await FillIngestor(system: system).poll(context: context.followUp(commandID: system.ids.uuid()))
            report.ingestedFills = fills.ingested
            if trigger == .startup {
                report.interruptedCycles = try await InterruptedCycles(system: system).failAll(context: context)
                report.restoredObservations = try await ObservationRestore(system: system).restore(at: context.now)
                // Executions that happened while we were not watching: recorded, and resolved by the ingestion itself.
                for fill in fills.ingestedFills {
                    let d = discrepancy(.missingFill, .warning, symbol: fill.symbol, ours: LedgerView(), evidence: evidence(fill), context: context)
                    report.discrepancies.append(d)
                    report.adjustments.append(
                        Reconciliation.AdjustmentApplied(
                            discrepancyID: d.discrepancyID, action: .ingestedFill, affectedStreams: [StreamName.position(account: system.account, symbol: fill.symbol).rawValue],
                            evidence: d.broker, by: .system, at: context.now, note: "execution \(fill.executionID) ingested"))
                }
            }
            for fill in fills.unknown {
                report.discrepancies.append(discrepancy(.externalOrder, .critical, symbol: fill.symbol, ours: LedgerView(), evidence: evidence(fill), context: context))
            }
            // 2. Order statuses.
            let sync = try await StatusSync(system: system).syncOpenOrders(context: context.followUp(commandID: system.ids.uuid()))
            report.statusesApplied = sync.applied
            for drift in sync.drifts {
                report.discrepancies.append(
                    discrepancy(
                        .orderStatusMismatch, .warning, symbol: nil, orderID: drift.orderID, ours: LedgerView(status: drift.ours.rawValue),
                        evidence: BrokerEvidence(source: "GET /v2/orders/{id}", fetchedAt: context.now, status: drift.broker, raw: drift.reason), context: context))
            }
            for missing in sync.notFound {
                report.discrepancies.append(
                    discrepancy(
                        .orderNotFound, .warning, symbol: missing.intent.symbol, orderID: missing.orderID, ours: LedgerView(status: missing.status.rawValue),
                        evidence: BrokerEvidence(source: "GET /v2/orders/{id}", fetchedAt: context.now, brokerOrderID: missing.brokerOrderID), context: context))
            }
            // 3. Orders at the broker we never placed.
            let ours = Set(try await system.directory.recentOrders().compactMap(\.brokerOrderID))
            for o in try await system.broker.openOrders() where !ours.contains(o.id) && !o.legs.contains(where: { ours.contains($0.id) }) {
                report.discrepancies.append(
                    discrepancy(
                        .externalOrder, .critical, symbol: o.symbol, ours: LedgerView(),
                        evidence: BrokerEvidence(
                            source: "GET /v2/orders", fetchedAt: context.now, brokerOrderID: o.id, clientOrderID: o.clientOrderID, status: o.status,
                            symbol: o.symbol, quantity: o.quantity, filledQuantity: o.filledQuantity, raw: o.raw),
                        context: context))
            }
            // 4. Positions.
            report.discrepancies += try await comparePositions(context: context)
        } catch let error as BrokerError {
            throw ApplicationError.unavailable("reconciliation: \(error)", retryable: error.isRetryable)
        }
        if trigger != .periodic || !report.discrepancies.isEmpty {
            try await record(&report, context: context)
        }
        if trigger == .startup || !system.gate.isOpen {
            if report.passed {
                system.gate.open()
            } else {
                system.gate.close("start-up reconciliation \(report.runID) found \(report.discrepancies.count) unresolved discrepancies")
            }
        }
        return report
    }

    /// Writes the run in one batch: started, every discrepancy, every adjustment, completed.
    func record(_ report: inout Report, context: CommandContext) async throws {
        let stream = StreamName.reconciliation(account: system.account, run: report.runID)
        var state = Reconciliation.initial
        var events: [Reconciliation.Event] = []
        var commands: [Reconciliation.Command] = [.start(report.runID, account: system.account, trigger: report.trigger, at: context.now)]
        commands += report.discrepancies.map { .recordDiscrepancy($0) }
        commands += report.adjustments.map { .applyAdjustment($0) }
        commands.append(.complete(at: context.now))
        for command in commands {
            do {
                let (new, next) = try Reconciliation.run(command, on: state)
                events += new
                state = next
            } catch { throw CommandRejected(error).asApplicationError }
        }
        var batch = LedgerBatch()
        batch.add(stream, expected: .noStream, events)
        _ = try await system.log.append(batch, context: context.followUp(commandID: system.ids.uuid()))
        report.recorded = true
        for d in report.discrepancies {
            system.logger.warning("reconciliation discrepancy", metadata: ["kind": "\(d.kind.rawValue)", "symbol": "\(d.symbol?.rawValue ?? "")", "severity": "\(d.severity.rawValue)"])
        }
    }

    func comparePositions(context: CommandContext) async throws -> [Reconciliation.DiscrepancyDetected] {
        let broker = try await system.broker.positions()
        let book = try await RiskDesk(system: system).ensureOpen(system.tradingDate(context.now), context: context.followUp(commandID: system.ids.uuid()))
        var mine: [Symbol: Quantity] = [:]
        for p in book.positions.values where !p.net.isFlat { mine[p.symbol] = p.net.quantity }
        var theirs: [Symbol: BrokerPosition] = [:]
        for p in broker where !p.quantity.isZero { theirs[p.symbol] = p }
        var out: [Reconciliation.DiscrepancyDetected] = []
        for symbol in Set(mine.keys).union(theirs.keys).sorted() {
            let b = theirs[symbol]
            let ev = BrokerEvidence(
                source: "GET /v2/positions", fetchedAt: context.now, symbol: symbol, quantity: b?.quantity ?? .zero, averagePrice: b?.averageEntryPrice,
                raw: b?.raw)
            switch (mine[symbol], b) {
            case (nil, .some):
                out.append(discrepancy(.orphanPosition, .critical, symbol: symbol, ours: LedgerView(quantity: .zero), evidence: ev, context: context))
            case (.some(let q), nil):
                out.append(discrepancy(.phantomPosition, .critical, symbol: symbol, ours: LedgerView(quantity: q), evidence: ev, context: context))
            case (.some(let q), .some(let p)) where q != p.quantity:
                let diff = (q - p.quantity).magnitude.shares
                let base = max(q.magnitude.shares, p.quantity.magnitude.shares)
                let severity: Severity = base > 0 && diff / base >= Decimal(string: "0.1")! ? .critical : .warning
                out.append(discrepancy(.quantityMismatch, severity, symbol: symbol, ours: LedgerView(quantity: q), evidence: ev, context: context))
            default:
                break
            }
        }
        return out
    }

    func discrepancy(
        _ kind: DiscrepancyKind, _ severity: Severity, symbol: Symbol?, orderID: OrderID? = nil, ours: LedgerView, evidence: BrokerEvidence,
        context: CommandContext
    ) -> Reconciliation.DiscrepancyDetected {
        Reconciliation.DiscrepancyDetected(
            discrepancyID: DiscrepancyID(rawValue: "dsc-\(system.ids.uuid().lowercasedShort)"), kind: kind, severity: severity, symbol: symbol,
            orderID: orderID, positionID: nil, ours: ours, broker: evidence, at: context.now)
    }

    func evidence(_ fill: BrokerFill) -> BrokerEvidence {
        BrokerEvidence(
            source: "GET /v2/account/activities/FILL", fetchedAt: fill.transactionTime, brokerOrderID: fill.brokerOrderID, clientOrderID: fill.clientOrderID,
            symbol: fill.symbol, quantity: fill.quantity, averagePrice: fill.price, executionIDs: [fill.executionID])
    }
}
