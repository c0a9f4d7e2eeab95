import Foundation

/// The test's remote control: what the market and the broker do to orders, and what exists at the
/// broker without our knowledge (docs/alpaca.md §Changes made outside our system).
extension FakeTradingState {
    /// Executes `quantity` (default: all that is left) of an order at `price`, at the fake's clock:
    /// one activity with a new execution id, the order's cumulative quantity and average price, the
    /// position and the cash. A completely filled bracket entry activates its legs (take-profit
    /// `new`, stop-loss `held`); a leg's fill shrinks or cancels its sibling. Filling an order in
    /// `pending_cancel` is the cancel that came too late.
    @discardableResult
    public func fill(_ orderID: String, quantity: Decimal? = nil, price: Decimal) throws(FakeScriptError) -> FakeFill {
        try book.withLock { (b: inout Book) throws(FakeScriptError) -> FakeFill in
            guard let i = b.index(of: orderID) else { throw FakeScriptError(message: "no order \(orderID)") }
            let o = b.orders[i]
            guard o.isOpen else { throw FakeScriptError(message: "order \(orderID) is \(o.status)") }
            if let parent = o.parentID, let p = b.index(of: parent), b.orders[p].status != "filled" {
                throw FakeScriptError(message: "leg \(orderID) is held until its entry fills")
            }
            let q = quantity ?? o.remaining
            guard q > 0, q <= o.remaining else { throw FakeScriptError(message: "cannot fill \(q) of \(o.remaining) left") }

            b.orders[i].filledQuantity += q
            b.orders[i].filledNotional += q * price
            let complete = b.orders[i].remaining == 0
            if b.orders[i].isOpen { b.orders[i].status = complete ? "filled" : "partially_filled" }
            b.orders[i].updatedAt = b.now
            if complete { b.orders[i].filledAt = b.now }

            var position = b.positions[o.symbol] ?? FakePosition(symbol: o.symbol, quantity: 0, costBasis: 0)
            position.apply(side: o.side, quantity: q, price: price)
            b.positions[o.symbol] = position.quantity == 0 ? nil : position
            b.cash += o.side == "buy" ? -q * price : q * price

            let fill = FakeFill(
                id: Self.activityID(b.now, b.nextUUID()), orderID: o.id, symbol: o.symbol, side: o.side, quantity: q, price: price,
                cumulativeQuantity: b.orders[i].filledQuantity, leavesQuantity: b.orders[i].remaining, orderStatus: b.orders[i].status,
                time: b.now)
            b.fills.append(fill)

            if complete {
                for leg in o.legIDs {
                    guard let l = b.index(of: leg), b.orders[l].isOpen else { continue }
                    b.orders[l].status = b.orders[l].legRole == "take_profit" ? "new" : "held"
                    b.orders[l].updatedAt = b.now
                }
            }
            if let parent = o.parentID, let p = b.index(of: parent) { Self.settleGroup(&b, parent: p) }
            return fill
        }
    }

    /// After a leg executed: what is left to exit is the entry's fill less every leg's fills.
    static func settleGroup(_ b: inout Book, parent p: Int) {
        let parentID = b.orders[p].id
        let exited = b.orders.reduce(Decimal(0)) { $1.parentID == parentID ? $0 + $1.filledQuantity : $0 }
        let left = b.orders[p].filledQuantity - exited
        for leg in b.orders[p].legIDs {
            guard let l = b.index(of: leg), b.orders[l].isOpen else { continue }
            if left > 0 {
                b.orders[l].quantity = b.orders[l].filledQuantity + left
            } else {
                b.orders[l].status = "canceled"
                b.orders[l].canceledAt = b.now
                b.orders[l].updatedAt = b.now
            }
        }
    }

    /// The broker rejects an order after accepting it (status `rejected`, `failed_at`).
    public func reject(_ orderID: String) throws(FakeScriptError) {
        try book.withLock { (b: inout Book) throws(FakeScriptError) in
            guard let i = b.index(of: orderID), b.orders[i].isOpen else { throw FakeScriptError(message: "no open order \(orderID)") }
            b.orders[i].status = "rejected"
            b.orders[i].failedAt = b.now
            b.orders[i].updatedAt = b.now
        }
    }

    /// The broker cancels an order (confirming a `pending_cancel`, or on its own), with its group.
    public func confirmCancel(_ orderID: String) throws(FakeScriptError) {
        try book.withLock { (b: inout Book) throws(FakeScriptError) in
            guard let i = b.index(of: orderID), b.orders[i].isOpen else { throw FakeScriptError(message: "no open order \(orderID)") }
            Self.cancelGroup(&b, i)
        }
    }

    /// The close: every open `day` order expires; held legs of entries that never filled are canceled.
    public func expireDayOrders() {
        book.withLock { b in
            for i in b.orders.indices where b.orders[i].isOpen && b.orders[i].timeInForce == "day" {
                let entryFilled = b.orders[i].parentID.flatMap { b.index(of: $0) }.map { b.orders[$0].status == "filled" } ?? true
                b.orders[i].status = entryFilled ? "expired" : "canceled"
                if entryFilled { b.orders[i].expiredAt = b.now } else { b.orders[i].canceledAt = b.now }
                b.orders[i].updatedAt = b.now
            }
            b.lastEquity = b.equity
        }
    }

    /// The open: orders `accepted` outside hours (see `FakeTradingBehavior.initialStatus`) are routed
    /// and become `new`.
    public func routeAcceptedOrders() {
        book.withLock { b in
            for i in b.orders.indices where b.orders[i].status == "accepted" {
                b.orders[i].status = "new"
                b.orders[i].updatedAt = b.now
            }
        }
    }

    /// An order that exists at the broker but was not placed through this API (another app, the
    /// dashboard). Returns its id.
    @discardableResult
    public func addExternalOrder(
        symbol: String, side: String, quantity: Decimal, type: String = "limit", limitPrice: Decimal? = nil, timeInForce: String = "day",
        status: String = "new", clientOrderID: String? = nil
    ) -> String {
        book.withLock { b in
            let id = b.nextUUID()
            var o = FakeOrder(
                id: id, clientOrderID: clientOrderID ?? b.nextUUID(), symbol: symbol.uppercased(), side: side, type: type,
                timeInForce: timeInForce, orderClass: "simple", quantity: quantity, limitPrice: limitPrice, status: status,
                createdAt: b.now, updatedAt: b.now)
            o.external = true
            b.orders.append(o)
            return id
        }
    }

    /// A position that exists at the broker without any order of ours (signed: negative = short).
    public func setExternalPosition(symbol: String, quantity: Decimal, averagePrice: Decimal) {
        book.withLock { b in
            let s = symbol.uppercased()
            b.positions[s] = quantity == 0 ? nil : FakePosition(symbol: s, quantity: quantity, costBasis: quantity * averagePrice)
        }
    }

    /// A position closed outside our system (manual close at the broker): it disappears, its value
    /// goes to cash at the mark.
    public func closePositionExternally(_ symbol: String) {
        book.withLock { b in
            let s = symbol.uppercased()
            guard let p = b.positions[s] else { return }
            b.cash += p.quantity * (b.mark(s) ?? p.averageEntryPrice)
            b.positions[s] = nil
        }
    }

    /// Alpaca's activity id: the transaction time to the millisecond, `::`, a UUID.
    static func activityID(_ time: Date, _ uuid: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: time)
        let stamp = String(
            format: "%04d%02d%02d%02d%02d%02d%03d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, (c.nanosecond ?? 0) / 1_000_000)
        return stamp + "::" + uuid
    }
}
