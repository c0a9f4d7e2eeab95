import Foundation

/// An order as the fake broker keeps it. Plain strings and decimals, in Alpaca's own spellings, so
/// the fake shares no types with the client it tests.
public struct FakeOrder: Sendable, Hashable {
    public var id: String
    public var clientOrderID: String
    public var symbol: String
    /// `buy` or `sell`.
    public var side: String
    /// `market`, `limit`, `stop`, `stop_limit`.
    public var type: String
    public var timeInForce: String
    /// `simple`, `bracket`, `oco`, `oto`.
    public var orderClass: String
    public var quantity: Decimal
    public var filledQuantity: Decimal = 0
    public var filledNotional: Decimal = 0
    public var limitPrice: Decimal?
    public var stopPrice: Decimal?
    /// Alpaca's status spelling (`new`, `held`, `partially_filled`, …).
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date
    public var filledAt: Date?
    public var canceledAt: Date?
    public var expiredAt: Date?
    public var failedAt: Date?
    public var replacedAt: Date?
    public var replacedBy: String?
    public var replaces: String?
    /// A bracket leg's entry order.
    public var parentID: String?
    /// `take_profit` or `stop_loss` for a leg.
    public var legRole: String?
    public var legIDs: [String] = []
    public var extendedHours = false
    /// Placed at the broker by someone else, not through this API.
    public var external = false

    public var remaining: Decimal { quantity - filledQuantity }
    public var isOpen: Bool { !FakeOrder.terminal.contains(status) }
    public var averagePrice: Decimal? { filledQuantity > 0 ? filledNotional / filledQuantity : nil }

    static let terminal: Set<String> = ["filled", "canceled", "expired", "replaced", "rejected"]
}

/// One execution, listed by `GET /v2/account/activities/FILL`.
public struct FakeFill: Sendable, Hashable {
    /// Alpaca-style activity id: `YYYYMMDDhhmmssSSS::<uuid>`, time-prefixed and unique.
    public var id: String
    public var orderID: String
    public var symbol: String
    public var side: String
    public var quantity: Decimal
    public var price: Decimal
    public var cumulativeQuantity: Decimal
    public var leavesQuantity: Decimal
    public var orderStatus: String
    public var time: Date

    /// `fill` when it completed the order, else `partial_fill`.
    public var type: String { leavesQuantity == 0 ? "fill" : "partial_fill" }
}

/// A position: signed quantity (negative = short) and signed cost basis.
public struct FakePosition: Sendable, Hashable {
    public var symbol: String
    public var quantity: Decimal
    public var costBasis: Decimal

    public var averageEntryPrice: Decimal { quantity == 0 ? 0 : costBasis / quantity }

    /// Nets a fill into the position: adding moves the basis by the fill's value, reducing removes
    /// the closed share of the basis, and a flip opens the rest at the fill price.
    mutating func apply(side: String, quantity q: Decimal, price: Decimal) {
        let signed = side == "buy" ? q : -q
        if quantity == 0 || (quantity > 0) == (signed > 0) {
            quantity += signed
            costBasis += signed * price
            return
        }
        let open = abs(quantity)
        let closed = min(abs(signed), open)
        costBasis -= costBasis * closed / open
        quantity += signed > 0 ? closed : -closed
        let rest = abs(signed) - closed
        if rest > 0 {
            let opening = signed > 0 ? rest : -rest
            quantity += opening
            costBasis = opening * price
        }
    }
}

/// How the fake treats new orders and cancels.
public struct FakeTradingBehavior: Sendable, Hashable {
    /// The status of a new simple order or bracket entry: `new` (in hours), `accepted` (outside
    /// hours) or `pending_new`.
    public var initialStatus: String
    /// When true, `DELETE /v2/orders/{id}` leaves the order `pending_cancel` until the script calls
    /// `confirmCancel` (or fills it: the cancel came too late).
    public var cancelsPend: Bool
    /// Buying power = equity × this − market value held − open buy orders.
    public var buyingPowerMultiplier: Decimal

    public init(initialStatus: String = "new", cancelsPend: Bool = false, buyingPowerMultiplier: Decimal = 1) {
        self.initialStatus = initialStatus
        self.cancelsPend = cancelsPend
        self.buyingPowerMultiplier = buyingPowerMultiplier
    }
}

/// A script step that made no sense (unknown order, filling a terminal order, overfilling).
public struct FakeScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A request body the fake received, for tests asserting exactly what a client sent.
public struct FakeReceivedBody: Sendable, Hashable {
    public var method: String
    public var path: String
    public var body: String
}
