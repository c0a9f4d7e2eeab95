import Domain
import Foundation
import LedgerSimulation

/// An exact, hand-written history for focused tests, made of decisions (never hand-written JSON):
/// every event comes out of a decider, so the scenario is valid by construction.
struct Scenario {
    var r = DecisionRecorder(seed: 11)
    let account = AccountID(rawValue: "paper")
    var day = NYDate("2026-03-02")!
    var risk = Risk.initial
    var cycles: [CycleID: Cycle.State] = [:]
    var orders: [OrderID: Order.State] = [:]
    var positions: [Symbol: Position.State] = [:]
    var parameters: RiskParameters = {
        var p = RiskParameters.conservative
        p.allowShortSelling = true
        return p
    }()

    func at(_ hour: Int, _ minute: Int, _ second: Int = 0) -> Date { day.at(hour: hour, minute: minute, second: second) }
    var riskStream: StreamName { Risk.stream(account: account, date: day) }
    static func sym(_ s: String) -> Symbol { Symbol(s)! }

    mutating func openDay(equity: Decimal = 100_000, at: Date? = nil) throws {
        let open = Risk.OpenDay.following(risk, account: account, date: day, at: at ?? self.at(9, 0), parameters: parameters, startingEquity: Money(equity))
        risk = Risk.initial
        try r.decide(Risk.self, .openDay(open), &risk, on: riskStream)
        r.commit()
    }

    mutating func startCycle(_ key: String, at: Date) throws -> CycleID {
        let id = CycleID.forIdempotencyKey(key)
        var s = Cycle.initial
        let session = TradingSession.regular(day)
        let start = Cycle.Start(
            cycleID: id, idempotencyKey: key, mode: .normal, sessionMode: .autonomous, requestedBy: Actor(.cron, name: key), configHash: "cfg",
            funnel: FunnelSizes(universe: 10, catalyst: 6, technical: 4, pattern: 3, final: 2), now: at,
            calendar: MarketClock(timestamp: at, isOpen: true, nextOpen: day.adding(days: 1).at(hour: 9, minute: 30), nextClose: session.close, session: session),
            halt: risk.halt)
        try r.decide(Cycle.self, .start(start), &s, on: Cycle.stream(id))
        r.commit()
        cycles[id] = s
        return id
    }

    static func features(_ symbol: String, price: Decimal, composite: Decimal, at: Date) -> FeatureSnapshot {
        FeatureSnapshot(
            symbol: sym(symbol), sector: .informationTechnology, asOf: at, price: Price(price), volume: 1_000_000, relativeVolume: 2,
            indicators: IndicatorValues(rsi14: 55, atr14: price / 100), scores: ScoreComponents(
                catalyst: composite, technical: composite, pattern: composite, momentum: composite, volume: composite, composite: composite),
            scoringVersion: "t-1")
    }

    /// A scan: `finalists` reach the final cut in order, `dropped` are stage-1 survivors dropped at the
    /// technical stage, `rejected` are stage-1 drops.
    mutating func scan(_ id: CycleID, finalists: [(String, Decimal)], dropped: [String] = [], rejected: [String] = [], at: Date) throws {
        var candidates: [CandidateEvaluation] = []
        for (i, f) in finalists.enumerated() {
            candidates.append(CandidateEvaluation(features: Self.features(f.0, price: f.1, composite: Decimal(90 - i) / 100, at: at), stageReached: .final, finalRank: i + 1))
        }
        for (i, d) in dropped.enumerated() {
            candidates.append(
                CandidateEvaluation(
                    features: Self.features(d, price: 20, composite: Decimal(30 - i) / 100, at: at), stageReached: .catalyst,
                    rejection: FunnelRejection(stage: .technical, reason: "rsi_out_of_band", detail: "RSI 81")))
        }
        let report = Cycle.ScanReport(
            completedAt: at, universeSize: candidates.count + rejected.count, candidates: candidates,
            universeRejections: rejected.map { UniverseRejection(symbol: Self.sym($0), reason: "price_out_of_range") },
            stageCounts: [StageCount(stage: .universe, passed: candidates.count), StageCount(stage: .final, passed: finalists.count)],
            scoringVersion: "t-1", dataAsOf: at)
        try r.decide(Cycle.self, .recordScan(report), &cycles[id]!, on: Cycle.stream(id))
        try r.decide(Cycle.self, .completeStage(.scan, at: at, itemCount: candidates.count), &cycles[id]!, on: Cycle.stream(id))
        r.commit()
    }

    /// A long proposal at `price` (stop 2.5 %, target 5 %); `bad` makes reward/risk 0.8.
    static func proposal(_ symbol: String, price: Decimal, side: PositionSide = .long, bad: Bool = false, at: Date) -> TradeProposal {
        let sign: Decimal = side == .long ? 1 : -1
        let atr = price / 100
        return TradeProposal(
            symbol: sym(symbol), side: side, entry: Price(price), stop: Price(price - sign * atr * Decimal(string: "2.5")!),
            target: Price(price + sign * atr * (bad ? 2 : 5)), pattern: .bullFlag, confidence: Decimal(string: "0.8")!,
            compositeScore: Decimal(string: "0.8")!, atr: atr, features: features(symbol, price: price, composite: Decimal(string: "0.8")!, at: at))
    }

    mutating func signal(_ id: CycleID, rank: Int, _ proposal: TradeProposal, at: Date) throws {
        try r.decide(Cycle.self, .recordSignals([Cycle.SignalInput(signalID: SignalID(rawValue: "sig-\(rank)"), rank: rank, proposal: proposal)], at: at),
            &cycles[id]!, on: Cycle.stream(id))
        r.commit()
    }

    /// A risk decision; returns the approval when approved.
    @discardableResult
    mutating func evaluate(_ approval: String, _ proposal: TradeProposal, cycle: CycleID?, qty: Int? = nil, at: Date) throws -> Risk.Approved? {
        let e = Risk.Evaluation(
            approvalID: ApprovalID(rawValue: approval), cycleID: cycle, signalID: nil, proposal: proposal, clientOrderID: ClientOrderID("c-\(approval)")!,
            requestedQuantity: qty.map(Quantity.init), account: AccountSnapshot(equity: Money(100_000), buyingPower: Money(200_000), asOf: at), shortable: true,
            now: at, session: .regular(day))
        let events = try r.decide(Risk.self, .evaluate(e), &risk, on: riskStream)
        r.commit()
        if case .approved(let a)? = events.first { return a }
        return nil
    }

    /// Requests the bracket entry and its legs and submits them (legs held). Returns the entry's id.
    mutating func placeBracket(_ a: Risk.Approved, cycle: CycleID?, at: Date) throws -> OrderID {
        let id = OrderID.forApproval(a.approvalID)
        var entry = Order.initial
        let requested = try r.decide(
            Order.self, .request(Order.Request(orderID: id, intent: a.intent, authorization: .approval(a), cycleID: cycle, at: at)), &entry,
            on: Order.stream(id))
        guard case .requested(let parent)? = requested.first else { throw TestFailure("no request") }
        for leg in Order.legRequests(for: parent, at: at) {
            var s = Order.initial
            try r.decide(Order.self, .request(leg), &s, on: Order.stream(leg.orderID))
            orders[leg.orderID] = s
        }
        r.commit()
        try r.decide(Order.self, .recordSubmitted(brokerOrderID: BrokerOrderID(rawValue: "b-\(id)"), brokerStatus: .accepted, at: at), &entry, on: Order.stream(id))
        for leg in parent.legs {
            try r.decide(Order.self, .recordSubmitted(brokerOrderID: BrokerOrderID(rawValue: "b-\(leg.orderID)"), brokerStatus: .held, at: at),
                &orders[leg.orderID]!, on: Order.stream(leg.orderID))
        }
        r.commit()
        orders[id] = entry
        return id
    }

    /// An exit order for `qty` of the open position (market, simple), submitted.
    mutating func placeExit(_ symbol: String, qty: Int, id: String, at: Date) throws -> OrderID {
        let open = positions[Self.sym(symbol)]!.open!
        let orderID = OrderID(rawValue: id)
        let intent = OrderIntent(
            clientOrderID: ClientOrderID("x-\(id)")!, symbol: Self.sym(symbol), positionSide: open.side, purpose: .exit, quantity: Quantity(qty), type: .market,
            timeInForce: .day)
        var s = Order.initial
        try r.decide(
            Order.self,
            .request(Order.Request(orderID: orderID, intent: intent, authorization: .exit(Order.PositionExposure(positionID: open.positionID, symbol: Self.sym(symbol), side: open.side, quantity: open.quantity)), cycleID: open.cycleID, positionID: open.positionID, at: at)),
            &s, on: Order.stream(orderID))
        try r.decide(Order.self, .recordSubmitted(brokerOrderID: BrokerOrderID(rawValue: "b-\(id)"), brokerStatus: .accepted, at: at), &s, on: Order.stream(orderID))
        r.commit()
        orders[orderID] = s
        return orderID
    }

    mutating func broker(_ id: OrderID, _ status: BrokerOrderStatus, at: Date, reason: String? = nil) throws {
        try r.decide(Order.self, .applyBrokerUpdate(Order.BrokerUpdate(status: status, at: at, reason: reason)), &orders[id]!, on: Order.stream(id))
        r.commit()
    }

    /// One execution: the order's fill, the position's change and the risk day's mirror, in one batch.
    mutating func fill(_ id: OrderID, qty: Decimal, price: Decimal, fee: Decimal = 0, exec: String, at: Date, exitReason: ExitReason? = nil) throws {
        let rec = orders[id]!.order!
        let remaining = rec.remainingQuantity.shares
        let update = Order.BrokerUpdate(
            status: qty == remaining ? .filled : .partiallyFilled, at: at,
            execution: Order.ExecutionReport(executionID: ExecutionID(rawValue: exec), quantity: Quantity(qty), price: Price(price), fee: Money(fee), at: at))
        let events = try r.decide(Order.self, .applyBrokerUpdate(update), &orders[id]!, on: Order.stream(id))
        let x: Order.Execution
        switch events.first {
        case .filled(let f)?: x = f.execution
        case .partiallyFilled(let f)?: x = f.execution
        default: throw TestFailure("no fill")
        }
        let symbol = rec.intent.symbol
        var p = positions[symbol] ?? Position.initial
        try r.decide(
            Position.self, .applyFill(Position.Fill(account: account, execution: x, order: orders[id]!.order!, exitReason: exitReason, sector: .informationTechnology)),
            &p, on: Position.stream(account: account, symbol: symbol))
        positions[symbol] = p
        try r.decide(
            Risk.self,
            .recordFill(Risk.FillRecorded(
                orderID: id, executionID: x.executionID, approvalID: rec.approvalID, symbol: symbol, sector: .informationTechnology, side: x.side,
                quantity: x.quantity, price: x.price, fee: x.fee, filledAt: at)),
            &risk, on: riskStream)
        r.commit()
    }

    mutating func mark(_ symbol: String, _ price: Decimal, at: Date) throws {
        let s = Self.sym(symbol)
        try r.decide(Position.self, .mark(Price(price), at: at), &positions[s]!, on: Position.stream(account: account, symbol: s))
        try r.decide(Risk.self, .recordMarks([SymbolPrice(s, Price(price))], at: at), &risk, on: riskStream)
        r.commit()
    }

    mutating func halt(by: Actor, at: Date) throws {
        try r.decide(Risk.self, .halt(.manual, by: by, at: at, detail: "test halt"), &risk, on: riskStream)
        r.commit()
    }

    mutating func resume(by: Actor, at: Date) throws {
        try r.decide(Risk.self, .resume(by: by, at: at, note: "ok"), &risk, on: riskStream)
        r.commit()
    }

    mutating func cycle(_ id: CycleID, _ command: Cycle.Command) throws {
        try r.decide(Cycle.self, command, &cycles[id]!, on: Cycle.stream(id))
        r.commit()
    }

    mutating func release(_ approval: String, reason: Risk.ReleaseReason, at: Date) throws {
        try r.decide(Risk.self, .releaseApproval(ApprovalID(rawValue: approval), reason: reason, at: at), &risk, on: riskStream)
        r.commit()
    }

    /// Every batch so far.
    mutating func batches() -> [SimulatedBatch] { r.takeBatches() }
}
