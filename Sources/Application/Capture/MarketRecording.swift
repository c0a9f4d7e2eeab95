import Crypto
import Domain
import Foundation
import Synchronization

/// The market data one step of a live cycle consumed, exactly as its source answered: the scan's
/// universe, snapshots, daily bars, calendar, minute bars and news (`kind == .scan`), or the inputs a
/// cycle's risk decisions were priced and correlated on (`kind == .risk`).
///
/// A recording is stored as content-addressed parts (each part is canonical JSON, named by its SHA-256)
/// under a head that names the parts. The head's SHA-256 is the recording's hash: the scan event
/// carries it as `data_hash`, each risk decision as `inputs.market_data_hash`. A day's daily bars and
/// asset list are then stored once, however many cycles read them.
public struct MarketRecording: Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case scan, risk }

    public var kind: Kind
    /// The decision time the data was read for.
    public var asOf: Date
    /// The session the cycle ran in (from the source's clock).
    public var session: TradingSession?
    /// The asset list in the order the source returned it (the scan's candidate order follows it).
    public var universe: [Security]?
    public var snapshots: [Symbol: MarketSnapshot] = [:]
    public var dailyBars: [Symbol: [Bar]] = [:]
    public var minuteBars: [Symbol: [Bar]] = [:]
    /// In the order received, each item once.
    public var news: [NewsItem] = []
    public var calendar: [TradingSession] = []
    /// The security facts a risk decision read (tradable, shortable, sector).
    public var securities: [Symbol: Security] = [:]

    public init(kind: Kind, asOf: Date) {
        self.kind = kind
        self.asOf = asOf
    }

    /// The stored form: the head and its parts, each canonical JSON with its SHA-256.
    public struct Encoded: Sendable {
        public var hash: String
        public var head: Data
        public var parts: [(hash: String, bytes: Data)]
    }

    struct Head: Codable {
        var format = 1
        var kind: Kind
        var asOf: Date
        var session: TradingSession?
        /// Part name → SHA-256 of its bytes.
        var parts: [String: String]

        enum CodingKeys: String, CodingKey {
            case format, kind, parts, session
            case asOf = "as_of"
        }
    }

    struct SymbolBars: Codable {
        var symbol: Symbol
        var bars: [Bar]
    }

    /// `cache` keeps the last asset list and daily bars of each kind with their bytes: within a day they
    /// rarely change between cycles, and comparing them costs far less than encoding them again.
    public func encoded(cache: MarketPartCache? = nil) throws -> Encoded {
        var named: [(String, Data)] = []
        let e = Self.encoder
        if let universe {
            named.append(("universe", try cache?.universe(kind, universe) { try e.encode(universe) } ?? e.encode(universe)))
        }
        named.append(("snapshots", try e.encode(snapshots.keys.sorted().map { snapshots[$0]! })))
        let daily = { BarSeriesJSON.encode(dailyBars) }
        named.append(("daily_bars", try cache?.dailyBars(kind, dailyBars, daily) ?? daily()))
        named.append(("minute_bars", BarSeriesJSON.encode(minuteBars)))
        named.append(("news", try e.encode(news)))
        named.append(("calendar", try e.encode(calendar)))
        named.append(("securities", try e.encode(securities.keys.sorted().map { securities[$0]! })))
        var parts: [(hash: String, bytes: Data)] = []
        var names: [String: String] = [:]
        for (name, bytes) in named {
            let hash = Self.sha256(bytes)
            names[name] = hash
            parts.append((hash, bytes))
        }
        let head = try e.encode(Head(kind: kind, asOf: asOf, session: session, parts: names))
        return Encoded(hash: Self.sha256(head), head: head, parts: parts)
    }

    /// The recording from its head and a lookup of part bytes by hash.
    public static func decode(head: Data, part: (String) throws -> Data) throws -> MarketRecording {
        let d = decoder
        let h = try d.decode(Head.self, from: head)
        guard h.format == 1 else { throw MarketCaptureError.unreadable("format \(h.format) is not known") }
        var r = MarketRecording(kind: h.kind, asOf: h.asOf)
        r.session = h.session
        func load<T: Decodable>(_ name: String, _ type: T.Type) throws -> T? {
            guard let hash = h.parts[name] else { return nil }
            return try d.decode(type, from: try part(hash))
        }
        r.universe = try load("universe", [Security].self)
        for s in try load("snapshots", [MarketSnapshot].self) ?? [] { r.snapshots[s.symbol] = s }
        for b in try load("daily_bars", [SymbolBars].self) ?? [] { r.dailyBars[b.symbol] = b.bars }
        for b in try load("minute_bars", [SymbolBars].self) ?? [] { r.minuteBars[b.symbol] = b.bars }
        r.news = try load("news", [NewsItem].self) ?? []
        r.calendar = try load("calendar", [TradingSession].self) ?? []
        for s in try load("securities", [Security].self) ?? [] { r.securities[s.symbol] = s }
        return r
    }

    /// The part hashes a head names (to check each stored part).
    public static func partHashes(head: Data) throws -> [String: String] { try decoder.decode(Head.self, from: head).parts }

    public static func sha256(_ bytes: Data) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// Keys sorted, dates as seconds (exact through a round trip), decimals as the domain writes them.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let decoder = JSONDecoder()
}

/// The last asset list and daily bars a capture store encoded, per recording kind, with their bytes.
public final class MarketPartCache: Sendable {
    private struct Entry<T: Sendable>: Sendable {
        var value: T
        var bytes: Data
    }
    private let universes = Mutex<[MarketRecording.Kind: Entry<[Security]>]>([:])
    private let daily = Mutex<[MarketRecording.Kind: Entry<[Symbol: [Bar]]>]>([:])

    public init() {}

    func universe(_ kind: MarketRecording.Kind, _ value: [Security], _ encode: () throws -> Data) throws -> Data {
        if let hit = universes.withLock({ $0[kind] }), hit.value == value { return hit.bytes }
        let bytes = try encode()
        universes.withLock { $0[kind] = Entry(value: value, bytes: bytes) }
        return bytes
    }

    func dailyBars(_ kind: MarketRecording.Kind, _ value: [Symbol: [Bar]], _ encode: () throws -> Data) throws -> Data {
        if let hit = daily.withLock({ $0[kind] }), hit.value == value { return hit.bytes }
        let bytes = try encode()
        daily.withLock { $0[kind] = Entry(value: value, bytes: bytes) }
        return bytes
    }
}

public enum MarketCaptureError: Error, CustomStringConvertible, Sendable {
    case unreadable(String)
    case missing(String)

    public var description: String {
        switch self {
        case .unreadable(let why): "capture unreadable: \(why)"
        case .missing(let what): "capture missing: \(what)"
        }
    }
}
