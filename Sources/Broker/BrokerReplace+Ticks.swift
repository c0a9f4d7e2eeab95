import Domain

extension BrokerReplace {
    /// The change with its prices on legal ticks: limits in our favour for `side` (buy down, sell up),
    /// stops to the nearest tick, as `OrderIntent.roundedToTicks` does.
    public func roundedToTicks(side: OrderSide) -> BrokerReplace {
        var copy = self
        copy.limitPrice = limitPrice.map { $0.roundedToTick(side == .buy ? .down : .up) }
        copy.stopPrice = stopPrice.map { $0.roundedToTick(.nearest) }
        return copy
    }
}
