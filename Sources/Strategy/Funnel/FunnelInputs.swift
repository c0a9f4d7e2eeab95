import Domain
import Foundation

/// When and in which session a scan decides. Every observation used must be available at or before
/// `asOf`; the funnel re-checks that itself rather than trusting its inputs.
public struct ScanTime: Sendable, Hashable {
    public let asOf: Date
    public let session: TradingSession
    /// New York midnight starting and ending the session's date (daily bars are stamped at the first).
    let dayStart: Date
    let nextDayStart: Date

    public init(asOf: Date, session: TradingSession) {
        self.asOf = asOf
        self.session = session
        // Computed once: calendar arithmetic per bar would dominate a 4,000-symbol screen.
        dayStart = session.date.at(hour: 0, minute: 0)
        nextDayStart = session.date.adding(days: 1).at(hour: 0, minute: 0)
    }

    /// The reference for staleness: the decision time, or the close when deciding after it.
    var dataClock: Date { min(asOf, session.close) }
    /// Fraction of the session elapsed at the decision time, 0…1.
    var elapsedFraction: Double {
        let d = session.duration
        guard d > 0 else { return 0 }
        return min(max(dataClock.timeIntervalSince(session.open) / d, 0), 1)
    }
}

/// Stage 1's input for one symbol: what a snapshot request and a daily-bar request return.
public struct UniverseEntry: Sendable, Hashable {
    public var security: Security
    /// Nil when the source had no snapshot for the symbol (recorded as `missing_data`).
    public var snapshot: MarketSnapshot?
    /// Completed daily bars before today's session, oldest first (for average volume and the previous
    /// close). Bars not available at the decision time are ignored.
    public var dailyBars: [Bar]

    public init(security: Security, snapshot: MarketSnapshot?, dailyBars: [Bar]) {
        self.security = security
        self.snapshot = snapshot
        self.dailyBars = dailyBars
    }
}

/// A symbol that passed stage 1, with the features known so far.
public struct ScreenedCandidate: Sendable, Hashable {
    public var security: Security
    /// Stage-1 features (price, volume, relative volume, gap, change); later stages fill in the rest.
    public var features: FeatureSnapshot
    public var averageDailyVolume: Double
    public var previousClose: Double
    /// 1-based rank among stage-1 candidates.
    public var universeRank: Int
}

// Stage-1 drops are recorded as `Domain.UniverseRejection` (symbol, reason code, detail): they carry no
// feature snapshot because a symbol with missing data has no price to snapshot.

/// Stage 1's outcome: the candidates to fetch minute bars and news for, and everyone else with a reason.
public struct UniverseScreen: Sendable, Hashable {
    public var time: ScanTime
    public var universeSize: Int
    /// In rank order; at most `stage_sizes.universe`.
    public var candidates: [ScreenedCandidate]
    /// Every other symbol of the universe, in universe order.
    public var rejections: [UniverseRejection]

    /// The symbols whose minute bars and news stages 2–5 need.
    public var symbols: [Symbol] { candidates.map(\.security.symbol) }
}
