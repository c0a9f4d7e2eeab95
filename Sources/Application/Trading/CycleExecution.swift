import Broker
import Domain
import EventStore
import Foundation
import Strategy

/// The steps of a started cycle. Each step appends its events before the next begins; a failure marks
/// the cycle failed with the stage and a reason, and what was already recorded stays recorded.
public struct CycleExecution: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public struct Summary: Sendable, Hashable {
        public var candidates = 0
        public var signals = 0
        public var approvals = 0
        public var denials = 0
        public var denialReasons: [String: Int] = [:]
        public var orders = 0
        public var awaitingHuman = 0
    }

    @discardableResult
    public func run(_ cycleID: CycleID, context: CommandContext) async throws -> Summary {
        let stream = StreamName.cycle(cycleID)
        var stage: CycleStage = .scan
        var summary = Summary()
        do {
            let state = try await system.log.load(Cycle.self, stream).state
            guard state.status == .running else { return summary }
            let requested = system.clock.now()
            guard let session = try await system.market.clock(asOf: requested).session else {
                throw ApplicationError.refused(code: "market_closed", message: "no trading session at \(requested)")
            }
            let funnel = ScanStep.configuration(for: state.mode ?? .normal, base: system.configuration.funnel)

            // Scan and funnel: every stage-1 candidate and every drop is recorded.
            // With capture on (live trading), what the scan read is kept and its hash goes with the scan.
            let recorder = system.capture.map { _ in MarketRecorder(system.market, kind: .scan, asOf: requested, session: session) }
            var scanned = try await ScanStep(system: system, market: recorder).run(at: requested, session: session, funnel: funnel)
            if let recorder { scanned.report.dataHash = system.storeCapture(recorder.recording, day: session.date) }
            let scan = scanned
            // The decision time is the scan's (taken once its data was in, see `ScanStep`): signals, label
            // horizons and the risk inputs are read as of it, never as of the earlier request.
            let now = scan.report.dataAsOf
            try await record(stream, context) { _ in .recordScan(scan.report) }
            // From now on the monitor records prices for the candidates' labels: every minute for those that got
            // far enough, at the label horizons for all the others.
            let observed = system.configuration.observedStage
            system.observations.watch(
                cycleID, date: system.tradingDate(now), symbols: scan.report.candidates.filter { $0.stageReached >= observed }.map(\.features.symbol),
                horizonSymbols: scan.report.candidates.map(\.features.symbol), decidedAt: now, endOfDay: session.close.addingTimeInterval(-60))
            try await record(stream, context) { _ in .completeStage(.scan, at: now, itemCount: scan.report.universeSize) }
            stage = .funnel
            try await record(stream, context) { _ in .completeStage(.funnel, at: now, itemCount: scan.report.candidates.count) }
            summary.candidates = scan.report.candidates.count

            // Rank: the finalists become signals, at most the cycle's `max_positions` of them. That number is
            // also an account-level limit: each decision checks it against everything held or pending today
            // on the risk stream (see `Risk.Evaluation.maxPositions`), never against this cycle alone.
            stage = .rank
            let cap = state.maxPositions ?? Int.max
            let picks = Array(scan.proposals.prefix(cap))
            let inputs = picks.enumerated().map { i, p in
                Cycle.SignalInput(signalID: SignalID(rawValue: "\(cycleID.rawValue)-s\(i + 1)"), rank: i + 1, proposal: p)
            }
            try await record(stream, context) { _ in .recordSignals(inputs, at: now) }
            try await record(stream, context) { _ in .completeStage(.rank, at: now, itemCount: inputs.count) }
            summary.signals = inputs.count

            // Risk: one decision per signal on the account's risk day stream.
            stage = .risk
            var approved: [Risk.Approved] = []
            let evaluator = RiskEvaluation(system: system)
            let book = try await RiskDesk(system: system).ensureOpen(system.tradingDate(now), context: context.followUp(commandID: system.ids.uuid()))
            let held = book.heldSymbols
            let riskInputs = inputs.isEmpty ? nil : try await evaluator.inputs(for: inputs.map(\.proposal.symbol), held: held, now: now, session: session)
            for input in inputs {
                let step = context.followUp(commandID: system.ids.uuid(), now: system.clock.now())
                switch try await evaluator.evaluate(input, cycle: state, session: session, inputs: riskInputs, context: step) {
                case .approved(let a): approved.append(a)
                case .denied(let d):
                    summary.denials += 1
                    for v in d.violations { summary.denialReasons[v.code.rawValue, default: 0] += 1 }
                case .none: break
                }
            }
            summary.approvals = approved.count
            let approvedCount = approved.count
            try await record(stream, context) { _ in .completeStage(.risk, at: now, itemCount: approvedCount) }

            // Orders: autonomous approvals go to the broker; supervised ones wait for a human.
            stage = .orders
            let placement = OrderPlacement(system: system)
            for a in approved {
                let step = context.followUp(commandID: system.ids.uuid())
                if a.supervised {
                    try await ApprovalService(system: system).request(a, context: step)
                    summary.awaitingHuman += 1
                } else if (try await system.log.load(Cycle.self, stream).state.status) == .running {
                    _ = try await placement.placeEntry(a, context: step)
                    summary.orders += 1
                }
            }
            let placed = summary.orders
            try await record(stream, context) { _ in .completeStage(.orders, at: system.clock.now(), itemCount: placed) }
            let done = CycleSummary(
                candidates: summary.candidates, signals: summary.signals, approvals: summary.approvals, denials: summary.denials,
                orders: summary.orders, fills: 0)
            try await record(stream, context) { _ in .complete(at: system.clock.now(), summary: done) }
            return summary
        } catch {
            let now = system.clock.now()
            let code = (error as? ApplicationError)?.code ?? (error as? any CommandRefusal)?.code ?? "error"
            let failedStage = stage
            _ = try? await system.runner.run(Cycle.self, stream, context: context.followUp(commandID: system.ids.uuid())) { _ in
                .fail(stage: failedStage, errorCode: code, message: "\(error)", at: now)
            }
            system.logger.error("cycle failed", metadata: ["cycle": "\(cycleID)", "stage": "\(stage)", "error": "\(error)"])
            throw error
        }
    }

    private func record(_ stream: StreamName, _ context: CommandContext, _ command: @Sendable (Cycle.State) throws -> Cycle.Command) async throws {
        _ = try await system.runner.run(Cycle.self, stream, context: context.followUp(commandID: system.ids.uuid()), command)
    }
}
