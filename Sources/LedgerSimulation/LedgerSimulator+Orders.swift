import Domain
import Foundation

/// Orders at the simulated broker: bracket entries with held legs, submissions (sometimes with an
/// unknown outcome resolved by lookup), rejections, replacements, partial and complete fills. A fill is
/// one batch across three streams, as the domain requires: the order's execution, the position's
/// change and the risk day's mirror of it.
extension LedgerSimulator {
    /// Requests and submits the bracket entry for an approval. Returns the number of orders requested.
    mutating func placeEntry(_ approval: Risk.Approved, cycle: CycleID) throws -> Int {
        let id = OrderID.forApproval(approval.approvalID)
        let symbol = approval.intent.symbol
        var entry = SimOrder(
            id: id, state: Order.initial, kind: .entry, symbol: symbol, sector: approval.sector, brokerID: nextBrokerID(), correlation: correlation,
            placedAt: clock)
        let requested = try recorder.decide(
            Order.self, .request(Order.Request(orderID: id, intent: approval.intent, authorization: .approval(approval), cycleID: cycle, at: tick())),
            &entry.state, on: entry.stream, "request entry")
        guard case .requested(let parent)? = requested.first else { throw SimulationError(description: "entry \(id) was not requested") }
        var legs: [SimOrder] = []
        for request in Order.legRequests(for: parent, at: tick()) {
            var leg = SimOrder(
                id: request.orderID, state: Order.initial, kind: .leg(request.intent.purpose == .takeProfit ? .takeProfit : .stopLoss), symbol: symbol,
                sector: approval.sector, brokerID: nextBrokerID(), correlation: correlation, placedAt: clock)
            try recorder.decide(Order.self, .request(request), &leg.state, on: leg.stream, "request leg")
            legs.append(leg)
        }
        commit()
        if legs.count == 2 {
            legs[0].sibling = legs[1].id
            legs[1].sibling = legs[0].id
        }
        entry.legs = legs.map(\.id)
        entry.splitFill = rng.chance(options.partialFillChance)

        // The broker's answer; legs wait in `held` until the entry fills.
        if rng.chance(options.submitUnknownChance) {
            try recorder.decide(Order.self, .recordSubmitOutcomeUnknown(reason: "timeout after 30 s", at: tick()), &entry.state, on: entry.stream, "unknown")
            commit()
            try recorder.decide(Order.self, .resolveOutcome(.found(entry.brokerID, .new), at: tick()), &entry.state, on: entry.stream, "resolve")
        } else {
            try recorder.decide(Order.self, .recordSubmitted(brokerOrderID: entry.brokerID, brokerStatus: .accepted, at: tick()), &entry.state, on: entry.stream, "submit")
        }
        for i in legs.indices {
            try recorder.decide(Order.self, .recordSubmitted(brokerOrderID: legs[i].brokerID, brokerStatus: .held, at: tick()), &legs[i].state, on: legs[i].stream, "submit leg")
        }
        commit()

        if rng.chance(options.brokerRejectChance) {
            let update = Order.BrokerUpdate(status: .rejected, brokerOrderID: entry.brokerID, at: tick(), reason: "insufficient day trading buying power")
            try recorder.decide(Order.self, .applyBrokerUpdate(update), &entry.state, on: entry.stream, "reject entry")
            for i in legs.indices { try cancelAtBroker(&legs[i], reason: "parent rejected") }
            try recorder.decide(Risk.self, .releaseApproval(approval.approvalID, reason: .orderRejected, at: tick()), &risk, on: riskStream, "release rejected")
            commit()
        } else {
            working.append(entry.id)
        }
        orders[entry.id] = entry
        for leg in legs { orders[leg.id] = leg }
        return 1 + legs.count
    }

    /// The broker reports the order canceled (no request from us: OCO siblings, legs of a dead parent).
    mutating func cancelAtBroker(_ order: inout SimOrder, reason: String) throws {
        guard order.isWorking else { return }
        let update = Order.BrokerUpdate(status: .canceled, brokerOrderID: order.brokerID, at: tick(), reason: reason)
        try recorder.decide(Order.self, .applyBrokerUpdate(update), &order.state, on: order.stream, "cancel \(order.id)")
    }

    /// We ask for a cancel, then the broker confirms it.
    mutating func cancelByRequest(_ id: OrderID, reason: String, expire: Bool = false) throws {
        guard var order = orders[id], order.isWorking else { return }
        if expire {
            let update = Order.BrokerUpdate(status: .expired, brokerOrderID: order.brokerID, at: tick())
            try recorder.decide(Order.self, .applyBrokerUpdate(update), &order.state, on: order.stream, "expire \(id)")
        } else {
            try recorder.decide(Order.self, .requestCancel(reason: reason, at: tick()), &order.state, on: order.stream, "request cancel \(id)")
            commit()
            if rng.chance(0.3) {
                let pending = Order.BrokerUpdate(status: .pendingCancel, brokerOrderID: order.brokerID, at: tick())
                try recorder.decide(Order.self, .applyBrokerUpdate(pending), &order.state, on: order.stream, "pending cancel \(id)")
                commit()
            }
            try cancelAtBroker(&order, reason: reason)
        }
        orders[id] = order
    }

    /// Each minute: working orders whose price was touched fill. Legs activated by a fill join the
    /// list and are looked at from the next minute on.
    mutating func fillWorkingOrders() throws {
        for id in working {
            guard let order = orders[id], order.isWorking, let price = fillPrice(order) else { continue }
            let remaining = order.record.remainingQuantity
            var quantity = remaining
            if order.splitFill, order.executions == 0, remaining.shares >= 2 {
                quantity = Quantity(DecimalText.round(remaining.shares * Decimal(string: "0.6")!, scale: 0, .down))
            }
            try fill(id, quantity: quantity, price: price)
        }
        pruneWorking()
    }

    mutating func pruneWorking() {
        var seen = Set<OrderID>()
        working = working.filter { orders[$0]?.isWorking == true && seen.insert($0).inserted }
    }

    /// The price at which a working order fills this minute, if the market touched it.
    func fillPrice(_ order: SimOrder) -> Price? {
        let r = order.record
        let market = price(order.symbol)
        let long = r.intent.positionSide == .long
        switch order.kind {
        case .exit:
            return r.status == .requested ? nil : market
        case .entry:
            guard [.accepted, .new, .partiallyFilled, .pendingNew].contains(r.status), let limit = r.intent.limitPrice else { return nil }
            return (long ? market <= limit : market >= limit) ? limit : nil
        case .leg(let role):
            guard r.status == .new else { return nil }
            switch role {
            case .takeProfit:
                guard let limit = r.intent.limitPrice else { return nil }
                return (long ? market >= limit : market <= limit) ? limit : nil
            case .stopLoss:
                guard let stop = r.intent.stopPrice else { return nil }
                return (long ? market <= stop : market >= stop) ? market : nil
            }
        }
    }

    /// One execution: order, position and risk day in one batch, then its consequences (legs go live
    /// when the entry completes; a leg's fill cancels its sibling).
    mutating func fill(_ id: OrderID, quantity: Quantity, price: Price, exitReason: ExitReason? = nil) throws {
        guard var order = orders[id] else { return }
        order.executions += 1
        correlation = order.correlation
        actor = .system
        let fee = rng.chance(options.feeChance) ? Money(Decimal(rng.int(1...150)) / 100) : .zero
        let at = tick()
        let report = Order.ExecutionReport(executionID: ExecutionID(rawValue: "x-\(order.brokerID)-\(order.executions)"), quantity: quantity, price: price, fee: fee, at: at)
        let update = Order.BrokerUpdate(
            status: quantity == order.record.remainingQuantity ? .filled : .partiallyFilled, brokerOrderID: order.brokerID, at: at,
            execution: report, brokerCumulativeQuantity: order.record.filledQuantity + quantity)
        let events = try recorder.decide(Order.self, .applyBrokerUpdate(update), &order.state, on: order.stream, "fill \(id)")
        let execution: Order.Execution
        switch events.first {
        case .filled(let f)?: execution = f.execution
        case .partiallyFilled(let f)?: execution = f.execution
        default: throw SimulationError(description: "fill of \(id) produced \(events)")
        }
        orders[id] = order
        var position = positions[order.symbol] ?? Position.initial
        let positionFill = Position.Fill(account: options.account, execution: execution, order: order.record, exitReason: exitReason, sector: order.sector)
        try recorder.decide(Position.self, .applyFill(positionFill), &position, on: Position.stream(account: options.account, symbol: order.symbol), "position fill")
        positions[order.symbol] = position
        let mirror = Risk.FillRecorded(
            orderID: id, executionID: execution.executionID, approvalID: order.record.approvalID, symbol: order.symbol, sector: order.sector,
            side: execution.side, quantity: execution.quantity, price: execution.price, fee: execution.fee, filledAt: execution.executedAt)
        try recorder.decide(Risk.self, .recordFill(mirror), &risk, on: riskStream, "risk fill")
        commit()
        if let cycle = order.record.cycleID { cycles[cycle]?.fills += 1 }

        guard order.record.status == .filled else { return }
        switch order.kind {
        case .entry:
            for legID in order.legs {
                guard var leg = orders[legID], leg.record.status == .held else { continue }
                let live = Order.BrokerUpdate(status: .new, brokerOrderID: leg.brokerID, at: tick())
                try recorder.decide(Order.self, .applyBrokerUpdate(live), &leg.state, on: leg.stream, "activate leg")
                orders[legID] = leg
                working.append(legID)
            }
            commit()
        case .leg:
            if let siblingID = order.sibling, var sibling = orders[siblingID] {
                try cancelAtBroker(&sibling, reason: "one-cancels-other")
                orders[siblingID] = sibling
                commit()
            }
        case .exit:
            break
        }
    }

    /// Now and then an entry that has not filled after 20 minutes is re-priced one ATR closer to the
    /// market, which never adds risk, so the original approval covers it.
    mutating func maybeReplaceEntries(minute: Int) throws {
        for id in working {
            guard let old = orders[id], old.kind == .entry, old.record.status == .accepted || old.record.status == .new,
                old.record.filledQuantity.isZero, old.record.replacesOrderID == nil, clock.timeIntervalSince(old.placedAt) >= 20 * 60,
                rng.chance(options.replaceChance), let limit = old.record.intent.limitPrice
            else { continue }
            let long = old.record.intent.positionSide == .long
            let step = max(Decimal(string: "0.01")!, DecimalText.round(limit.value / 200, scale: 2, .down))
            let newLimit = Price(long ? limit.value - step : limit.value + step)
            guard let stop = old.record.intent.stopLoss, long ? newLimit > stop : newLimit < stop else { continue }
            correlation = old.correlation
            actor = .system
            let newID = OrderID(rawValue: "\(id.rawValue)-r1")
            let coid = ClientOrderID("\(old.record.intent.clientOrderID?.rawValue ?? "c")-r1")!
            let decision: Order.ReplaceDecision
            do {
                decision = try Order.decideReplace(
                    Order.ReplaceRequest(newOrderID: newID, newClientOrderID: coid, changes: Order.ReplaceChanges(limitPrice: newLimit), at: tick()),
                    old.state)
            } catch {
                throw SimulationError(description: "replace of \(id) refused: \(error)")
            }
            var oldOrder = old
            var replacement = SimOrder(
                id: newID, state: Order.initial, kind: .entry, symbol: old.symbol, sector: old.sector, brokerID: nextBrokerID(),
                correlation: old.correlation, legs: old.legs, splitFill: old.splitFill, placedAt: clock)
            try record(decision.old, on: &oldOrder)
            try record(decision.new, on: &replacement)
            commit()
            try recorder.decide(Order.self, .applyBrokerUpdate(Order.BrokerUpdate(status: .pendingReplace, brokerOrderID: old.brokerID, at: tick())),
                &oldOrder.state, on: oldOrder.stream, "pending replace")
            commit()
            try recorder.decide(Order.self, .applyBrokerUpdate(Order.BrokerUpdate(
                status: .replaced, brokerOrderID: old.brokerID, at: tick(), replacedBy: newID, replacedByBrokerOrderID: replacement.brokerID)),
                &oldOrder.state, on: oldOrder.stream, "replaced")
            try recorder.decide(Order.self, .recordSubmitted(brokerOrderID: replacement.brokerID, brokerStatus: .new, at: tick()),
                &replacement.state, on: replacement.stream, "submit replacement")
            commit()
            orders[id] = oldOrder
            orders[newID] = replacement
            working.append(newID)
        }
    }

    /// Appends events another decision produced (a replace touches two streams) and folds them.
    private mutating func record(_ events: [Order.Event], on order: inout SimOrder) throws {
        order.state = Order.fold(events, from: order.state)
        recorder.record(events, on: order.stream)
    }
}
