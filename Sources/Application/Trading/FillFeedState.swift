import Domain
import Foundation
import Synchronization

/// Where a trading system's reading of the broker's execution feed stands, and the halts its fills
/// raised that no duty has acted on yet. Owned by the `TradingSystem`, so it lives exactly as long.
public final class FillFeedState: Sendable {
    let position = Mutex<(since: Date?, cursor: String?)>((nil, nil))
    let unhandledHalts = Mutex<[Risk.TradingHalted]>([])

    public init() {}
}
