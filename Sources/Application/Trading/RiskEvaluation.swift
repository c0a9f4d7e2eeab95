import Broker
import Domain
import EventStore
import Foundation
import Strategy

/// One pre-trade risk decision per signal, on the account's risk day stream. The stream's expected
/// version makes two concurrent decisions serialise: they cannot both pass a limit.
public struct RiskEvaluation: Sendable {
    let system: TradingSystem

    public enum Decision: Sendable {
        case approved(Risk.Approved)
        case denied(Risk.Denied)
        /// Already decided (a retry): no new decision.
        case none
    }

    /// Inputs read once per cycle rather than once per decision.
    public struct Inputs: Sendable {
        public var account: AccountSnapshot
        public var dailyBars: [Symbol: [Bar]]
        /// The candidates' quotes at the decision: where each entry stands against the market (`EntryPlan`).
        public var snapshots: [Symbol: MarketSnapshot] = [:]

        /// The price an entry of `side` would meet now: the ask for a buy, the bid for a sell, else the last.
        public func marketPrice(_ symbol: Symbol, side: PositionSide) -> Price? {
            guard let s = snapshots[symbol] else { return nil }
            return (side == .long ? s.ask : s.bid) ?? s.lastPrice
        }
    }

    func inputs(for symbols: [Symbol], held: [Symbol], now: Date) async throws -> Inputs {
        let account: AccountSnapshot
        do { account = try await system.broker.account() } catch {
            throw ApplicationError.unavailable("broker account: \(error)", retryable: error.isRetryable)
        }
        let all = Array(Set(symbols + held))
        let bars = try await system.market.dailyBars(for: all, from: NYDate(now).adding(days: -45), asOf: now)
        let snapshots = try await system.market.snapshots(for: symbols, asOf: now)
        return Inputs(account: account, dailyBars: bars, snapshots: snapshots)
    }

    public func evaluate(
        _ input: Cycle.SignalInput, cycle: Cycle.State, session: TradingSession, inputs given: Inputs? = nil, context: CommandContext
    ) async throws -> Decision {
        let date = system.tradingDate(context.now)
        let desk = RiskDesk(system: system)
        let risk = try await desk.ensureOpen(date, context: context)
        let symbol = input.proposal.symbol
        let held = risk.heldSymbols
        let inputs: Inputs
        if let given { inputs = given } else { inputs = try await self.inputs(for: [symbol], held: held, now: context.now) }
        let correlations = held.filter { $0 != symbol }.compactMap { other -> SymbolCorrelation? in
            guard let c = ReturnCorrelation.of(inputs.dailyBars[symbol] ?? [], inputs.dailyBars[other] ?? []), c.isFinite,
                let exact = Decimal(string: String(format: "%.6f", c))
            else { return nil }
            return SymbolCorrelation(symbol: other, correlation: DecimalValue(exact))
        }
        let security = try await system.securities.security(symbol)
        let approvalID = ApprovalID(rawValue: input.signalID.rawValue)
        guard let client = ClientOrderID(OrderID.forApproval(approvalID).rawValue) else {
            throw ApplicationError.invalid(field: "client_order_id", reason: "derived id longer than 48 characters")
        }
        let evaluation = Risk.Evaluation(
            approvalID: approvalID, cycleID: cycle.cycleID, signalID: input.signalID, proposal: input.proposal,
            entryType: system.configuration.entryType, timeInForce: system.configuration.entryTimeInForce, clientOrderID: client,
            riskPerTrade: cycle.riskPerTrade, maxPositions: cycle.maxPositions, account: inputs.account, correlations: correlations, tradable: security?.tradable ?? false,
            shortable: security?.shortable ?? false, supervised: cycle.sessionMode == .supervised, now: context.now, session: session,
            marketPrice: inputs.marketPrice(symbol, side: input.proposal.side), entryStyle: .breakout)
        let outcome: DeciderRunner.Outcome<Risk>
        do {
            outcome = try await system.runner.run(Risk.self, desk.stream(date), context: context) { _ in .evaluate(evaluation) }
        } catch let refusal as any CommandRefusal {
            throw refusal.asApplicationError
        }
        for e in outcome.events {
            if case .approved(let a) = e { return .approved(a) }
            if case .denied(let d) = e { return .denied(d) }
        }
        return .none
    }

    /// The approval event recorded for an id (for placing a supervised order after its grant).
    public func approval(_ id: ApprovalID, on date: NYDate) async throws -> Risk.Approved? {
        for e in try await system.log.events(.risk(account: system.account, date: date)) {
            if case .risk(.approved(let a)) = e, a.approvalID == id { return a }
        }
        return nil
    }
}
