import Domain
import Foundation
import MarketData
import Synchronization

/// A market data source that passes every call through to `source` and keeps what it answered: the
/// recording of one step of a live cycle (`MarketRecording`). Only the answers are kept; a failed call
/// records nothing.
public final class MarketRecorder: MarketDataSource {
    private let source: any MarketDataSource
    private let state: Mutex<MarketRecording>

    public init(_ source: any MarketDataSource, kind: MarketRecording.Kind, asOf: Date, session: TradingSession?) {
        self.source = source
        var r = MarketRecording(kind: kind, asOf: asOf)
        r.session = session
        state = Mutex(r)
    }

    /// What was recorded so far.
    public var recording: MarketRecording { state.withLock { $0 } }

    /// Records security facts read outside the market data port (the risk decision's directory lookups).
    public func note(_ security: Security) { state.withLock { $0.securities[security.symbol] = security } }

    /// The source's clock, as a decision reads it: the latest reading becomes the recording's decision
    /// time, so the replay's clock stands where the live decision's did.
    public func now() async -> Date {
        let t = await source.now()
        state.withLock { $0.asOf = max($0.asOf, t) }
        return t
    }

    public func universe() async throws -> [Security] {
        let u = try await source.universe()
        state.withLock { $0.universe = u }
        return u
    }

    public func snapshots(for symbols: [Symbol], asOf: Date) async throws -> [Symbol: MarketSnapshot] {
        let s = try await source.snapshots(for: symbols, asOf: asOf)
        state.withLock { r in r.snapshots.merge(s) { _, new in new } }
        return s
    }

    public func minuteBars(for symbols: [Symbol], from: Date, asOf: Date) async throws -> [Symbol: [Bar]] {
        let b = try await source.minuteBars(for: symbols, from: from, asOf: asOf)
        state.withLock { r in r.minuteBars.merge(b) { _, new in new } }
        return b
    }

    public func dailyBars(for symbols: [Symbol], from: NYDate, asOf: Date) async throws -> [Symbol: [Bar]] {
        let b = try await source.dailyBars(for: symbols, from: from, asOf: asOf)
        state.withLock { r in r.dailyBars.merge(b) { _, new in new } }
        return b
    }

    public func news(for symbols: [Symbol], since: Date, asOf: Date) async throws -> [NewsItem] {
        let n = try await source.news(for: symbols, since: since, asOf: asOf)
        state.withLock { r in
            var seen = Set(r.news.map(\.id))
            for item in n where seen.insert(item.id).inserted { r.news.append(item) }
        }
        return n
    }

    public func clock(asOf: Date) async throws -> MarketClock { try await source.clock(asOf: asOf) }

    public func calendar(from: NYDate, through: NYDate) async throws -> [TradingSession] {
        let c = try await source.calendar(from: from, through: through)
        state.withLock { r in
            var byDate = Dictionary(r.calendar.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
            for s in c { byDate[s.date] = s }
            r.calendar = byDate.values.sorted { $0.date < $1.date }
        }
        return c
    }
}

/// A recording as a market data source: the replay of a cycle asks it exactly what the live cycle asked
/// its source, and gets exactly what was recorded. Its clock stands at the recording's decision time.
public struct CapturedMarketData: MarketDataSource {
    public let recording: MarketRecording

    public init(_ recording: MarketRecording) { self.recording = recording }

    public func now() async -> Date { recording.asOf }

    public func universe() async throws -> [Security] {
        guard let u = recording.universe else { throw MarketCaptureError.missing("the asset list") }
        return u
    }

    public func snapshots(for symbols: [Symbol], asOf: Date) async throws -> [Symbol: MarketSnapshot] {
        recording.snapshots.filter { Set(symbols).contains($0.key) }
    }

    public func minuteBars(for symbols: [Symbol], from: Date, asOf: Date) async throws -> [Symbol: [Bar]] {
        let wanted = Set(symbols)
        let cutoff = min(asOf, recording.asOf)
        return recording.minuteBars.filter { wanted.contains($0.key) }.mapValues { $0.filter { $0.start >= from && $0.availableAt <= cutoff } }
    }

    public func dailyBars(for symbols: [Symbol], from: NYDate, asOf: Date) async throws -> [Symbol: [Bar]] {
        let wanted = Set(symbols)
        return recording.dailyBars.filter { wanted.contains($0.key) }.mapValues { $0.filter { NYDate($0.start) >= from } }
    }

    public func news(for symbols: [Symbol], since: Date, asOf: Date) async throws -> [NewsItem] {
        let wanted = Set(symbols)
        let cutoff = min(asOf, recording.asOf)
        return recording.news.filter { n in n.receivedAt >= since && n.receivedAt <= cutoff && n.symbols.contains { wanted.contains($0) } }
    }

    public func clock(asOf: Date) async throws -> MarketClock {
        guard let s = recording.session else { throw MarketCaptureError.missing("the session") }
        return MarketClock(timestamp: asOf, isOpen: asOf >= s.open && asOf < s.close, nextOpen: s.open, nextClose: s.close, session: s)
    }

    public func calendar(from: NYDate, through: NYDate) async throws -> [TradingSession] {
        recording.calendar.filter { $0.date >= from && $0.date <= through }
    }
}
