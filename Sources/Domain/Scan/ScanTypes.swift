import Foundation

/// The kinds of news catalyst the classifier recognises. Wire names are stable snake_case strings.
public enum CatalystType: String, Sendable, Codable, CaseIterable {
    case earnings
    case fda
    case mergerAcquisition = "merger_acquisition"
    case analystUpgrade = "analyst_upgrade"
    case analystDowngrade = "analyst_downgrade"
    case contract
    case guidance
    case offering
    case lawsuit
    case productLaunch = "product_launch"
    case partnership
    case regulatory
    case managementChange = "management_change"
    case insider
    case general
}

/// The chart patterns the strategy detects.
public enum PatternKind: String, Sendable, Codable, CaseIterable {
    case bullFlag = "bull_flag"
    case cupAndHandle = "cup_and_handle"
    case ascendingTriangle = "ascending_triangle"
    case abcd
    case openingRangeBreakout = "opening_range_breakout"
}

/// The funnel's stages, in order. A candidate that is dropped records the stage that dropped it.
/// Default sizes (seeds): universe 100 → catalyst 35 → technical 20 → pattern 10 → final 5.
public enum FunnelStage: String, Sendable, Codable, CaseIterable, Comparable {
    /// Stage 1: price, volume, tradability and data-quality filters over the whole universe.
    case universe
    case catalyst
    case technical
    case pattern
    case final

    public var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (l: Self, r: Self) -> Bool { l.order < r.order }
}

/// Indicator values at decision time. Nil where an indicator is still warming up.
/// Decimals rounded to 6 places by the producer so recorded features hash deterministically.
public struct IndicatorValues: Hashable, Sendable, Codable {
    public var sma20: Decimal?
    public var ema20: Decimal?
    public var rsi14: Decimal?
    public var macd: Decimal?
    public var macdSignal: Decimal?
    public var macdHistogram: Decimal?
    public var atr14: Decimal?
    public var bollingerUpper: Decimal?
    public var bollingerMiddle: Decimal?
    public var bollingerLower: Decimal?
    public var obv: Decimal?
    public var vwap: Decimal?

    public init(
        sma20: Decimal? = nil, ema20: Decimal? = nil, rsi14: Decimal? = nil, macd: Decimal? = nil, macdSignal: Decimal? = nil,
        macdHistogram: Decimal? = nil, atr14: Decimal? = nil, bollingerUpper: Decimal? = nil, bollingerMiddle: Decimal? = nil,
        bollingerLower: Decimal? = nil, obv: Decimal? = nil, vwap: Decimal? = nil
    ) {
        self.sma20 = sma20
        self.ema20 = ema20
        self.rsi14 = rsi14
        self.macd = macd
        self.macdSignal = macdSignal
        self.macdHistogram = macdHistogram
        self.atr14 = atr14
        self.bollingerUpper = bollingerUpper
        self.bollingerMiddle = bollingerMiddle
        self.bollingerLower = bollingerLower
        self.obv = obv
        self.vwap = vwap
    }

    enum CodingKeys: String, CodingKey {
        case sma20 = "sma_20", ema20 = "ema_20", rsi14 = "rsi_14", macd, macdSignal = "macd_signal"
        case macdHistogram = "macd_hist", atr14 = "atr_14", bollingerUpper = "bb_upper", bollingerMiddle = "bb_middle"
        case bollingerLower = "bb_lower", obv, vwap
    }
}

/// Each component of the composite score, all in 0…1, plus the weighted composite.
public struct ScoreComponents: Hashable, Sendable, Codable {
    public var catalyst: Decimal
    public var technical: Decimal
    public var pattern: Decimal
    public var momentum: Decimal
    public var volume: Decimal
    public var composite: Decimal

    public init(catalyst: Decimal, technical: Decimal, pattern: Decimal, momentum: Decimal, volume: Decimal, composite: Decimal) {
        self.catalyst = catalyst
        self.technical = technical
        self.pattern = pattern
        self.momentum = momentum
        self.volume = volume
        self.composite = composite
    }
}

/// Everything the strategy knew about one candidate when it decided. Recorded in scan events so that
/// ML labelling replays the features as they were, never recomputed with later data.
public struct FeatureSnapshot: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var sector: Sector
    /// The decision time; every input used has an availability time at or before it.
    public var asOf: Date
    public var price: Price
    /// Session volume so far.
    public var volume: Int64
    public var relativeVolume: Decimal?
    /// Today's open versus the previous close, in percent.
    public var gapPercent: Decimal?
    /// Last price versus the previous close, in percent.
    public var changePercent: Decimal?
    public var indicators: IndicatorValues
    public var newsIDs: [NewsID]
    public var catalyst: CatalystType?
    public var catalystStrength: Decimal?
    /// Lexicon sentiment in −1…1.
    public var sentiment: Decimal?
    public var pattern: PatternKind?
    public var patternConfidence: Decimal?
    public var scores: ScoreComponents?
    public var scoringVersion: String

    public init(
        symbol: Symbol, sector: Sector, asOf: Date, price: Price, volume: Int64, relativeVolume: Decimal? = nil,
        gapPercent: Decimal? = nil, changePercent: Decimal? = nil, indicators: IndicatorValues = IndicatorValues(),
        newsIDs: [NewsID] = [], catalyst: CatalystType? = nil, catalystStrength: Decimal? = nil, sentiment: Decimal? = nil,
        pattern: PatternKind? = nil, patternConfidence: Decimal? = nil, scores: ScoreComponents? = nil, scoringVersion: String
    ) {
        self.symbol = symbol
        self.sector = sector
        self.asOf = asOf
        self.price = price
        self.volume = volume
        self.relativeVolume = relativeVolume
        self.gapPercent = gapPercent
        self.changePercent = changePercent
        self.indicators = indicators
        self.newsIDs = newsIDs
        self.catalyst = catalyst
        self.catalystStrength = catalystStrength
        self.sentiment = sentiment
        self.pattern = pattern
        self.patternConfidence = patternConfidence
        self.scores = scores
        self.scoringVersion = scoringVersion
    }

    enum CodingKeys: String, CodingKey {
        case symbol, sector, price, volume, indicators, catalyst, sentiment, pattern, scores
        case asOf = "as_of", relativeVolume = "relative_volume", gapPercent = "gap_percent", changePercent = "change_percent"
        case newsIDs = "news_ids", catalystStrength = "catalyst_strength", patternConfidence = "pattern_confidence"
        case scoringVersion = "scoring_version"
    }
}

/// Why the funnel dropped a candidate: the stage and a machine-readable reason code with a readable detail.
public struct FunnelRejection: Hashable, Sendable, Codable {
    public var stage: FunnelStage
    /// Stable snake_case code, e.g. `price_out_of_range`, `no_catalyst`, `rsi_out_of_band`, `no_pattern`,
    /// `below_final_cut`, `stale_data`, `missing_data`.
    public var reason: String
    public var detail: String

    public init(stage: FunnelStage, reason: String, detail: String) {
        self.stage = stage
        self.reason = reason
        self.detail = detail
    }
}

/// One candidate's outcome in a scan: how far it got, its features, and either its final rank or why it
/// was dropped.
public struct CandidateEvaluation: Hashable, Sendable, Codable {
    public var features: FeatureSnapshot
    /// The last stage the candidate passed.
    public var stageReached: FunnelStage
    /// 1-based rank among the final picks; nil if dropped.
    public var finalRank: Int?
    public var rejection: FunnelRejection?

    public init(features: FeatureSnapshot, stageReached: FunnelStage, finalRank: Int? = nil, rejection: FunnelRejection? = nil) {
        self.features = features
        self.stageReached = stageReached
        self.finalRank = finalRank
        self.rejection = rejection
    }

    enum CodingKeys: String, CodingKey {
        case features, rejection
        case stageReached = "stage_reached"
        case finalRank = "final_rank"
    }
}

/// What the strategy proposes for a final pick: the input to the risk decision.
public struct TradeProposal: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var side: PositionSide
    public var entry: Price
    public var stop: Price
    public var target: Price
    public var pattern: PatternKind?
    /// 0…1.
    public var confidence: Decimal
    public var compositeScore: Decimal
    /// ATR(14) at decision time, used by the stop-distance rule.
    public var atr: Decimal?
    public var features: FeatureSnapshot

    public init(
        symbol: Symbol, side: PositionSide, entry: Price, stop: Price, target: Price, pattern: PatternKind?, confidence: Decimal,
        compositeScore: Decimal, atr: Decimal?, features: FeatureSnapshot
    ) {
        self.symbol = symbol
        self.side = side
        self.entry = entry
        self.stop = stop
        self.target = target
        self.pattern = pattern
        self.confidence = confidence
        self.compositeScore = compositeScore
        self.atr = atr
        self.features = features
    }

    enum CodingKeys: String, CodingKey {
        case symbol, side, entry, stop, target, pattern, confidence, atr, features
        case compositeScore = "composite_score"
    }
}
