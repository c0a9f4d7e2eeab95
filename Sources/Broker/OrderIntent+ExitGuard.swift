import Domain

extension OrderIntent {
    /// Why a reducing order (exit, scale-out, stop, target) must not be sent, given the position the
    /// broker holds in its symbol (signed; zero when flat); nil when it may be sent.
    ///
    /// A sell "exit" of a long that is no longer there opens a short at the broker — the same class of
    /// bug as the old system's long entries sent as sells — e.g. a manual close racing a bracket leg
    /// that already filled. Both brokers check this before sending, so an exit can only reduce.
    public func exitRefusal(brokerPosition quantity: Quantity) -> String? {
        guard !purpose.isOpening else { return nil }
        let held = positionSide == .long ? quantity : -quantity
        guard held.isPositive else {
            return "not sent: \(purpose.rawValue) of a \(positionSide.rawValue) \(symbol) position, but the broker's position is \(quantity); "
                + "it would open a \(positionSide == .long ? "short" : "long") position"
        }
        guard quantity.magnitude >= self.quantity else {
            return "not sent: \(purpose.rawValue) of \(self.quantity) \(symbol) exceeds the \(held) shares held at the broker"
        }
        return nil
    }
}
