import Foundation

/// Exactly what will be sent to the broker for one order. A risk approval carries one; an order may
/// only be requested with an intent equal to its approval's, field by field (docs/origins.md §Production failures:
/// "risk checked 100 shares, the trade sent 200").
public struct OrderIntent: Hashable, Sendable, Codable {
    /// Our idempotency key with the broker. Nil only for bracket legs, whose ids the broker assigns.
    public var clientOrderID: ClientOrderID?
    public var symbol: Symbol
    /// The side of the position this order opens, adds to or reduces.
    public var positionSide: PositionSide
    public var purpose: OrderPurpose
    /// Derived from `positionSide` and `purpose` by the initializer; stored because it is what the
    /// broker sees, and validated against them because a decoded or hand-built intent may disagree.
    public var side: OrderSide
    public var quantity: Quantity
    public var type: OrderType
    public var limitPrice: Price?
    public var stopPrice: Price?
    public var timeInForce: TimeInForce
    public var orderClass: OrderClass
    /// The take-profit leg's limit price (bracket, oto).
    public var takeProfit: Price?
    /// The stop-loss leg's stop price (bracket, oto).
    public var stopLoss: Price?
    /// The stop-loss leg's limit price when it is a stop-limit.
    public var stopLossLimit: Price?
    public var extendedHours: Bool

    /// Builds an intent whose order side follows from the position side and purpose, so that a long
    /// entry can only be a buy.
    public init(
        clientOrderID: ClientOrderID?, symbol: Symbol, positionSide: PositionSide, purpose: OrderPurpose, quantity: Quantity,
        type: OrderType, limitPrice: Price? = nil, stopPrice: Price? = nil, timeInForce: TimeInForce, orderClass: OrderClass = .simple,
        takeProfit: Price? = nil, stopLoss: Price? = nil, stopLossLimit: Price? = nil, extendedHours: Bool = false
    ) {
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.positionSide = positionSide
        self.purpose = purpose
        self.side = Self.expectedSide(positionSide: positionSide, purpose: purpose)
        self.quantity = quantity
        self.type = type
        self.limitPrice = limitPrice
        self.stopPrice = stopPrice
        self.timeInForce = timeInForce
        self.orderClass = orderClass
        self.takeProfit = takeProfit
        self.stopLoss = stopLoss
        self.stopLossLimit = stopLossLimit
        self.extendedHours = extendedHours
    }

    /// Long entry = buy, long exit = sell; the reverse for shorts.
    public static func expectedSide(positionSide: PositionSide, purpose: OrderPurpose) -> OrderSide {
        purpose.isOpening ? positionSide.entrySide : positionSide.exitSide
    }

    /// The same intent with every price on a legal tick. Limits round in our favour (buy down, sell up);
    /// stops round to the nearest tick, because rounding them "in our favour" would silently move the
    /// risk the approval measured.
    public func roundedToTicks() -> OrderIntent {
        var copy = self
        let exitSide = positionSide.exitSide
        copy.limitPrice = limitPrice.map { Self.roundLimit($0, side: side) }
        copy.stopPrice = stopPrice.map { $0.roundedToTick(.nearest) }
        copy.takeProfit = takeProfit.map { Self.roundLimit($0, side: exitSide) }
        copy.stopLoss = stopLoss.map { $0.roundedToTick(.nearest) }
        copy.stopLossLimit = stopLossLimit.map { Self.roundLimit($0, side: exitSide) }
        return copy
    }

    static func roundLimit(_ price: Price, side: OrderSide) -> Price {
        price.roundedToTick(side == .buy ? .down : .up)
    }

    /// The names of the fields in which two intents differ, in a fixed order. Empty when equal.
    public func differences(from other: OrderIntent) -> [String] {
        var out: [String] = []
        if clientOrderID != other.clientOrderID { out.append("client_order_id") }
        if symbol != other.symbol { out.append("symbol") }
        if positionSide != other.positionSide { out.append("position_side") }
        if purpose != other.purpose { out.append("purpose") }
        if side != other.side { out.append("side") }
        if quantity != other.quantity { out.append("qty") }
        if type != other.type { out.append("type") }
        if limitPrice != other.limitPrice { out.append("limit_price") }
        if stopPrice != other.stopPrice { out.append("stop_price") }
        if timeInForce != other.timeInForce { out.append("time_in_force") }
        if orderClass != other.orderClass { out.append("order_class") }
        if takeProfit != other.takeProfit { out.append("take_profit") }
        if stopLoss != other.stopLoss { out.append("stop_loss") }
        if stopLossLimit != other.stopLossLimit { out.append("stop_loss_limit") }
        if extendedHours != other.extendedHours { out.append("extended_hours") }
        return out
    }

    enum CodingKeys: String, CodingKey {
        case symbol, side, purpose, type
        case clientOrderID = "client_order_id"
        case positionSide = "position_side"
        case quantity = "qty"
        case limitPrice = "limit_price"
        case stopPrice = "stop_price"
        case timeInForce = "time_in_force"
        case orderClass = "order_class"
        case takeProfit = "take_profit"
        case stopLoss = "stop_loss"
        case stopLossLimit = "stop_loss_limit"
        case extendedHours = "extended_hours"
    }
}
