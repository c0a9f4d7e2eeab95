import Domain
import Foundation

/// One detected chart pattern with the levels a trade on it would use.
///
/// Levels are `Double` here (they come out of indicator math); the funnel turns them into legal-tick
/// `Price`s when it builds a `TradeProposal`. All patterns are long setups: stop < entry < target.
public struct PatternMatch: Sendable, Hashable {
    public var kind: PatternKind
    /// 0…1: how cleanly the bars fit the textbook shape (each detector documents its terms).
    public var confidence: Double
    /// Where the setup is bought: the breakout level, or the last close when the breakout is under way.
    public var entry: Double
    /// Pattern support: below it the setup is invalid.
    public var stop: Double
    /// The pattern's measured-move objective.
    public var target: Double
    /// Which bars formed the pattern, for people reading a recorded scan.
    public var detail: String

    public init(kind: PatternKind, confidence: Double, entry: Double, stop: Double, target: Double, detail: String) {
        self.kind = kind
        self.confidence = min(max(confidence, 0), 1)
        self.entry = entry
        self.stop = stop
        self.target = target
        self.detail = detail
    }

    /// Levels are ordered and finite; detectors only return matches that pass this.
    public var hasValidLevels: Bool {
        entry.isFinite && stop.isFinite && target.isFinite && stop > 0 && stop < entry && entry < target
    }
}

/// What a detector looks at: today's session bars up to the decision time.
public struct PatternContext: Sendable {
    /// Session bars, oldest first; nothing after the decision time.
    public var bars: BarSeries
    /// The regular session's open (anchors the opening range).
    public var sessionOpen: Date
    public var openingRangeMinutes: Int

    public init(bars: BarSeries, sessionOpen: Date, openingRangeMinutes: Int = 15) {
        self.bars = bars
        self.sessionOpen = sessionOpen
        self.openingRangeMinutes = openingRangeMinutes
    }
}

/// A pattern detector: pure, deterministic, nil when the bars do not show the pattern.
public protocol PatternDetector: Sendable {
    var kind: PatternKind { get }
    func detect(_ context: PatternContext) -> PatternMatch?
}
