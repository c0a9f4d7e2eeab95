import Domain
import Foundation

/// How each position event changes the row. Quantities and cost basis are taken from the events (the
/// domain's `NetPosition` arithmetic), realized P&L is the sum of what the fills realized net of fees,
/// and unrealized P&L is re-measured at the last price whenever the quantity or the price moves.
extension PositionRow {
    var sign: Decimal { side == PositionSide.short.rawValue ? -1 : 1 }

    static func opened(_ e: Position.Opened) -> PositionRow {
        var row = PositionRow(id: e.positionID.rawValue, account: e.account.rawValue, symbol: e.symbol.rawValue, side: e.side, openedAt: e.openedAt)
        row.sector = e.sector?.rawValue
        row.cycleID = e.cycleID?.rawValue
        row.approvalID = e.approvalID?.rawValue
        row.stopPrice = e.stop?.value
        row.targetPrice = e.target?.value
        row.initialStop = e.stop?.value
        row.initialRisk = e.stop.map { _ in 0 }
        row.entryOrderID = e.orderID.rawValue
        row.highestPrice = e.price.value
        row.lowestPrice = e.price.value
        row.addEntry(quantity: e.quantity.shares, price: e.price.value, fee: e.fee.amount, orderID: e.orderID)
        row.quantity = e.quantity.shares
        row.costBasis = e.costBasis.amount
        row.refresh()
        return row
    }

    static func adjustedOpen(_ e: Position.Adjusted) -> PositionRow {
        var row = PositionRow(
            id: e.positionID.rawValue, account: e.account.rawValue, symbol: e.symbol.rawValue, side: e.quantityAfter.isNegative ? .short : .long,
            openedAt: e.at)
        row.adjusted = true
        row.pnlComplete = false
        row.quantity = e.quantityAfter.magnitude.shares
        row.costBasis = e.costBasisAfter.amount
        row.refresh()
        row.highestPrice = row.avgEntryPrice
        row.lowestPrice = row.avgEntryPrice
        return row
    }

    mutating func apply(_ event: Position.Event, at position: Int64) {
        switch event {
        case .opened:
            return  // handled by `opened(_:)`: a position id is opened once
        case .increased(let e):
            addEntry(quantity: e.quantity.shares, price: e.price.value, fee: e.fee.amount, orderID: e.orderID)
            quantity = e.quantityAfter.shares
            costBasis = e.costBasis.amount
            touch(e.at)
        case .reduced(let e):
            addExit(quantity: e.quantity.shares, price: e.price.value, fee: e.fee.amount, realized: e.realizedPnL.amount, orderID: e.orderID)
            quantity = e.quantityAfter.shares
            costBasis = e.costBasis.amount
            touch(e.at)
        case .closed(let e):
            if let price = e.price {
                addExit(quantity: e.quantity.shares, price: price.value, fee: e.fee.amount, realized: e.realizedPnL.amount, orderID: e.orderID)
                exitPrice = price.value
            } else {
                fees += e.fee.amount
                realizedPnL += e.realizedPnL.amount
            }
            if e.totalRealizedPnL == nil { pnlComplete = false }
            exitOrderID = e.orderID?.rawValue
            exitReason = e.exitReason.rawValue
            status = "closed"
            quantity = 0
            costBasis = 0
            closedAt = e.closedAt
            touch(e.closedAt)
        case .marked(let e):
            lastMarkPrice = e.price.value
            lastMarkAt = e.at
            lastPrice = e.price.value
            highestPrice = e.highestPrice.value
            lowestPrice = e.lowestPrice.value
            touch(e.at)
        case .exitRequested(let e):
            exitRequestedReason = e.reason.rawValue
            exitRequestedBy = e.by.description
            exitRequestedAt = e.at
            touch(e.at)
        case .protectionChanged(let e):
            stopPrice = e.stop?.value
            targetPrice = e.target?.value
            touch(e.at)
        case .adjusted(let e):
            adjusted = true
            pnlComplete = false
            quantity = e.quantityAfter.magnitude.shares
            costBasis = e.costBasisAfter.amount
            touch(e.at)
        }
        lastGlobalPosition = position
    }

    private mutating func addEntry(quantity q: Decimal, price: Decimal, fee: Decimal, orderID: OrderID) {
        entryQty += q
        entryNotional += q * price
        fees += fee
        realizedPnL -= fee
        if let stop = initialStop, let risk = initialRisk { initialRisk = risk + abs(price - stop) * q }
        fill(price: price, orderID: orderID)
    }

    private mutating func addExit(quantity q: Decimal, price: Decimal, fee: Decimal, realized: Decimal, orderID: OrderID?) {
        exitQty += q
        exitNotional += q * price
        avgExitPrice = exitQty == 0 ? nil : DecimalText.round(exitNotional / exitQty, scale: 6, .plain)
        fees += fee
        realizedPnL += realized
        fill(price: price, orderID: orderID)
    }

    private mutating func fill(price: Decimal, orderID: OrderID?) {
        fillCount += 1
        lastPrice = price
        highestPrice = max(highestPrice ?? price, price)
        lowestPrice = min(lowestPrice ?? price, price)
        if let id = orderID?.rawValue, !orderIDs.contains(id) { orderIDs.append(id) }
    }

    private mutating func touch(_ at: Date) {
        updatedAt = at
        refresh()
    }

    /// Average entry, peak size and unrealized P&L after any change.
    mutating func refresh() {
        maxQuantity = max(maxQuantity, quantity)
        avgEntryPrice = quantity == 0 ? avgEntryPrice : DecimalText.round(costBasis / quantity, scale: 6, .plain)
        if status == "closed" {
            unrealizedPnL = 0
        } else if let price = lastPrice {
            unrealizedPnL = sign * (quantity * price - costBasis)
        } else {
            unrealizedPnL = nil
        }
    }
}

/// One row of `position_fills`: every fill (and reconciliation adjustment) as it changed a position.
enum PositionFillRow {
    static let table = "position_fills"
    static let columns = [
        "global_position", "position_id", "kind", "order_id", "execution_id", "quantity", "price", "fee", "realized_pnl", "quantity_after",
        "cost_basis_after", "at",
    ]

    static func values(_ event: Position.Event, position: Int64) -> [String?]? {
        switch event {
        case .opened(let e):
            [String(position), e.positionID.rawValue, "open", e.orderID.rawValue, e.executionID.rawValue, e.quantity.description,
             e.price.description, e.fee.description, (-e.fee).description, e.quantity.description, e.costBasis.description, SQLText.time(e.openedAt)]
        case .increased(let e):
            [String(position), e.positionID.rawValue, "increase", e.orderID.rawValue, e.executionID.rawValue, e.quantity.description,
             e.price.description, e.fee.description, (-e.fee).description, e.quantityAfter.description, e.costBasis.description, SQLText.time(e.at)]
        case .reduced(let e):
            [String(position), e.positionID.rawValue, "reduce", e.orderID.rawValue, e.executionID.rawValue, e.quantity.description,
             e.price.description, e.fee.description, e.realizedPnL.description, e.quantityAfter.description, e.costBasis.description,
             SQLText.time(e.at)]
        case .closed(let e):
            [String(position), e.positionID.rawValue, "close", e.orderID?.rawValue, e.executionID?.rawValue, e.quantity.description,
             e.price?.description, e.fee.description, e.realizedPnL.description, "0", "0", SQLText.time(e.closedAt)]
        case .adjusted(let e):
            [String(position), e.positionID.rawValue, "adjust", nil, nil, (e.quantityAfter - e.quantityBefore).description, nil, "0", "0",
             e.quantityAfter.magnitude.description, e.costBasisAfter.description, SQLText.time(e.at)]
        default:
            nil
        }
    }
}
