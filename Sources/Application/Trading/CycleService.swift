import Broker
import Domain
import EventStore
import Foundation
import Strategy

/// StartCycle and the cycle it runs: scan → funnel → rank → risk → orders → completion, every step
/// recorded as events on the cycle's stream (and the risk, approval and order streams it touches).
public struct CycleService: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public struct Started: Sendable, Hashable, Codable {
        public var cycleID: CycleID
        public var status: String
        public var mode: CycleMode
        public var sessionMode: SessionMode
        public var startedAt: Date
        public var idempotencyKey: String
        /// True when this request was a retry of an existing cycle (nothing new was started).
        public var alreadyStarted: Bool
        public var configuration: [String: String]

        enum CodingKeys: String, CodingKey {
            case status, mode, configuration
            case cycleID = "cycle_id"
            case sessionMode = "session_mode"
            case startedAt = "started_at"
            case idempotencyKey = "idempotency_key"
            case alreadyStarted = "already_started"
        }
    }

    /// Validates the request and starts the cycle, or returns the cycle the same key already started.
    /// Refused outside the exchange session, while trading is halted, and until start-up reconciliation
    /// has passed.
    public func start(_ request: StartCycleRequest, context: CommandContext) async throws -> Started {
        let valid = try request.validated(now: context.now)
        let cycleID = CycleID.forIdempotencyKey(valid.idempotencyKey)
        let stream = StreamName.cycle(cycleID)
        let existing = try await system.log.load(Cycle.self, stream).state
        if existing.status != nil {
            guard existing.idempotencyKey == valid.idempotencyKey else {
                throw ApplicationError.refused(code: "started_with_different_key", message: "cycle \(cycleID) exists under another key")
            }
            return describe(existing, cycleID: cycleID, alreadyStarted: true)
        }
        try system.gate.requireOpen()
        let date = system.tradingDate(context.now)
        let clock = try? await system.market.clock(asOf: context.now)
        // The halt is only looked up (which opens the risk day) when the calendar lets the cycle start at
        // all: a refused start on a weekend or holiday must not open a risk day for a day without a session.
        let inSession = clock.map { c in c.session.map { $0.contains(context.now) } ?? c.isOpen } ?? false
        let halt = inSession ? try await RiskDesk(system: system).halt(on: date, context: context.followUp(commandID: system.ids.uuid())) : nil
        let funnel = ScanStep.configuration(for: valid.mode, base: system.configuration.funnel)
        let start = Cycle.Start(
            cycleID: cycleID, idempotencyKey: valid.idempotencyKey, mode: valid.mode, sessionMode: valid.sessionMode, requestedBy: context.actor,
            configHash: system.configuration.configHash, funnel: ScanStep.sizes(funnel), maxPositions: valid.maxPositions,
            riskPerTrade: valid.riskPerTrade.map(DecimalValue.init), scanFrequencyMinutes: valid.scanFrequencyMinutes, now: context.now,
            calendar: clock, halt: halt)
        let outcome: DeciderRunner.Outcome<Cycle>
        do {
            outcome = try await system.runner.run(Cycle.self, stream, context: context, configHash: system.configuration.configHash) { _ in .start(start) }
        } catch let refusal as CommandRejected<Cycle.Rejection> {
            throw refusal.asApplicationError
        }
        return describe(outcome.state, cycleID: cycleID, alreadyStarted: outcome.events.isEmpty)
    }

    func describe(_ s: Cycle.State, cycleID: CycleID, alreadyStarted: Bool) -> Started {
        var configuration: [String: String] = [:]
        if let m = s.maxPositions { configuration["max_positions"] = String(m) }
        if let r = s.riskPerTrade { configuration["risk_per_trade"] = "\(r.value)" }
        if let f = s.scanFrequencyMinutes { configuration["scan_frequency_minutes"] = String(f) }
        if let f = s.funnel { configuration["funnel"] = "\(f.universe)→\(f.catalyst)→\(f.technical)→\(f.pattern)→\(f.final)" }
        configuration["config_hash"] = s.configHash ?? system.configuration.configHash
        return Started(
            cycleID: s.cycleID ?? cycleID, status: s.status?.rawValue ?? "running", mode: s.mode ?? .normal, sessionMode: s.sessionMode ?? .autonomous,
            startedAt: s.startedAt ?? system.clock.now(), idempotencyKey: s.idempotencyKey ?? "", alreadyStarted: alreadyStarted,
            configuration: configuration)
    }

    /// Stops a running cycle (it finishes its current step; nothing new is placed).
    public func stop(_ cycleID: CycleID, reason: String, context: CommandContext) async throws -> Cycle.State {
        let now = context.now
        do {
            return try await system.runner.run(Cycle.self, .cycle(cycleID), context: context) { _ in .stop(reason: reason, by: context.actor, at: now) }.state
        } catch let refusal as CommandRejected<Cycle.Rejection> {
            throw refusal.asApplicationError
        }
    }
}
