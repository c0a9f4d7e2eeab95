import Domain
import Foundation

/// Settings of the paper broker. Everything that shapes fills is here, so a seed plus this plus the
/// price feed and the sequence of calls determine every fill.
public struct PaperConfiguration: Sendable, Hashable {
    /// Seeds the partial-fill draws and the order ids.
    public var seed: UInt64
    /// Adverse slippage applied to market orders and triggered stops, in basis points of the price.
    public var slippageBasisPoints: Decimal
    /// Share of fill events that fill only part of the remaining quantity (Alpaca paper: about 10 %,
    /// docs/alpaca.md §Paper trading). The remainder is evaluated again at the next `advance`.
    public var partialFillRate: Double
    /// The account's cash at the start (Alpaca paper: $100,000).
    public var startingCash: Money
    /// Buying power = equity × this − market value held − what open opening orders reserve. 1 behaves
    /// like a cash account (the conservative default); Alpaca margin accounts use 2 (Reg T) or 4 (day trading).
    public var buyingPowerMultiplier: Decimal
    /// The broker's clock before the first `advance`.
    public var start: Date
    /// The regular session in progress at `start`: orders fill only inside it, and `day` orders expire
    /// at its close. Nil means always open and nothing expires (for tests of matching alone).
    public var session: PaperSession?
    /// Which run of the broker this is over the same ledger (0: the first). It goes into every order and
    /// execution id, so a broker started again for the same day never hands out the ids of the first
    /// run's orders and fills (a ledger dedupes fills by execution id and finds orders by broker id).
    public var incarnation: UInt64

    public init(
        seed: UInt64, slippageBasisPoints: Decimal = 5, partialFillRate: Double = 0.1, startingCash: Money = Money(100_000),
        buyingPowerMultiplier: Decimal = 1, start: Date, session: PaperSession? = nil, incarnation: UInt64 = 0
    ) {
        self.incarnation = incarnation
        self.seed = seed
        self.slippageBasisPoints = slippageBasisPoints
        self.partialFillRate = partialFillRate
        self.startingCash = startingCash
        self.buyingPowerMultiplier = buyingPowerMultiplier
        self.start = start
        self.session = session
    }
}

/// One regular trading session (open and close instants; early closes are just an earlier close).
public struct PaperSession: Sendable, Hashable {
    public var open: Date
    public var close: Date

    public init(open: Date, close: Date) {
        precondition(open < close, "a session opens before it closes")
        self.open = open
        self.close = close
    }
}
