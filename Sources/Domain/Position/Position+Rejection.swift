import Foundation

extension Position {
    public enum Rejection: Error, Hashable, Sendable {
        case noOpenPosition
        case wrongStream(expected: Symbol, got: Symbol)
        case invalidFill(String)
        case invalidPrice(String)
        /// A reconciliation that opens or resizes a position needs the broker's average price.
        case averagePriceRequired
    }
}
