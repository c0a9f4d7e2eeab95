import Domain
import Foundation

/// One row of `risk_positions`: a symbol in the day's risk book (signed quantity and cost basis, as the
/// domain's `NetPosition`). A symbol that went flat keeps its row with quantity 0, so the day's realized
/// P&L per symbol stays visible.
struct RiskBookRow {
    var symbol: String
    var sector: String
    var net: NetPosition
    var mark: Price?
    var roundTripRealized: Decimal = 0
    var realizedPnL: Decimal = 0
    var fills = 0
    var carried = false

    static let table = "risk_positions"
    static let columns = [
        "stream_id", "symbol", "account", "trading_date", "sector", "quantity", "cost_basis", "mark", "exposure", "unrealized_pnl",
        "round_trip_realized", "realized_pnl", "fills", "carried",
    ]

    /// Exposure and unrealized P&L as `Risk.BookPosition` defines them.
    var exposure: Decimal {
        guard let price = mark ?? net.averagePrice else { return 0 }
        return net.quantity.magnitude.shares * price.value
    }
    var unrealized: Decimal { mark.map { net.unrealized(at: $0).amount } ?? 0 }

    func values(_ day: RiskDayRow) -> [String?] {
        let d = SQLText.decimal
        return [
            day.streamID, symbol, day.account, day.tradingDate, sector, net.quantity.description, net.costBasis.description, mark?.description,
            d(net.isFlat ? 0 : exposure), d(net.isFlat ? 0 : unrealized), d(roundTripRealized), d(realizedPnL), SQLText.int(fills),
            SQLText.bool(carried),
        ]
    }

    init(symbol: String, sector: String, net: NetPosition, mark: Price?) {
        self.symbol = symbol
        self.sector = sector
        self.net = net
        self.mark = mark
    }

    init?(_ r: TextRow) {
        guard let symbol = r.string("symbol"), let sector = r.string("sector"), let q = r.decimal("quantity"), let basis = r.decimal("cost_basis")
        else { return nil }
        self.symbol = symbol
        self.sector = sector
        net = NetPosition(quantity: Quantity(q), costBasis: Money(basis))
        mark = r.decimal("mark").map(Price.init)
        roundTripRealized = r.decimal("round_trip_realized") ?? 0
        realizedPnL = r.decimal("realized_pnl") ?? 0
        fills = r.int("fills") ?? 0
        carried = r.bool("carried")
    }
}

/// One row of `risk_pending`: an approved entry and how much of it is still unfilled.
struct RiskPendingRow {
    var approvalID: String
    var symbol: String
    var sector: String
    var side: String
    var approvedQty: Decimal
    var unfilledQty: Decimal
    var referencePrice: Decimal
    var status = "pending"  // pending | filled | released
    var releaseReason: String?
    var approvedAt: Date
    var releasedAt: Date?
    var cycleID: String?

    static let table = "risk_pending"
    static let columns = [
        "stream_id", "approval_id", "account", "trading_date", "symbol", "sector", "side", "approved_qty", "unfilled_qty", "reference_price",
        "pending_exposure", "status", "release_reason", "approved_at", "released_at", "cycle_id",
    ]

    var isPending: Bool { status == "pending" }
    var exposure: Decimal { unfilledQty * referencePrice }

    init(_ e: Risk.Approved) {
        approvalID = e.approvalID.rawValue
        symbol = e.intent.symbol.rawValue
        sector = e.sector.rawValue
        side = e.intent.positionSide.rawValue
        approvedQty = e.intent.quantity.shares
        unfilledQty = e.intent.quantity.shares
        referencePrice = e.assessment.referencePrice.value
        approvedAt = e.decidedAt
        cycleID = e.cycleID?.rawValue
    }

    func values(_ day: RiskDayRow) -> [String?] {
        let d = SQLText.decimal
        return [
            day.streamID, approvalID, day.account, day.tradingDate, symbol, sector, side, d(approvedQty), d(unfilledQty), d(referencePrice),
            d(isPending ? exposure : 0), status, releaseReason, SQLText.time(approvedAt), SQLText.time(releasedAt), cycleID,
        ]
    }

    init?(_ r: TextRow) {
        guard let id = r.string("approval_id"), let symbol = r.string("symbol"), let sector = r.string("sector"), let side = r.string("side"),
            let approved = r.decimal("approved_qty"), let unfilled = r.decimal("unfilled_qty"), let price = r.decimal("reference_price"),
            let status = r.string("status"), let at = r.date("approved_at")
        else { return nil }
        approvalID = id
        self.symbol = symbol
        self.sector = sector
        self.side = side
        approvedQty = approved
        unfilledQty = unfilled
        referencePrice = price
        self.status = status
        releaseReason = r.string("release_reason")
        approvedAt = at
        releasedAt = r.date("released_at")
        cycleID = r.string("cycle_id")
    }
}
