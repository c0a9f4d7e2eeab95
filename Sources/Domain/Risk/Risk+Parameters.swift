import Foundation

/// Every risk limit. Given as input (from `config/risk_parameters.yaml`); the defaults are the original
/// system's conservative values (docs/origins.md §Risk limits), not the later "aggressive mode".
public struct RiskParameters: Hashable, Sendable, Codable {
    public var maxDailyLoss: Money = Money(2000)
    /// Fraction of `maxDailyLoss` at which the warning is emitted (once per day).
    public var dailyLossWarningFraction: DecimalValue = DecimalValue("0.75")
    public var maxPositions: Int = 5
    public var maxPositionValue: Money = Money(10000)
    public var maxPositionFractionOfEquity: DecimalValue = DecimalValue("0.20")
    public var minPositionValue: Money = Money(500)
    public var maxPortfolioExposureFraction: DecimalValue = DecimalValue("0.80")
    /// Of equity, not of current exposure (the original computed it against exposure).
    public var maxSectorExposureFraction: DecimalValue = DecimalValue("0.40")
    public var checkCorrelation: Bool = true
    public var maxCorrelation: DecimalValue = DecimalValue("0.70")
    public var requireStopLoss: Bool = true
    /// Stop distance at most this fraction of the entry price.
    public var maxStopLossFraction: DecimalValue = DecimalValue("0.05")
    /// Stop distance at least this multiple of ATR, so noise does not stop the trade out.
    public var minStopLossATRMultiple: DecimalValue = DecimalValue("2.0")
    public var minRewardRisk: DecimalValue = DecimalValue("1.5")
    public var maxConsecutiveLosses: Int = 3
    /// Position-size multiplier once `maxConsecutiveLosses` losing round trips happened in a row.
    public var consecutiveLossSizeFactor: DecimalValue = DecimalValue("0.5")
    public var maxDailyTrades: Int = 20
    public var minAccountEquity: Money = Money(5000)
    /// No new entries this close to the session's close (positions are flattened 15 minutes before it).
    public var entryCutoffMinutesBeforeClose: Int = 15
    /// The original traded long only; shorts need an explicit opt-in.
    public var allowShortSelling: Bool = false
    public var allowFractionalShares: Bool = false

    public init() {}

    public static let conservative = RiskParameters()

    /// The wire names of the fields that are out of range. Empty when valid.
    public func invalidFields() -> [String] {
        var out: [String] = []
        func fraction(_ v: DecimalValue, _ name: String, allowZero: Bool = false) {
            if v.value > 1 || v.value < 0 || (!allowZero && v.value == 0) { out.append(name) }
        }
        if maxDailyLoss.amount <= 0 { out.append(CodingKeys.maxDailyLoss.rawValue) }
        fraction(dailyLossWarningFraction, CodingKeys.dailyLossWarningFraction.rawValue)
        if maxPositions < 0 { out.append(CodingKeys.maxPositions.rawValue) }
        if maxPositionValue.amount <= 0 { out.append(CodingKeys.maxPositionValue.rawValue) }
        fraction(maxPositionFractionOfEquity, CodingKeys.maxPositionFractionOfEquity.rawValue)
        if minPositionValue.amount < 0 || minPositionValue > maxPositionValue { out.append(CodingKeys.minPositionValue.rawValue) }
        fraction(maxPortfolioExposureFraction, CodingKeys.maxPortfolioExposureFraction.rawValue)
        fraction(maxSectorExposureFraction, CodingKeys.maxSectorExposureFraction.rawValue)
        fraction(maxCorrelation, CodingKeys.maxCorrelation.rawValue)
        fraction(maxStopLossFraction, CodingKeys.maxStopLossFraction.rawValue)
        if minStopLossATRMultiple.value < 0 { out.append(CodingKeys.minStopLossATRMultiple.rawValue) }
        if minRewardRisk.value < 0 { out.append(CodingKeys.minRewardRisk.rawValue) }
        if maxConsecutiveLosses < 0 { out.append(CodingKeys.maxConsecutiveLosses.rawValue) }
        fraction(consecutiveLossSizeFactor, CodingKeys.consecutiveLossSizeFactor.rawValue)
        if maxDailyTrades < 0 { out.append(CodingKeys.maxDailyTrades.rawValue) }
        if minAccountEquity.amount < 0 { out.append(CodingKeys.minAccountEquity.rawValue) }
        if entryCutoffMinutesBeforeClose < 0 { out.append(CodingKeys.entryCutoffMinutesBeforeClose.rawValue) }
        return out
    }

    /// SHA-256 of the canonical JSON (sorted keys, decimals as strings). Recorded with every decision
    /// so that an auditor knows which limits applied.
    public var hash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain values with string decimals cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return LedgerHash.sha256Hex(data)
    }

    /// The wire keys whose value in `self` is looser than in `old`: a higher cap, a lower floor, a check
    /// switched off, shorts or fractions switched on. What maker–checker calls "raising a limit".
    public func loosened(from old: RiskParameters) -> [String] {
        var out: [CodingKeys] = []
        func higher<T: Comparable>(_ new: T, _ was: T, _ key: CodingKeys) { if new > was { out.append(key) } }
        func lower<T: Comparable>(_ new: T, _ was: T, _ key: CodingKeys) { if new < was { out.append(key) } }
        func off(_ new: Bool, _ was: Bool, _ key: CodingKeys) { if was && !new { out.append(key) } }
        func on(_ new: Bool, _ was: Bool, _ key: CodingKeys) { if !was && new { out.append(key) } }
        higher(maxDailyLoss.amount, old.maxDailyLoss.amount, .maxDailyLoss)
        higher(dailyLossWarningFraction.value, old.dailyLossWarningFraction.value, .dailyLossWarningFraction)
        higher(maxPositions, old.maxPositions, .maxPositions)
        higher(maxPositionValue.amount, old.maxPositionValue.amount, .maxPositionValue)
        higher(maxPositionFractionOfEquity.value, old.maxPositionFractionOfEquity.value, .maxPositionFractionOfEquity)
        lower(minPositionValue.amount, old.minPositionValue.amount, .minPositionValue)
        higher(maxPortfolioExposureFraction.value, old.maxPortfolioExposureFraction.value, .maxPortfolioExposureFraction)
        higher(maxSectorExposureFraction.value, old.maxSectorExposureFraction.value, .maxSectorExposureFraction)
        off(checkCorrelation, old.checkCorrelation, .checkCorrelation)
        higher(maxCorrelation.value, old.maxCorrelation.value, .maxCorrelation)
        off(requireStopLoss, old.requireStopLoss, .requireStopLoss)
        higher(maxStopLossFraction.value, old.maxStopLossFraction.value, .maxStopLossFraction)
        lower(minStopLossATRMultiple.value, old.minStopLossATRMultiple.value, .minStopLossATRMultiple)
        lower(minRewardRisk.value, old.minRewardRisk.value, .minRewardRisk)
        higher(maxConsecutiveLosses, old.maxConsecutiveLosses, .maxConsecutiveLosses)
        higher(consecutiveLossSizeFactor.value, old.consecutiveLossSizeFactor.value, .consecutiveLossSizeFactor)
        higher(maxDailyTrades, old.maxDailyTrades, .maxDailyTrades)
        lower(minAccountEquity.amount, old.minAccountEquity.amount, .minAccountEquity)
        lower(entryCutoffMinutesBeforeClose, old.entryCutoffMinutesBeforeClose, .entryCutoffMinutesBeforeClose)
        on(allowShortSelling, old.allowShortSelling, .allowShortSelling)
        on(allowFractionalShares, old.allowFractionalShares, .allowFractionalShares)
        return out.map(\.rawValue)
    }

    /// Every key of the wire form (and of `config/risk_parameters.yaml`).
    public static var wireKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxDailyLoss = "max_daily_loss_usd"
        case dailyLossWarningFraction = "warning_threshold_pct"
        case maxPositions = "max_positions"
        case maxPositionValue = "max_position_size_usd"
        case maxPositionFractionOfEquity = "max_position_size_pct"
        case minPositionValue = "min_position_size_usd"
        case maxPortfolioExposureFraction = "max_portfolio_exposure_pct"
        case maxSectorExposureFraction = "max_sector_exposure_pct"
        case checkCorrelation = "check_correlation"
        case maxCorrelation = "max_correlation"
        case requireStopLoss = "require_stop_loss"
        case maxStopLossFraction = "max_stop_loss_pct"
        case minStopLossATRMultiple = "min_stop_loss_atr_multiple"
        case minRewardRisk = "min_risk_reward_ratio"
        case maxConsecutiveLosses = "max_consecutive_losses"
        case consecutiveLossSizeFactor = "consecutive_loss_reduction"
        case maxDailyTrades = "max_daily_trades"
        case minAccountEquity = "min_account_balance"
        case entryCutoffMinutesBeforeClose = "entry_cutoff_minutes_before_close"
        case allowShortSelling = "allow_short_selling"
        case allowFractionalShares = "allow_fractional_shares"
    }

    // Explicit so that every key is required on the wire: a parameters event missing a limit must fail
    // to decode rather than silently take today's default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxDailyLoss = try c.decode(Money.self, forKey: .maxDailyLoss)
        dailyLossWarningFraction = try c.decode(DecimalValue.self, forKey: .dailyLossWarningFraction)
        maxPositions = try c.decode(Int.self, forKey: .maxPositions)
        maxPositionValue = try c.decode(Money.self, forKey: .maxPositionValue)
        maxPositionFractionOfEquity = try c.decode(DecimalValue.self, forKey: .maxPositionFractionOfEquity)
        minPositionValue = try c.decode(Money.self, forKey: .minPositionValue)
        maxPortfolioExposureFraction = try c.decode(DecimalValue.self, forKey: .maxPortfolioExposureFraction)
        maxSectorExposureFraction = try c.decode(DecimalValue.self, forKey: .maxSectorExposureFraction)
        checkCorrelation = try c.decode(Bool.self, forKey: .checkCorrelation)
        maxCorrelation = try c.decode(DecimalValue.self, forKey: .maxCorrelation)
        requireStopLoss = try c.decode(Bool.self, forKey: .requireStopLoss)
        maxStopLossFraction = try c.decode(DecimalValue.self, forKey: .maxStopLossFraction)
        minStopLossATRMultiple = try c.decode(DecimalValue.self, forKey: .minStopLossATRMultiple)
        minRewardRisk = try c.decode(DecimalValue.self, forKey: .minRewardRisk)
        maxConsecutiveLosses = try c.decode(Int.self, forKey: .maxConsecutiveLosses)
        consecutiveLossSizeFactor = try c.decode(DecimalValue.self, forKey: .consecutiveLossSizeFactor)
        maxDailyTrades = try c.decode(Int.self, forKey: .maxDailyTrades)
        minAccountEquity = try c.decode(Money.self, forKey: .minAccountEquity)
        entryCutoffMinutesBeforeClose = try c.decode(Int.self, forKey: .entryCutoffMinutesBeforeClose)
        allowShortSelling = try c.decode(Bool.self, forKey: .allowShortSelling)
        allowFractionalShares = try c.decode(Bool.self, forKey: .allowFractionalShares)
    }
}
