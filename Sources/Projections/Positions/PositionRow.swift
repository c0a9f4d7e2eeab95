import Domain
import Foundation

/// One row of `positions`: a position from its opening fill to flat, with averages, realized P&L from
/// fills, unrealized P&L at the last price, the orders that moved it and why it closed.
struct PositionRow {
    var positionID: String
    var account: String
    var symbol: String
    var side: String
    var status: String  // open | closed
    /// Open quantity (positive; 0 once closed).
    var quantity: Decimal
    var maxQuantity: Decimal
    /// Positive: quantity × average entry.
    var costBasis: Decimal
    var avgEntryPrice: Decimal?
    var entryQty: Decimal = 0
    var entryNotional: Decimal = 0
    var exitQty: Decimal = 0
    var exitNotional: Decimal = 0
    var avgExitPrice: Decimal?
    var exitPrice: Decimal?
    var realizedPnL: Decimal = 0
    var fees: Decimal = 0
    /// False once a reconciliation adjustment changed the quantity without fills: P&L is then unknowable.
    var pnlComplete = true
    var unrealizedPnL: Decimal?
    /// The latest of the last mark and the last fill price: what unrealized P&L is measured at.
    var lastPrice: Decimal?
    var lastMarkPrice: Decimal?
    var lastMarkAt: Date?
    var highestPrice: Decimal?
    var lowestPrice: Decimal?
    var stopPrice: Decimal?
    var targetPrice: Decimal?
    var initialStop: Decimal?
    /// Σ |fill price − initial stop| × quantity over opening fills: the 1 R of this trade.
    var initialRisk: Decimal?
    var sector: String?
    var cycleID: String?
    var approvalID: String?
    var entryOrderID: String?
    var exitOrderID: String?
    var orderIDs: [String] = []
    var exitReason: String?
    var exitRequestedReason: String?
    var exitRequestedBy: String?
    var exitRequestedAt: Date?
    var adjusted = false
    var fillCount = 0
    var openedAt: Date
    var closedAt: Date?
    var updatedAt: Date
    var lastGlobalPosition: Int64 = 0

    init(id: String, account: String, symbol: String, side: PositionSide, openedAt: Date) {
        positionID = id
        self.account = account
        self.symbol = symbol
        self.side = side.rawValue
        status = "open"
        quantity = 0
        maxQuantity = 0
        costBasis = 0
        self.openedAt = openedAt
        updatedAt = openedAt
    }

    static let table = "positions"

    static let columns = [
        "position_id", "account", "symbol", "side", "status", "quantity", "max_quantity", "cost_basis", "avg_entry_price", "entry_qty",
        "entry_notional", "exit_qty", "exit_notional", "avg_exit_price", "exit_price", "realized_pnl", "fees", "pnl_complete",
        "unrealized_pnl", "last_price", "last_mark_price", "last_mark_at", "highest_price", "lowest_price", "stop_price", "target_price",
        "initial_stop", "initial_risk", "sector", "cycle_id", "approval_id", "entry_order_id", "exit_order_id", "order_ids", "exit_reason",
        "exit_requested_reason", "exit_requested_by", "exit_requested_at", "adjusted", "fill_count", "opened_at", "closed_at", "updated_at",
        "last_global_position",
    ]

    var values: [String?] {
        [
            positionID, account, symbol, side, status, SQLText.decimal(quantity), SQLText.decimal(maxQuantity), SQLText.decimal(costBasis),
            SQLText.decimal(avgEntryPrice), SQLText.decimal(entryQty),
            SQLText.decimal(entryNotional), SQLText.decimal(exitQty), SQLText.decimal(exitNotional), SQLText.decimal(avgExitPrice),
            SQLText.decimal(exitPrice), SQLText.decimal(realizedPnL), SQLText.decimal(fees), SQLText.bool(pnlComplete),
            SQLText.decimal(unrealizedPnL), SQLText.decimal(lastPrice), SQLText.decimal(lastMarkPrice), SQLText.time(lastMarkAt),
            SQLText.decimal(highestPrice), SQLText.decimal(lowestPrice), SQLText.decimal(stopPrice), SQLText.decimal(targetPrice),
            SQLText.decimal(initialStop), SQLText.decimal(initialRisk), sector, cycleID, approvalID, entryOrderID, exitOrderID,
            SQLText.jsonArray(orderIDs), exitReason,
            exitRequestedReason, exitRequestedBy, SQLText.time(exitRequestedAt), SQLText.bool(adjusted), SQLText.int(fillCount),
            SQLText.time(openedAt), SQLText.time(closedAt), SQLText.time(updatedAt),
            SQLText.int64(lastGlobalPosition),
        ]
    }

    init?(_ r: TextRow) {
        guard let id = r.string("position_id"), let account = r.string("account"), let symbol = r.string("symbol"), let side = r.string("side"),
            let status = r.string("status"), let quantity = r.decimal("quantity"), let openedAt = r.date("opened_at"),
            let updatedAt = r.date("updated_at")
        else { return nil }
        positionID = id
        self.account = account
        self.symbol = symbol
        self.side = side
        self.status = status
        self.quantity = quantity
        maxQuantity = r.decimal("max_quantity") ?? 0
        costBasis = r.decimal("cost_basis") ?? 0
        avgEntryPrice = r.decimal("avg_entry_price")
        entryQty = r.decimal("entry_qty") ?? 0
        entryNotional = r.decimal("entry_notional") ?? 0
        exitQty = r.decimal("exit_qty") ?? 0
        exitNotional = r.decimal("exit_notional") ?? 0
        avgExitPrice = r.decimal("avg_exit_price")
        exitPrice = r.decimal("exit_price")
        realizedPnL = r.decimal("realized_pnl") ?? 0
        fees = r.decimal("fees") ?? 0
        pnlComplete = r.bool("pnl_complete")
        unrealizedPnL = r.decimal("unrealized_pnl")
        lastPrice = r.decimal("last_price")
        lastMarkPrice = r.decimal("last_mark_price")
        lastMarkAt = r.date("last_mark_at")
        highestPrice = r.decimal("highest_price")
        lowestPrice = r.decimal("lowest_price")
        stopPrice = r.decimal("stop_price")
        targetPrice = r.decimal("target_price")
        initialStop = r.decimal("initial_stop")
        initialRisk = r.decimal("initial_risk")
        sector = r.string("sector")
        cycleID = r.string("cycle_id")
        approvalID = r.string("approval_id")
        entryOrderID = r.string("entry_order_id")
        exitOrderID = r.string("exit_order_id")
        orderIDs = r.stringArray("order_ids")
        exitReason = r.string("exit_reason")
        exitRequestedReason = r.string("exit_requested_reason")
        exitRequestedBy = r.string("exit_requested_by")
        exitRequestedAt = r.date("exit_requested_at")
        adjusted = r.bool("adjusted")
        fillCount = r.int("fill_count") ?? 0
        self.openedAt = openedAt
        closedAt = r.date("closed_at")
        self.updatedAt = updatedAt
        lastGlobalPosition = r.int64("last_global_position") ?? 0
    }
}
