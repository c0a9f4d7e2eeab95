import Domain
import Foundation
import Synchronization

/// A news article as Alpaca's news API describes it (ids are integers there).
public struct FakeNewsArticle: Sendable, Hashable {
    public var id: Int
    public var headline: String
    public var summary: String
    public var author: String
    public var source: String
    public var symbols: [String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int, headline: String, summary: String = "", author: String = "fake", source: String = "benzinga", symbols: [String], createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.headline = headline
        self.summary = summary
        self.author = author
        self.source = source
        self.symbols = symbols
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// An asset as `/v2/assets` lists it.
public struct FakeAsset: Sendable, Hashable {
    public var symbol: String
    public var name: String
    public var exchange: String
    public var tradable: Bool
    public var shortable: Bool
    public var fractionable: Bool
    public var status: String

    public init(symbol: String, name: String, exchange: String = "NASDAQ", tradable: Bool = true, shortable: Bool = true, fractionable: Bool = true, status: String = "active") {
        self.symbol = symbol
        self.name = name
        self.exchange = exchange
        self.tradable = tradable
        self.shortable = shortable
        self.fractionable = fractionable
        self.status = status
    }
}

/// The scriptable market behind the fake's market-data, clock, calendar and asset routes.
///
/// Tests put bars, snapshots, news, assets and sessions in and choose the wire style and page sizes.
/// Trading state (orders, positions, account) belongs in its own
/// state type next to this one, with its own route group.
public final class FakeMarketDataState: Sendable {
    struct Book: Sendable {
        var bars: [BarTimeframe: [String: [Bar]]] = [:]
        var snapshots: [String: MarketSnapshot] = [:]
        var news: [FakeNewsArticle] = []
        var assets: [FakeAsset] = []
        var now = Date(timeIntervalSince1970: 0)
        var sessions: [TradingSession] = []
        var wire = WireStyle()
        var maxBarsPerPage = 10_000
        var maxNewsPerPage = 50
    }

    let book = Mutex(Book())

    public init() {}

    public func setBars(_ bars: [Bar], for symbol: String, timeframe: BarTimeframe) {
        book.withLock { $0.bars[timeframe, default: [:]][symbol] = bars.sorted { $0.start < $1.start } }
    }

    public func setSnapshot(_ snapshot: MarketSnapshot) { book.withLock { $0.snapshots[snapshot.symbol.rawValue] = snapshot } }
    public func addNews(_ article: FakeNewsArticle) { book.withLock { $0.news.append(article) } }
    public func setAssets(_ assets: [FakeAsset]) { book.withLock { $0.assets = assets } }

    /// The server's "now" (for `/v2/clock`) and its calendar (for `/v2/clock` and `/v2/calendar`).
    public func setClock(now: Date, sessions: [TradingSession]) {
        book.withLock {
            $0.now = now
            $0.sessions = sessions.sorted { $0.open < $1.open }
        }
    }

    public func setWire(_ style: WireStyle) { book.withLock { $0.wire = style } }

    /// Caps page sizes below Alpaca's (10,000 bars, 50 articles) to exercise pagination with little data.
    public func setPageLimits(bars: Int, news: Int) {
        book.withLock {
            $0.maxBarsPerPage = bars
            $0.maxNewsPerPage = news
        }
    }
}
