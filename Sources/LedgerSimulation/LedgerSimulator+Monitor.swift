import Domain
import Foundation

/// The position monitor: marks every open position on its tick (position stream and risk day in one
/// batch), sometimes tightens a stop, and at 15:45 takes the book flat: unfilled entries are canceled
/// (or expire) and released, live legs are canceled, and each open position is exited with a market
/// order (or, rarely, found already gone at the broker by reconciliation).
extension LedgerSimulator {
    mutating func markPositions() throws {
        let held = positions.keys.sorted().filter { positions[$0]?.open != nil }
        guard !held.isEmpty else { return }
        correlation = rng.uuid()
        actor = .system
        let at = tick()
        for symbol in held {
            var state = positions[symbol]!
            try recorder.decide(Position.self, .mark(price(symbol), at: at), &state, on: Position.stream(account: options.account, symbol: symbol), "mark")
            positions[symbol] = state
        }
        try recorder.decide(Risk.self, .recordMarks(held.map { SymbolPrice($0, price($0)) }, at: at), &risk, on: riskStream, "marks")
        commit()
        for symbol in held { try maybeTightenStop(symbol) }
    }

    /// Moves the stop to break-even once a position is in profit (once per position).
    private mutating func maybeTightenStop(_ symbol: Symbol) throws {
        guard var state = positions[symbol], let open = state.open, !protected.contains(open.positionID),
            let mark = open.lastMark, let average = open.net.averagePrice, rng.chance(options.protectionChangeChance)
        else { return }
        let entry = Price(average.value < 0 ? -average.value : average.value).roundedToTick(.nearest)
        let inProfit = open.side == .long ? mark > entry : mark < entry
        guard inProfit else { return }
        protected.insert(open.positionID)
        try recorder.decide(Position.self, .updateProtection(stop: entry, target: open.target, by: .system, at: tick()), &state,
            on: Position.stream(account: options.account, symbol: symbol), "protect")
        positions[symbol] = state
        commit()
    }

    /// 15:45: cancel what has not filled, then exit everything still open.
    mutating func closeTheDay() throws {
        actor = .system
        for id in working {
            guard let order = orders[id], order.isWorking, order.kind == .entry else { continue }
            correlation = order.correlation
            let expire = rng.chance(0.3)
            try cancelByRequest(id, reason: "entry not filled before the cutoff", expire: expire)
            // Legs of an entry that never completed die with it.
            for legID in order.legs {
                guard var leg = orders[legID] else { continue }
                try cancelAtBroker(&leg, reason: "parent canceled")
                orders[legID] = leg
            }
            if let approval = order.record.approvalID, risk.pending[approval] != nil {
                try recorder.decide(Risk.self, .releaseApproval(approval, reason: expire ? .orderExpired : .orderCanceled, at: tick()), &risk, on: riskStream, "release")
            }
            commit()
        }
        pruneWorking()
        for symbol in positions.keys.sorted() {
            guard let open = positions[symbol]?.open else { continue }
            try exit(symbol, open)
        }
        pruneWorking()
    }

    private mutating func exit(_ symbol: Symbol, _ open: Position.Open) throws {
        correlation = rng.uuid()
        actor = .system
        let positionStream = Position.stream(account: options.account, symbol: symbol)
        var state = positions[symbol]!
        try recorder.decide(Position.self, .requestExit(.endOfDay, by: .system, at: tick()), &state, on: positionStream, "request exit")
        positions[symbol] = state
        commit()
        // Live legs hold the shares: cancel them first (an exit with working legs is refused by the broker).
        for id in working {
            guard let leg = orders[id], leg.isWorking, case .leg = leg.kind, leg.symbol == symbol else { continue }
            try cancelByRequest(id, reason: "position exit")
            commit()
        }
        if rng.chance(options.phantomChance) {
            actor = Actor(.system, name: "reconciler")
            let evidence = BrokerEvidence(source: "GET /v2/positions/\(symbol)", fetchedAt: tick(), symbol: symbol, quantity: .zero, raw: #"{"code":40410000}"#)
            let broker = Position.BrokerPosition(
                account: options.account, symbol: symbol, quantity: .zero, averagePrice: nil, evidence: evidence,
                discrepancyID: DiscrepancyID(rawValue: "d-\(open.positionID)"), by: actor, at: tick())
            try recorder.decide(Position.self, .reconcile(broker), &state, on: positionStream, "reconcile")
            positions[symbol] = state
            commit()
            return
        }
        let id = OrderID(rawValue: "ord-x-\(open.positionID.rawValue)-\(rng.int(1...999_999))")
        var order = SimOrder(
            id: id, state: Order.initial, kind: .exit, symbol: symbol, sector: open.sector ?? sectors[symbol]!, brokerID: nextBrokerID(),
            correlation: correlation, placedAt: clock)
        let intent = OrderIntent(
            clientOrderID: ClientOrderID("x-\(open.positionID.rawValue.suffix(30))-\(rng.int(1...99_999))")!, symbol: symbol,
            positionSide: open.side, purpose: .exit, quantity: open.quantity, type: .market, timeInForce: .day)
        let exposure = Order.PositionExposure(positionID: open.positionID, symbol: symbol, side: open.side, quantity: open.quantity)
        try recorder.decide(Order.self, .request(Order.Request(orderID: id, intent: intent, authorization: .exit(exposure), cycleID: open.cycleID, positionID: open.positionID, at: tick())),
            &order.state, on: order.stream, "request exit order")
        commit()
        try recorder.decide(Order.self, .recordSubmitted(brokerOrderID: order.brokerID, brokerStatus: .accepted, at: tick()), &order.state, on: order.stream, "submit exit")
        commit()
        orders[id] = order
        try fill(id, quantity: open.quantity, price: price(symbol), exitReason: .endOfDay)
    }
}
