/// The direction of a position. Never confuse it with an order side: the original system sent every
/// long entry as a sell because it compared a position side with `"buy"`.
public enum PositionSide: String, Sendable, Codable, CaseIterable {
    case long
    case short

    /// The order side that opens (or adds to) a position of this side.
    public var entrySide: OrderSide { self == .long ? .buy : .sell }
    /// The order side that reduces or closes a position of this side.
    public var exitSide: OrderSide { self == .long ? .sell : .buy }
    /// +1 for long, −1 for short.
    public var sign: Int { self == .long ? 1 : -1 }
}

/// The side of an order as the broker understands it.
public enum OrderSide: String, Sendable, Codable, CaseIterable {
    case buy
    case sell

    public var opposite: OrderSide { self == .buy ? .sell : .buy }
}
