import Domain
import Foundation
import MarketData
import Synchronization

/// The universe's static facts (sector, tradable, shortable), read once from the market data source.
public final class SecurityDirectory: Sendable {
    private let market: any MarketDataSource
    private let cache = Mutex<[Symbol: Security]?>(nil)

    public init(market: any MarketDataSource) { self.market = market }

    public func security(_ symbol: Symbol) async throws -> Security? {
        if let all = cache.withLock({ $0 }) { return all[symbol] }
        let universe = try await market.universe()
        let map = Dictionary(universe.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        cache.withLock { $0 = map }
        return map[symbol]
    }

    /// A symbol outside the known universe is filed under the broadest sector rather than refused:
    /// the fill happened and must be recorded.
    public func sector(of symbol: Symbol) async throws -> Sector {
        try await security(symbol)?.sector ?? .industrials
    }
}
