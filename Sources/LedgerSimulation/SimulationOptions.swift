import Domain
import Foundation

/// What a generated history looks like. Every knob has a default that gives a realistic trading day:
/// four cycles, a 120-symbol universe with 35 stage-1 survivors, bracket entries, partial fills, marks
/// every five minutes and flat before the close.
public struct SimulationOptions: Sendable {
    public var seed: UInt64
    public var account: AccountID = AccountID(rawValue: "paper")
    /// The first simulated day; weekends are skipped.
    public var firstDay: NYDate = NYDate(year: 2026, month: 3, day: 2)!
    public var days: Int = 1
    /// Minutes after New York midnight at which a cycle starts (must leave room before the entry cutoff).
    public var cycleStarts: [Int] = [9 * 60 + 45, 11 * 60, 12 * 60 + 30, 14 * 60 + 15]
    /// Symbols scanned per cycle (stage-1 survivors plus stage-1 rejections).
    public var universeSize: Int = 120
    /// Stage-1 survivors per scan, each a `scan.candidate_evaluated` event with its features.
    public var survivors: Int = 35
    public var finalists: Int = 5
    /// The position monitor's tick: one `position.marked` per open position and one `risk.marks_recorded`.
    public var markEveryMinutes: Int = 5
    /// The tradable pool the scanner's survivors are drawn from.
    public var tradableSymbols: Int = 40
    public var startingEquity: Decimal = 100_000

    public var shortShare: Double = 0.2
    /// Proposals that break a risk rule (reward/risk or stop distance), so denials happen for reasons
    /// other than limits.
    public var badProposalShare: Double = 0.15
    public var partialFillChance: Double = 0.3
    public var brokerRejectChance: Double = 0.04
    public var submitUnknownChance: Double = 0.05
    public var replaceChance: Double = 0.08
    public var feeChance: Double = 0.2
    public var protectionChangeChance: Double = 0.15
    /// Per day: an operator halts trading for a while and resumes it.
    public var manualHaltChance: Double = 0.15
    public var failCycleChance: Double = 0.03
    public var stopCycleChance: Double = 0.03
    /// Per open position at the close: reconciliation finds it gone at the broker (phantom) instead of
    /// an exit fill. Off by default: the risk day is not told, as in production.
    public var phantomChance: Double = 0.0
    /// Per-minute volatility of the simulated prices.
    public var volatility: Double = 0.0025

    public init(seed: UInt64, days: Int = 1) {
        self.seed = seed
        self.days = days
    }

    /// A small history for property tests: a day or two, fewer candidates, frequent marks.
    public static func small(seed: UInt64, days: Int = 1) -> SimulationOptions {
        var o = SimulationOptions(seed: seed, days: days)
        o.cycleStarts = [9 * 60 + 40, 10 * 60 + 30, 13 * 60]
        o.universeSize = 20
        o.survivors = 8
        o.finalists = 4
        o.tradableSymbols = 12
        o.markEveryMinutes = 10
        o.phantomChance = 0.1
        o.volatility = 0.004
        return o
    }
}
