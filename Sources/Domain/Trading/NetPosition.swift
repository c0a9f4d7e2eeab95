import Foundation

/// A netted position in one symbol: signed quantity and signed cost basis (quantity × average entry).
///
/// Both the position and the risk aggregates use this one piece of arithmetic. The cost basis is
/// carried instead of an average price so that P&L is conserved exactly: a reducing fill removes a
/// (rounded) share of the basis and realizes the difference, and whatever rounding happened stays
/// inside the remaining basis. Hence realized + unrealized == Σ fill cash flows + quantity × mark,
/// to the last digit.
public struct NetPosition: Hashable, Sendable, Codable {
    public var quantity: Quantity
    public var costBasis: Money

    public init(quantity: Quantity, costBasis: Money) {
        self.quantity = quantity
        self.costBasis = costBasis
    }

    public static let flat = NetPosition(quantity: .zero, costBasis: .zero)

    public var isFlat: Bool { quantity.isZero }
    public var side: PositionSide? { quantity.isZero ? nil : (quantity.isPositive ? .long : .short) }

    /// The average entry price, to six decimals (display only; P&L uses the basis).
    public var averagePrice: Price? {
        guard !quantity.isZero else { return nil }
        return Price(DecimalText.round(costBasis.amount / quantity.shares, scale: 6, .plain))
    }

    /// Mark-to-market P&L at `mark`.
    public func unrealized(at mark: Price) -> Money { Money(quantity.shares * mark.value) - costBasis }

    /// What one fill did to the position.
    public struct FillEffect: Hashable, Sendable {
        /// Quantity that reduced the old position (0 when the fill only opened or added).
        public var closed: Quantity
        /// Quantity that opened or added in the fill's direction (after a flip, the new side's size).
        public var opened: Quantity
        /// P&L realized by the closing part, net of the fee.
        public var realized: Money
        public var flipped: Bool
    }

    /// Applies a fill of `quantity` (positive) at `price` on `side`, with an optional fee.
    public func applying(side: OrderSide, quantity fillQuantity: Quantity, price: Price, fee: Money = .zero) -> (NetPosition, FillEffect) {
        let signed = side == .buy ? fillQuantity.shares : -fillQuantity.shares
        let current = quantity.shares
        var basis = costBasis.amount
        var closed: Decimal = 0
        var realized: Decimal = 0
        var newQuantity = current

        if current != 0, (current > 0) != (signed > 0) {
            // Reducing: close up to the open size.
            let openSize = abs(current)
            closed = min(abs(signed), openSize)
            let removed = closed == openSize ? basis : DecimalText.round(basis * closed / openSize, scale: 10, .plain)
            let closingSigned: Decimal = signed > 0 ? closed : -closed
            // Cash flow of the closing part minus the basis it removes.
            realized = -closingSigned * price.value - removed
            basis -= removed
            newQuantity = current + closingSigned
        }
        let remaining = signed - (signed > 0 ? closed : -closed)
        if remaining != 0 {
            basis += remaining * price.value
            newQuantity += remaining
        }
        realized -= fee.amount
        let effect = FillEffect(
            closed: Quantity(closed), opened: Quantity(abs(remaining)), realized: Money(realized),
            flipped: current != 0 && closed > 0 && remaining != 0
        )
        return (NetPosition(quantity: Quantity(newQuantity), costBasis: Money(basis)), effect)
    }

    enum CodingKeys: String, CodingKey {
        case quantity = "qty"
        case costBasis = "cost_basis"
    }
}
