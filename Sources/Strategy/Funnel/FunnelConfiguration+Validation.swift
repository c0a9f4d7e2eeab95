import Domain
import Foundation

extension FunnelConfiguration {
    /// A configuration the funnel refuses, with every problem found (not just the first).
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public var problems: [String]
        public var description: String { "invalid scanner configuration: " + problems.joined(separator: "; ") }
    }

    /// Every inconsistency in the settings; empty when the configuration is usable.
    public func problems() -> [String] {
        var out: [String] = []
        let sizes = FunnelStage.allCases.map { stageSizes.size(of: $0) }
        if sizes.contains(where: { $0 < 1 }) { out.append("stage_sizes must all be at least 1") }
        if zip(sizes, sizes.dropFirst()).contains(where: { $0 < $1 }) {
            out.append("stage_sizes must not grow from one stage to the next (\(sizes.map(String.init).joined(separator: " → "))")
        }
        let u = universe
        if u.minPrice <= 0 || u.minPrice > u.maxPrice { out.append("universe_filters: need 0 < min_price ≤ max_price") }
        if u.minAverageDailyVolume < 0 || u.minDollarVolume < 0 { out.append("universe_filters: volume minimums must be ≥ 0") }
        if u.maxSpreadPercent <= 0 { out.append("universe_filters.max_spread_percent must be > 0") }
        if u.maxDataAgeSeconds < 60 { out.append("universe_filters.max_data_age_seconds must be at least 60 (one bar)") }
        if u.averageVolumeSessions < 1 || u.minHistorySessions < 1 || u.minHistorySessions > u.averageVolumeSessions {
            out.append("universe_filters: need 1 ≤ min_history_sessions ≤ average_volume_sessions")
        }
        let c = catalyst
        if c.maxNewsAgeHours <= 0 { out.append("catalyst_filters.max_news_age_hours must be > 0") }
        if !(0...1).contains(c.minCatalystStrength) { out.append("catalyst_filters.min_catalyst_strength must be in 0…1") }
        if !(-1...1).contains(c.minSentiment) { out.append("catalyst_filters.min_sentiment must be in −1…1") }
        let t = technical
        if !(0...100).contains(t.rsiMin) || !(0...100).contains(t.rsiMax) || t.rsiMin > t.rsiMax {
            out.append("technical_filters: need 0 ≤ rsi_min ≤ rsi_max ≤ 100")
        }
        if t.minRelativeVolume < 0 { out.append("technical_filters.min_relative_volume must be ≥ 0") }
        if patterns.enabled.isEmpty { out.append("pattern_filters.enabled must list at least one pattern") }
        if !(0...1).contains(patterns.minConfidence) { out.append("pattern_filters.min_confidence must be in 0…1") }
        if !(1...120).contains(patterns.openingRangeMinutes) { out.append("pattern_filters.opening_range_minutes must be in 1…120") }
        let w = weights
        let all = [w.catalyst, w.technical, w.pattern, w.momentum, w.volume]
        if all.contains(where: { $0 < 0 }) || all.reduce(0, +) <= 0 {
            out.append("composite_weights must be ≥ 0 with a positive sum")
        }
        if !(0...1).contains(w.minComposite) { out.append("composite_weights.min_composite must be in 0…1") }
        if stops.stopATRMultiple <= 0 || stops.targetATRMultiple <= 0 { out.append("stops_targets: ATR multiples must be > 0") }
        return out
    }

    /// Throws `Invalid` listing every problem.
    public func validated() throws(Invalid) -> FunnelConfiguration {
        let p = problems()
        guard p.isEmpty else { throw Invalid(problems: p) }
        return self
    }

    /// Every key the `scanner:` section may contain, by sub-section, so that a loader can refuse unknown
    /// (probably misspelt) keys instead of silently ignoring them.
    public static let schema: [String: [String]] = [
        CodingKeys.stageSizes.rawValue: StageSizes.CodingKeys.allCases.map(\.rawValue),
        CodingKeys.universe.rawValue: UniverseFilters.CodingKeys.allCases.map(\.rawValue),
        CodingKeys.catalyst.rawValue: CatalystFilters.CodingKeys.allCases.map(\.rawValue),
        CodingKeys.technical.rawValue: TechnicalFilters.CodingKeys.allCases.map(\.rawValue),
        CodingKeys.patterns.rawValue: PatternFilters.CodingKeys.allCases.map(\.rawValue),
        CodingKeys.weights.rawValue: CompositeWeights.CodingKeys.allCases.map(\.rawValue),
        CodingKeys.stops.rawValue: StopsAndTargets.CodingKeys.allCases.map(\.rawValue),
    ]

    /// The document shape of `trading_config.yaml` as far as the strategy is concerned: other sections
    /// belong to other modules and are ignored here.
    public struct Document: Sendable, Hashable, Codable {
        public var scanner: FunnelConfiguration
        public init(scanner: FunnelConfiguration) { self.scanner = scanner }
    }
}
