import Broker
import Domain
import EventStore
import Foundation
import MarketData
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
        /// The candidates' security facts (tradable, shortable) as read for the decision.
        public var securities: [Symbol: Security] = [:]
        /// The hash of the captured market data above, when it was captured.
        public var marketDataHash: String?

        public init(
            account: AccountSnapshot, dailyBars: [Symbol: [Bar]], snapshots: [Symbol: MarketSnapshot] = [:], securities: [Symbol: Security] = [:],
            marketDataHash: String? = nil
        ) {
            self.account = account
            self.dailyBars = dailyBars
            self.snapshots = snapshots
            self.securities = securities
            self.marketDataHash = marketDataHash
        }

        /// A captured risk recording with the account the decision recorded (`catalyst session replay`).
        public init(recording: MarketRecording, account: AccountSnapshot, hash: String) {
            self.init(
                account: account, dailyBars: recording.dailyBars, snapshots: recording.snapshots, securities: recording.securities,
                marketDataHash: hash)
        }

        /// The price an entry of `side` would meet now: the ask for a buy, the bid for a sell, else the last.
        public func marketPrice(_ symbol: Symbol, side: PositionSide) -> Price? {
            guard let s = snapshots[symbol] else { return nil }
            return (side == .long ? s.ask : s.bid) ?? s.lastPrice
        }
    }

    /// Reads the broker's account, the symbols' and held symbols' daily bars, the candidates' quotes and
    /// security facts. With capture on, the market data read here is stored and its hash goes with every
    /// decision made on it.
    func inputs(for symbols: [Symbol], held: [Symbol], now: Date, session: TradingSession? = nil) async throws -> Inputs {
        let account: AccountSnapshot
        do { account = try await system.broker.account() } catch {
            throw ApplicationError.unavailable("broker account: \(error)", retryable: error.isRetryable)
        }
        let recorder = system.capture.map { _ in MarketRecorder(system.market, kind: .risk, asOf: now, session: session) }
        let market: any MarketDataSource = recorder ?? system.market
        let all = Array(Set(symbols + held))
        let bars = try await market.dailyBars(for: all, from: NYDate(now).adding(days: -45), asOf: now)
        let snapshots = try await market.snapshots(for: symbols, asOf: now)
        var securities: [Symbol: Security] = [:]
        for symbol in Set(symbols) {
            guard let security = try await system.securities.security(symbol) else { continue }
            securities[symbol] = security
            recorder?.note(security)
        }
        var inputs = Inputs(account: account, dailyBars: bars, snapshots: snapshots, securities: securities)
        if let recorder { inputs.marketDataHash = system.storeCapture(recorder.recording, day: NYDate(now)) }
        return inputs
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
        if let given { inputs = given } else { inputs = try await self.inputs(for: [symbol], held: held, now: context.now, session: session) }
        let security: Security?
        if let known = inputs.securities[symbol] { security = known } else { security = try await system.securities.security(symbol) }
        let evaluation = try Self.evaluation(
            input, cycle: cycle, session: session, inputs: inputs, security: security, held: held, configuration: system.configuration, now: context.now)
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

    /// The evaluation of one signal: pure, from the cycle, the inputs and the symbols held. The live
    /// decision and its replay (`SessionReplay`) both build it here.
    public static func evaluation(
        _ input: Cycle.SignalInput, cycle: Cycle.State, session: TradingSession, inputs: Inputs, security: Security?, held: [Symbol],
        configuration: TradingConfiguration, now: Date
    ) throws -> Risk.Evaluation {
        let symbol = input.proposal.symbol
        let correlations = held.filter { $0 != symbol }.compactMap { other -> SymbolCorrelation? in
            guard let c = ReturnCorrelation.of(inputs.dailyBars[symbol] ?? [], inputs.dailyBars[other] ?? []), c.isFinite,
                let exact = Decimal(string: String(format: "%.6f", c))
            else { return nil }
            return SymbolCorrelation(symbol: other, correlation: DecimalValue(exact))
        }
        let approvalID = ApprovalID(rawValue: input.signalID.rawValue)
        guard let client = ClientOrderID(OrderID.forApproval(approvalID).rawValue) else {
            throw ApplicationError.invalid(field: "client_order_id", reason: "derived id longer than 48 characters")
        }
        return Risk.Evaluation(
            approvalID: approvalID, cycleID: cycle.cycleID, signalID: input.signalID, proposal: input.proposal,
            entryType: configuration.entryType, timeInForce: configuration.entryTimeInForce, clientOrderID: client,
            riskPerTrade: cycle.riskPerTrade, maxPositions: cycle.maxPositions, account: inputs.account, correlations: correlations,
            tradable: security?.tradable ?? false, shortable: security?.shortable ?? false, supervised: cycle.sessionMode == .supervised, now: now,
            session: session, marketPrice: inputs.marketPrice(symbol, side: input.proposal.side), entryStyle: .breakout,
            marketDataHash: inputs.marketDataHash)
    }

    /// The approval event recorded for an id (for placing a supervised order after its grant).
    public func approval(_ id: ApprovalID, on date: NYDate) async throws -> Risk.Approved? {
        for e in try await system.log.events(.risk(account: system.account, date: date)) {
            if case .risk(.approved(let a)) = e, a.approvalID == id { return a }
        }
        return nil
    }
}
