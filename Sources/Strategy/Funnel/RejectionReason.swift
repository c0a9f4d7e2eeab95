import Domain

/// The stable snake_case reason codes the funnel records in `FunnelRejection.reason`.
///
/// These strings are stored in events: never rename one; add a new case instead.
public enum RejectionReason: String, Sendable, CaseIterable {
    // Data quality, at any stage.
    /// No usable data: no snapshot, no bar today, no previous close, too little history, no minute bars.
    case missingData = "missing_data"
    /// The latest data is older than `max_data_age_seconds`, or belongs to an earlier session.
    case staleData = "stale_data"
    /// An indicator a filter needs is still warming up (not enough bars yet).
    case indicatorWarmup = "indicator_warmup"

    // Stage 1: universe.
    case notTradable = "not_tradable"
    case notShortable = "not_shortable"
    case notFractionable = "not_fractionable"
    case priceOutOfRange = "price_out_of_range"
    case averageVolumeTooLow = "average_volume_too_low"
    case dollarVolumeTooLow = "dollar_volume_too_low"
    case spreadTooWide = "spread_too_wide"
    case belowUniverseCut = "below_universe_cut"

    // Stage 2: catalyst.
    case noCatalyst = "no_catalyst"
    case catalystTooWeak = "catalyst_too_weak"
    case sentimentTooLow = "sentiment_too_low"
    case belowCatalystCut = "below_catalyst_cut"

    // Stage 3: technical.
    case rsiOutOfBand = "rsi_out_of_band"
    case belowSMA20 = "below_sma20"
    case belowVWAP = "below_vwap"
    case macdNotBullish = "macd_not_bullish"
    case relativeVolumeTooLow = "relative_volume_too_low"
    case belowTechnicalCut = "below_technical_cut"

    // Stage 4: pattern.
    case noPattern = "no_pattern"
    case patternConfidenceTooLow = "pattern_confidence_too_low"
    case belowPatternCut = "below_pattern_cut"

    // Stage 5: final.
    case belowMinComposite = "below_min_composite"
    /// Stop and target could not be placed on legal ticks around the entry (stop < entry < target).
    case invalidLevels = "invalid_levels"
    case belowFinalCut = "below_final_cut"

    func at(_ stage: FunnelStage, _ detail: String) -> FunnelRejection {
        FunnelRejection(stage: stage, reason: rawValue, detail: detail)
    }
}

/// A value, or the rejection that prevented it (`Result` needs an `Error`, and a rejection is a
/// recorded outcome, not an error).
enum Screened<Value> {
    case passed(Value)
    case rejected(FunnelRejection)
}
