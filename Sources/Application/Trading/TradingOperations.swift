import Broker
import Domain
import EventStore
import Foundation

/// The manual commands of operators, the API and Doctor/Claude over MCP: a supervised trade through
/// risk, closing or protecting a position, emergency stop and the human resume.
public struct TradingOperations: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public struct TradeRequest: Sendable, Hashable, Codable {
        public var symbol: String
        public var side: String
        public var quantity: Decimal?
        public var entry: Decimal
        public var stop: Decimal
        public var target: Decimal
        public var pattern: String?
        public var confidence: Decimal?

        public init(symbol: String, side: String, quantity: Decimal?, entry: Decimal, stop: Decimal, target: Decimal, pattern: String? = nil, confidence: Decimal? = nil) {
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.entry = entry
            self.stop = stop
            self.target = target
            self.pattern = pattern
            self.confidence = confidence
        }
    }

    public enum TradeOutcome: Sendable {
        /// Approved and placed (a human operator asked).
        case placed(Order.Record)
        /// Approved; waiting for a human grant (any other actor asked).
        case awaitingApproval(ApprovalID)
        case denied([String])
    }

    /// ExecuteTrade: the same risk rules as a cycle's signals. Only a human principal's request, when the
    /// front end says it may place trades (`placeAtOnce`), is placed at once; everyone else's (agents over
    /// MCP, services, Doctor) becomes a supervised approval that a human must grant.
    public func executeTrade(_ r: TradeRequest, placeAtOnce: Bool = false, context: CommandContext) async throws -> TradeOutcome {
        guard let symbol = Symbol(r.symbol) else { throw ApplicationError.invalid(field: "symbol", reason: "not a ticker: \(r.symbol)") }
        let side: PositionSide
        switch r.side.lowercased() {
        case "long", "buy": side = .long
        case "short", "sell": side = .short
        default: throw ApplicationError.invalid(field: "side", reason: "must be long or short (buy or sell)")
        }
        for (name, v) in [("entry", r.entry), ("stop", r.stop), ("target", r.target)] where v <= 0 {
            throw ApplicationError.invalid(field: name, reason: "must be positive")
        }
        if let q = r.quantity, q <= 0 { throw ApplicationError.invalid(field: "quantity", reason: "must be positive") }
        if let c = r.confidence, c < 0 || c > 1 { throw ApplicationError.invalid(field: "confidence", reason: "must be within 0…1") }
        // A restart must not trade on a ledger that may have missed fills (the same gate as StartCycle).
        try system.gate.requireOpen()
        let now = context.now
        guard let session = try await system.market.clock(asOf: now).session else {
            throw ApplicationError.refused(code: "market_closed", message: "no trading session now")
        }
        let sector = try await system.securities.sector(of: symbol)
        let features = FeatureSnapshot(symbol: symbol, sector: sector, asOf: now, price: Price(r.entry), volume: 0, scoringVersion: "manual")
        let proposal = TradeProposal(
            symbol: symbol, side: side, entry: Price(r.entry), stop: Price(r.stop), target: Price(r.target),
            pattern: r.pattern.flatMap(PatternKind.init(rawValue:)), confidence: r.confidence ?? 1, compositeScore: 0, atr: nil, features: features)
        let approvalID = ApprovalID(rawValue: "man-\(context.commandID.lowercasedShort)")
        guard let client = ClientOrderID(OrderID.forApproval(approvalID).rawValue) else { throw ApplicationError.invalid(field: "client_order_id", reason: "too long") }
        let human = placeAtOnce && context.actor.isHuman
        let date = system.tradingDate(now)
        let desk = RiskDesk(system: system)
        let book = try await desk.ensureOpen(date, context: context.followUp(commandID: system.ids.uuid()))
        let inputs = try await RiskEvaluation(system: system).inputs(for: [symbol], held: book.heldSymbols, now: now)
        let security = try await system.securities.security(symbol)
        let evaluation = Risk.Evaluation(
            approvalID: approvalID, cycleID: nil, signalID: nil, proposal: proposal, entryType: system.configuration.entryType,
            timeInForce: system.configuration.entryTimeInForce, clientOrderID: client, requestedQuantity: r.quantity.map(Quantity.init),
            account: inputs.account, tradable: security?.tradable ?? false, shortable: security?.shortable ?? false, supervised: !human, now: now,
            session: session, marketPrice: inputs.marketPrice(symbol, side: side))
        let outcome: DeciderRunner.Outcome<Risk>
        do {
            outcome = try await system.runner.run(Risk.self, desk.stream(date), context: context) { _ in .evaluate(evaluation) }
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
        for e in outcome.events {
            if case .denied(let d) = e { return .denied(d.violations.map { "\($0.code.rawValue)" }) }
            if case .approved(let a) = e {
                if a.supervised {
                    try await ApprovalService(system: system).request(a, context: context.followUp(commandID: system.ids.uuid()))
                    return .awaitingApproval(a.approvalID)
                }
                return .placed(try await OrderPlacement(system: system).placeEntry(a, context: context.followUp(commandID: system.ids.uuid())))
            }
        }
        throw ApplicationError.refused(code: "already_decided", message: "this request was already decided")
    }

    /// Closes a position with a market order after cancelling its exit legs.
    public func closePosition(_ symbolText: String, reason: ExitReason = .manual, context: CommandContext) async throws -> Order.Record {
        guard let symbol = Symbol(symbolText) else { throw ApplicationError.invalid(field: "symbol", reason: "not a ticker: \(symbolText)") }
        let stream = StreamName.position(account: system.account, symbol: symbol)
        guard let open = try await system.log.load(Position.self, stream).state.open else { throw ApplicationError.notFound("open position in \(symbol)") }
        let now = context.now
        _ = try await system.runner.run(Position.self, stream, context: context) { _ in .requestExit(reason, by: context.actor, at: now) }
        return try await OrderPlacement(system: system).placeExit(
            symbol: symbol, side: open.side, quantity: open.quantity, positionID: open.positionID, reason: reason,
            context: context.followUp(commandID: system.ids.uuid()))
    }

    /// Moves a position's stop and/or target. The working exit legs are cancelled; the position monitor
    /// then enforces the new levels every minute (its fallback acts whenever no exit order is working).
    public func updatePosition(_ symbolText: String, stop: Decimal?, target: Decimal?, context: CommandContext) async throws -> Position.State {
        guard let symbol = Symbol(symbolText) else { throw ApplicationError.invalid(field: "symbol", reason: "not a ticker: \(symbolText)") }
        guard stop != nil || target != nil else { throw ApplicationError.invalid(field: "stop", reason: "give a stop, a target or both") }
        let stream = StreamName.position(account: system.account, symbol: symbol)
        let current = try await system.log.load(Position.self, stream).state
        guard let open = current.open else { throw ApplicationError.notFound("open position in \(symbol)") }
        let newStop = stop.map { Price($0).roundedToTick() } ?? open.stop
        let newTarget = target.map { Price($0).roundedToTick() } ?? open.target
        let now = context.now
        let outcome: DeciderRunner.Outcome<Position>
        do {
            outcome = try await system.runner.run(Position.self, stream, context: context) { _ in
                .updateProtection(stop: newStop, target: newTarget, by: context.actor, at: now)
            }
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
        try await OrderCancellation(system: system).cancelOpenExits(symbol: symbol, reason: "protection updated", context: context.followUp(commandID: system.ids.uuid()))
        return outcome.state
    }
}
