import Domain
import Foundation

/// The scanner funnel's settings: the `scanner:` section of `config/trading_config.yaml`.
///
/// Defaults are the original system's conservative values (docs/origins.md §Funnel):
/// funnel 100 → 35 → 20 → 10 → 5, price $5–$500, 1M average daily volume, $10M dollar volume, news
/// required with catalyst strength ≥ 0.7 and sentiment ≥ 0.5, RSI 40–70, relative volume ≥ 1.5, price
/// above SMA 20, pattern confidence ≥ 0.7, composite ≥ 0.7, stops 2×ATR and targets 3×ATR.
///
/// Decoding requires every key (a misspelt key must fail loudly, not fall back to a default); the
/// module never reads the file itself — callers decode it (YAML) and pass the struct in.
public struct FunnelConfiguration: Sendable, Hashable, Codable {
    public var stageSizes: StageSizes
    public var universe: UniverseFilters
    public var catalyst: CatalystFilters
    public var technical: TechnicalFilters
    public var patterns: PatternFilters
    public var weights: CompositeWeights
    public var stops: StopsAndTargets

    public init(
        stageSizes: StageSizes = StageSizes(), universe: UniverseFilters = UniverseFilters(),
        catalyst: CatalystFilters = CatalystFilters(), technical: TechnicalFilters = TechnicalFilters(),
        patterns: PatternFilters = PatternFilters(), weights: CompositeWeights = CompositeWeights(),
        stops: StopsAndTargets = StopsAndTargets()
    ) {
        self.stageSizes = stageSizes
        self.universe = universe
        self.catalyst = catalyst
        self.technical = technical
        self.patterns = patterns
        self.weights = weights
        self.stops = stops
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stageSizes = "stage_sizes", universe = "universe_filters", catalyst = "catalyst_filters"
        case technical = "technical_filters", patterns = "pattern_filters", weights = "composite_weights"
        case stops = "stops_targets"
    }

    /// How many candidates leave each stage (at most; fewer when fewer pass the filters).
    public struct StageSizes: Sendable, Hashable, Codable {
        public var universe = 100
        public var catalyst = 35
        public var technical = 20
        public var pattern = 10
        public var final = 5
        public init() {}

        public func size(of stage: FunnelStage) -> Int {
            switch stage {
            case .universe: universe
            case .catalyst: catalyst
            case .technical: technical
            case .pattern: pattern
            case .final: final
            }
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case universe, catalyst, technical, pattern, final }
    }

    /// Stage 1: price, liquidity, tradability and data quality over the whole universe.
    public struct UniverseFilters: Sendable, Hashable, Codable {
        public var minPrice: Decimal = 5
        public var maxPrice: Decimal = 500
        /// Over `averageVolumeSessions` previous sessions.
        public var minAverageDailyVolume: Int64 = 1_000_000
        /// Average daily volume × last price.
        public var minDollarVolume: Decimal = 10_000_000
        /// (ask − bid) / mid, in percent; only checked when the snapshot has a two-sided quote.
        public var maxSpreadPercent: Decimal = 1
        /// Latest minute bar older than this (relative to the decision time, or the close if earlier) is stale.
        public var maxDataAgeSeconds: Int = 300
        public var averageVolumeSessions: Int = 20
        /// Fewer completed daily bars than this is missing data (no meaningful average volume).
        public var minHistorySessions: Int = 5
        /// The original scanner kept only shortable and fractionable names.
        public var requireShortable = true
        public var requireFractionable = true
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case minPrice = "min_price", maxPrice = "max_price", minAverageDailyVolume = "min_average_daily_volume"
            case minDollarVolume = "min_dollar_volume", maxSpreadPercent = "max_spread_percent"
            case maxDataAgeSeconds = "max_data_age_seconds", averageVolumeSessions = "average_volume_sessions"
            case minHistorySessions = "min_history_sessions", requireShortable = "require_shortable"
            case requireFractionable = "require_fractionable"
        }
    }

    /// Stage 2: news catalysts.
    public struct CatalystFilters: Sendable, Hashable, Codable {
        /// Without news a candidate is dropped (`no_catalyst`); when false it passes with catalyst score 0.
        public var newsRequired = true
        public var maxNewsAgeHours: Double = 24
        public var minCatalystStrength: Double = 0.7
        public var minSentiment: Double = 0.5
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case newsRequired = "news_required", maxNewsAgeHours = "max_news_age_hours"
            case minCatalystStrength = "min_catalyst_strength", minSentiment = "min_sentiment"
        }
    }

    /// Stage 3: technical confirmation on minute bars.
    public struct TechnicalFilters: Sendable, Hashable, Codable {
        public var rsiMin: Double = 40
        public var rsiMax: Double = 70
        public var minRelativeVolume: Double = 1.5
        public var requireAboveSMA20 = true
        public var requireAboveVWAP = false
        /// MACD histogram > 0.
        public var requireMACDBullish = false
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case rsiMin = "rsi_min", rsiMax = "rsi_max", minRelativeVolume = "min_relative_volume"
            case requireAboveSMA20 = "require_above_sma20", requireAboveVWAP = "require_above_vwap"
            case requireMACDBullish = "require_macd_bullish"
        }
    }

    /// Stage 4: chart patterns.
    public struct PatternFilters: Sendable, Hashable, Codable {
        public var enabled: [PatternKind] = PatternKind.allCases
        public var minConfidence: Double = 0.7
        public var openingRangeMinutes: Int = 15
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case enabled, minConfidence = "min_confidence", openingRangeMinutes = "opening_range_minutes"
        }
    }

    /// Stage 5: composite score = Σ weightᵢ × componentᵢ / Σ weightᵢ, each component in 0…1.
    /// The original's `risk_reward` weight is not here: reward/risk is the risk decision's rule, and the
    /// recorded `ScoreComponents` carry momentum instead.
    public struct CompositeWeights: Sendable, Hashable, Codable {
        public var catalyst: Double = 0.30
        public var technical: Double = 0.25
        public var pattern: Double = 0.25
        public var momentum: Double = 0.10
        public var volume: Double = 0.10
        public var minComposite: Double = 0.70
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case catalyst, technical, pattern, momentum, volume, minComposite = "min_composite"
        }
    }

    /// Stop and target levels of the proposals.
    public struct StopsAndTargets: Sendable, Hashable, Codable {
        public var stopATRMultiple: Double = 2
        public var targetATRMultiple: Double = 3
        /// Use the pattern's support and measured-move target when it has them; else always ATR.
        public var usePatternLevels = true
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case stopATRMultiple = "stop_atr_multiple", targetATRMultiple = "target_atr_multiple"
            case usePatternLevels = "use_pattern_levels"
        }
    }
}
