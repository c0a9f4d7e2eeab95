import Domain
import Foundation

/// Matching: between two `advance` calls each working order looks at the window's trading — the
/// feed's last price at the window's end and the range traded within it. A window in which the symbol
/// did not trade executes nothing, so every fill is at a price seen after the order arrived.
///
/// Fill prices, all at the window's end time:
/// - market: the last price ("the next price" after the order arrived), with adverse slippage;
/// - limit: if it was marketable when it arrived, it fills like a market order but never beyond its
///   limit; otherwise it rests and fills at its limit once the range reaches it (a gap through a
///   resting limit is not credited: minute data cannot tell);
/// - stop: triggered when the range reaches it, fills at the worse of the stop and the last price
///   (a gap through the stop fills at the gap), with slippage; a stop-limit then works as a limit;
/// - bracket legs: held until the entry fills completely, working from the next window; if the range
///   reaches both the take-profit and the stop-loss in one window, the stop-loss fills (the
///   conservative reading of an ambiguous bar).
/// A fill event fills the remaining quantity, except on `partialFillRate` of events, which fill a
/// random whole part of it; the rest is looked at again in the next window.
extension PaperBook {
    /// Moves the clock to `time` and returns the fills that happened on the way, oldest first.
    mutating func advance(to time: Date) -> [BrokerFill] {
        guard time > now else { return [] }
        let before = fills.count
        if let s = session {
            if !sessionClosed {
                let start = max(now, s.open)
                let end = min(time, s.close)
                if start < end {
                    startWaitingOrders(at: start)
                    match(after: start, through: end)
                }
                if time >= s.close {
                    now = s.close
                    expireDayOrders()
                    sessionClosed = true
                }
            }
        } else {
            match(after: now, through: time)
        }
        now = time
        return Array(fills[before...])
    }

    /// Starts a new regular session: orders accepted outside hours start working at its open, and
    /// `last_equity` becomes the equity now (the previous close).
    mutating func begin(_ next: PaperSession) {
        session = next
        sessionClosed = false
        lastEquity = equity
    }

    /// Orders accepted outside the session (and not held legs) start working at the open.
    private mutating func startWaitingOrders(at open: Date) {
        for i in orders.indices where orders[i].status == .accepted && orders[i].activeSince == nil && orders[i].parent == nil {
            orders[i].status = .new
            orders[i].activeSince = open
            orders[i].updatedAt = open
        }
    }

    private mutating func match(after start: Date, through end: Date) {
        now = end
        var groupsDone: Set<BrokerOrderID> = []
        for i in 0..<orders.count {
            guard orders[i].isWorking, let since = orders[i].activeSince, since <= start else { continue }
            if let parent = orders[i].parent {
                guard groupsDone.insert(parent).inserted else { continue }
                matchLegs(of: parent, after: start)
            } else {
                matchSingle(i, after: start)
            }
        }
    }

    private mutating func matchSingle(_ i: Int, after start: Date) {
        guard let (last, range) = prices(orders[i].symbol, after: start) else { return }
        let marketable = marketableOnArrival(i)
        orders[i].evaluations += 1
        if let price = executionPrice(i, last: last, range: range, marketable: marketable) {
            execute(i, quantity: drawQuantity(orders[i]), price: price)
        }
        // Immediate-or-cancel and fill-or-kill orders get one look.
        if orders[i].isOpen, orders[i].timeInForce == .ioc || orders[i].timeInForce == .fok { close(i, as: .canceled) }
    }

    /// One-cancels-other: at most one leg executes per window (the stop-loss when both could).
    private mutating func matchLegs(of parent: BrokerOrderID, after start: Date) {
        guard let p = orderIndex[parent] else { return }
        let legs = orders[p].legs.compactMap { orderIndex[$0] }.filter {
            orders[$0].isWorking && (orders[$0].activeSince ?? .distantFuture) <= start
        }
        guard let symbol = legs.first.map({ orders[$0].symbol }), let (last, range) = prices(symbol, after: start) else { return }
        var candidates: [(Int, Price)] = []
        for l in legs {
            let marketable = marketableOnArrival(l)
            orders[l].evaluations += 1
            if let price = executionPrice(l, last: last, range: range, marketable: marketable) { candidates.append((l, price)) }
        }
        let chosen = candidates.first { orders[$0.0].legRole == .stopLoss } ?? candidates.first
        guard let (l, price) = chosen else { return }
        execute(l, quantity: drawQuantity(orders[l]), price: price)
        settleGroup(p)
    }

    /// The window's last price and range; nil when the symbol did not trade in it.
    private func prices(_ symbol: Symbol, after start: Date) -> (Price, PaperPriceRange)? {
        guard let range = feed.range(symbol, after: start, through: now), let last = feed.lastPrice(symbol, at: now) else { return nil }
        return (last, range.including(last))
    }

    /// True on an order's first look when the price as it arrived (submission, the open, or its
    /// entry's fill for a leg) was already at or through its limit: it takes liquidity like a market
    /// order. Afterwards, or if it was not, it is a resting order.
    private func marketableOnArrival(_ i: Int) -> Bool {
        let o = orders[i]
        guard o.evaluations == 0, let since = o.activeSince, let limit = o.limitPrice, let arrival = feed.lastPrice(o.symbol, at: since) else {
            return false
        }
        return o.side == .buy ? arrival <= limit : arrival >= limit
    }

    /// The execution price of order `i` in this window, or nil if it does not execute. Arms a
    /// stop-limit whose stop was reached.
    private mutating func executionPrice(_ i: Int, last: Price, range: PaperPriceRange, marketable: Bool) -> Price? {
        let o = orders[i]
        let buy = o.side == .buy
        func reached(_ level: Price) -> Bool { buy ? range.high >= level : range.low <= level }
        func worse(_ a: Price, _ b: Price) -> Price { buy ? max(a, b) : min(a, b) }
        func better(_ a: Price, _ b: Price) -> Price { buy ? min(a, b) : max(a, b) }
        func limitFill(_ limit: Price, marketable: Bool) -> Price? {
            if marketable, buy ? last <= limit : last >= limit { return better(limit, slipped(last, o.side)) }
            return (buy ? range.low <= limit : range.high >= limit) ? limit : nil
        }
        switch o.type {
        case .market:
            return slipped(last, o.side)
        case .limit:
            guard let limit = o.limitPrice else { return nil }
            return limitFill(limit, marketable: marketable)
        case .stop:
            guard let stop = o.stopPrice, reached(stop) else { return nil }
            return slipped(worse(stop, last), o.side)
        case .stopLimit:
            guard let stop = o.stopPrice, let limit = o.limitPrice else { return nil }
            if o.stopTriggered { return limitFill(limit, marketable: false) }
            guard reached(stop) else { return nil }
            orders[i].stopTriggered = true
            let afterTrigger = worse(stop, last)
            return (buy ? afterTrigger <= limit : afterTrigger >= limit) ? better(limit, slipped(afterTrigger, o.side)) : nil
        case .trailingStop:
            return nil  // refused at submission (`IntentViolation.trailingStopNotSupported`)
        }
    }

    /// `price` moved against the taker by the configured basis points, kept to 4 decimals.
    func slipped(_ price: Price, _ side: OrderSide) -> Price {
        let factor = configuration.slippageBasisPoints / 10_000
        let moved = side == .buy ? price.value * (1 + factor) : price.value * (1 - factor)
        return Price(DecimalText.round(moved, scale: 4, side == .buy ? .up : .down))
    }

    /// The whole remainder, or on `partialFillRate` of fill events a random whole part of it.
    private func drawQuantity(_ o: PaperOrder) -> Quantity {
        let remaining = o.remaining
        guard o.timeInForce != .fok, remaining.isWhole, remaining.shares >= 2 else { return remaining }
        var random = PaperRandom(configuration.seed, 0x5041_5254, UInt64(o.sequence), UInt64(o.evaluations))  // "PART"
        guard random.unit() < configuration.partialFillRate else { return remaining }
        let whole = NSDecimalNumber(decimal: remaining.shares).intValue
        return Quantity(random.int(1...(whole - 1)))
    }

    /// Records one execution: the order, the position, the cash and the fills feed.
    private mutating func execute(_ i: Int, quantity: Quantity, price: Price) {
        orders[i].filledQuantity += quantity
        orders[i].filledNotional += quantity.shares * price.value
        orders[i].status = orders[i].remaining.isZero ? .filled : .partiallyFilled
        orders[i].updatedAt = now
        if orders[i].status == .filled { orders[i].filledAt = now }
        let o = orders[i]

        let (position, _) = position(o.symbol).applying(side: o.side, quantity: quantity, price: price)
        positions[o.symbol] = position.isFlat ? nil : position
        let value = Money(quantity.shares * price.value)
        cash += o.side == .buy ? -value : value

        let number = String(fills.count + 1)
        let run = configuration.incarnation == 0 ? "" : String(configuration.incarnation, radix: 16) + "-"
        // The start day is part of the id, as in order ids: a paper broker per simulated day must not hand out
        // yesterday's execution ids, or a position stream that saw one would take today's fill as a retry.
        let day = String(max(0, Int(configuration.start.timeIntervalSince1970 / 86_400)), radix: 16)
        let execution = ExecutionID(rawValue: "paper-exec-" + day + "-" + run + String(repeating: "0", count: max(0, 8 - number.count)) + number)
        fillIndex[execution] = fills.count
        fills.append(
            BrokerFill(
                executionID: execution, brokerOrderID: o.id, clientOrderID: o.clientOrderID, symbol: o.symbol, side: o.side,
                quantity: quantity, price: price, cumulativeQuantity: o.filledQuantity, leavesQuantity: o.remaining, transactionTime: now))

        // A completely filled entry activates its legs: the take-profit works (`new`), the stop-loss
        // waits for its trigger (`held`), as Alpaca shows them (docs/alpaca.md §Orders).
        if o.status == .filled {
            for legID in o.legs {
                guard let l = orderIndex[legID], orders[l].isOpen else { continue }
                orders[l].activeSince = now
                orders[l].updatedAt = now
                orders[l].status = orders[l].legRole == .takeProfit ? .new : .held
            }
        }
    }

    /// After a leg executed: the group's unexited quantity is the entry's fill less every leg's fills.
    /// Zero cancels the other legs; otherwise they shrink to it (Alpaca adjusts the stop-loss to the
    /// take-profit's remainder).
    private mutating func settleGroup(_ p: Int) {
        let parent = orders[p].id
        let exited = orders.reduce(Quantity.zero) { $1.parent == parent ? $0 + $1.filledQuantity : $0 }
        let left = orders[p].filledQuantity - exited
        for legID in orders[p].legs {
            guard let l = orderIndex[legID], orders[l].isOpen else { continue }
            if left.isPositive {
                orders[l].quantity = orders[l].filledQuantity + left
            } else {
                close(l, as: .canceled)
            }
        }
    }

    /// At the close every open `day` order expires; held legs of an entry that never filled
    /// completely are canceled with it.
    private mutating func expireDayOrders() {
        for i in orders.indices where orders[i].isOpen && orders[i].timeInForce == .day {
            if let p = orders[i].parent.flatMap({ orderIndex[$0] }), orders[p].status != .filled {
                close(i, as: .canceled)
            } else {
                close(i, as: .expired)
            }
        }
    }
}
