import Foundation

extension Position {
    public enum Rejection: DomainRejection, Hashable {
        case noOpenPosition
        case wrongStream(expected: Symbol, got: Symbol)
        case invalidFill(String)
        case invalidPrice(String)
        /// A reconciliation that opens or resizes a position needs the broker's average price.
        case averagePriceRequired
    }
}

extension Position.Rejection {
    /// The wire code of each refusal: written out, so renaming a case never changes what clients see.
    public var code: String {
        switch self {
        case .noOpenPosition: "no_open_position"
        case .wrongStream: "wrong_stream"
        case .invalidFill: "invalid_fill"
        case .invalidPrice: "invalid_price"
        case .averagePriceRequired: "average_price_required"
        }
    }
}
