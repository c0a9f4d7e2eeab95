import Domain
import Foundation

/// Everything stages 2–5 need to know about one stage-1 candidate, computed once up front.
///
/// All features are computed for every stage-1 candidate (about 100), whatever stage later drops it:
/// ML labelling wants the full picture of rejected candidates too, and it costs little.
struct CandidateAnalysis {
    var candidate: ScreenedCandidate
    var news: CatalystAssessment
    /// Nil when there are no usable minute bars; `dataProblem` says why.
    var table: IndicatorTable?
    var lastIndex: Int = -1
    var lastClose: Double = .nan
    var dataProblem: FunnelRejection?
    var patterns: [PatternMatch] = []
    var technicalScore: Double?
    var momentumScore: Double?
    var volumeScore: Double?
    var composite: Double?

    var features: FeatureSnapshot
    var bestPattern: PatternMatch? { patterns.first }

    init(
        _ candidate: ScreenedCandidate, bars: [Bar]?, news: [NewsItem], time: ScanTime,
        configuration: FunnelConfiguration, scanner: PatternScanner
    ) {
        self.candidate = candidate
        self.features = candidate.features
        let symbol = candidate.security.symbol
        self.news = NewsAssessor.assess(
            symbol: symbol, news: news, asOf: time.asOf, maxAge: configuration.catalyst.maxNewsAgeHours * 3600
        )
        features.newsIDs = self.news.newsIDs
        features.catalyst = self.news.catalyst
        features.catalystStrength = self.news.strength.flatMap(FeatureValue.decimal6)
        features.sentiment = self.news.sentiment.flatMap(FeatureValue.decimal6)

        analyseBars(bars, time: time, configuration: configuration, scanner: scanner)

        momentumScore = features.changePercent.flatMap { Scoring.momentum(changePercent: $0.doubleValue) }
        volumeScore = features.relativeVolume.flatMap { Scoring.volume(relativeVolume: $0.doubleValue) }
        if let technical = technicalScore, let momentum = momentumScore, let volume = volumeScore {
            let pattern = bestPattern?.confidence ?? 0
            let composite = Scoring.composite(
                catalyst: self.news.score, technical: technical, pattern: pattern, momentum: momentum, volume: volume,
                weights: configuration.weights
            )
            self.composite = composite
            features.scores = ScoreComponents(
                catalyst: FeatureValue.decimal6(self.news.score)!, technical: FeatureValue.decimal6(technical)!,
                pattern: FeatureValue.decimal6(pattern)!, momentum: FeatureValue.decimal6(momentum)!,
                volume: FeatureValue.decimal6(volume)!, composite: FeatureValue.decimal6(composite)!
            )
        }
    }

    private mutating func analyseBars(
        _ raw: [Bar]?, time: ScanTime, configuration: FunnelConfiguration, scanner: PatternScanner
    ) {
        // Point-in-time: drop anything not available at the decision time, whatever the source sent.
        let usable = (raw ?? []).filter { $0.availableAt <= time.asOf && $0.start < time.session.close }
            .sorted { $0.start < $1.start }
        let series = BarSeries(bars: usable)
        let sessionStart = series.firstIndex(startingAtOrAfter: time.session.open)
        guard sessionStart < series.count else {
            dataProblem = RejectionReason.missingData.at(.technical, "no minute bars for today's session")
            return
        }
        let last = series.count - 1
        let age = time.dataClock.timeIntervalSince(series.availableAt[last])
        if age > Double(configuration.universe.maxDataAgeSeconds) {
            dataProblem = RejectionReason.staleData.at(
                .technical, "latest minute bar is \(Int(age)) s old (limit \(configuration.universe.maxDataAgeSeconds) s)"
            )
        }
        let session = time.session
        let table = IndicatorTable(series, obvFrom: sessionStart) { $0 == session.date ? session : nil }
        self.table = table
        lastIndex = last
        lastClose = series.close[last]
        features.indicators = table.values(at: last)
        technicalScore = Scoring.technical(close: lastClose, table: table, at: last)

        let context = PatternContext(
            bars: series.slice(sessionStart..<series.count), sessionOpen: session.open,
            openingRangeMinutes: configuration.patterns.openingRangeMinutes
        )
        patterns = scanner.scan(context)
        if let best = bestPattern {
            features.pattern = best.kind
            features.patternConfidence = FeatureValue.decimal6(best.confidence)
        }
    }
}
