import Domain
import Foundation

/// The scanner funnel: universe → catalyst → technical → pattern → final (100 → 35 → 20 → 10 → 5 by
/// default). Pure: the same inputs always give the same `ScanResult`.
///
/// ```swift
/// let funnel = try Funnel(configuration: config)           // config decoded from trading_config.yaml
/// let time = ScanTime(asOf: now, session: session)
/// let screen = funnel.screen(universeEntries, at: time)     // snapshots + daily bars of every symbol
/// // fetch minute bars (today, plus yesterday for warm-up) and news for screen.symbols, then:
/// let result = funnel.evaluate(screen, minuteBars: bars, news: news)
/// ```
///
/// Each stage first applies its filters (a failing candidate records the stage and a reason code),
/// then keeps the best `stage_sizes` by that stage's own score — catalyst score, technical score,
/// pattern confidence, composite — with ties broken by composite and then symbol so the order is total.
/// Scores are compared after rounding to the 6 places that are recorded.
public struct Funnel: Sendable {
    public let configuration: FunnelConfiguration
    private let scanner: PatternScanner

    public init(configuration: FunnelConfiguration = FunnelConfiguration()) throws(FunnelConfiguration.Invalid) {
        self.configuration = try configuration.validated()
        self.scanner = PatternScanner(enabled: Set(configuration.patterns.enabled))
    }

    /// Stage 1 over the whole universe.
    public func screen(_ universe: [UniverseEntry], at time: ScanTime) -> UniverseScreen {
        UniverseScreener(configuration: configuration).screen(universe, at: time)
    }

    /// Stages 2–5 over the stage-1 candidates.
    /// - Parameters:
    ///   - minuteBars: per symbol, minute bars of today's session so far; earlier sessions may be
    ///     included to warm the indicators up. Bars not available at the decision time are ignored.
    ///   - news: items for any symbols; each candidate uses those tagged with it.
    public func evaluate(_ screen: UniverseScreen, minuteBars: [Symbol: [Bar]], news: [NewsItem]) -> ScanResult {
        let time = screen.time
        var newsBySymbol: [Symbol: [NewsItem]] = [:]
        for item in news { for s in item.symbols { newsBySymbol[s, default: []].append(item) } }
        let analyses = screen.candidates.map { c in
            CandidateAnalysis(
                c, bars: minuteBars[c.security.symbol], news: newsBySymbol[c.security.symbol] ?? [], time: time,
                configuration: configuration, scanner: scanner
            )
        }
        var book = StageBook(count: analyses.count)
        var alive = Array(analyses.indices)
        let tieBreak: (Int) -> (Double, Symbol) = { (FeatureValue.rounded6(analyses[$0].composite ?? 0), analyses[$0].candidate.security.symbol) }

        alive = book.apply(.catalyst, alive, keep: configuration.stageSizes.catalyst, tieBreak: tieBreak,
            score: { analyses[$0].news.score }, filter: { catalystFilter(analyses[$0]) })
        alive = book.apply(.technical, alive, keep: configuration.stageSizes.technical, tieBreak: tieBreak,
            score: { analyses[$0].technicalScore ?? 0 }, filter: { technicalFilter(analyses[$0]) })
        alive = book.apply(.pattern, alive, keep: configuration.stageSizes.pattern, tieBreak: tieBreak,
            score: { analyses[$0].bestPattern?.confidence ?? 0 }, filter: { patternFilter(analyses[$0]) })
        var levels: [Int: ProposalLevels.Levels] = [:]
        alive = book.apply(.final, alive, keep: configuration.stageSizes.final, tieBreak: tieBreak,
            score: { analyses[$0].composite ?? 0 },
            filter: { i in
                let a = analyses[i]
                if let problem = finalFilter(a) { return problem }
                let atr = a.table.map { $0.atr14[a.lastIndex] }
                switch ProposalLevels.compute(lastPrice: a.lastClose, pattern: a.bestPattern, atr: atr, rules: configuration.stops) {
                case .rejected(let r): return r
                case .passed(let l):
                    levels[i] = l
                    return nil
                }
            })

        let rank = Dictionary(uniqueKeysWithValues: alive.enumerated().map { ($1, $0 + 1) })
        let candidates = analyses.indices.map { i in
            CandidateEvaluation(features: analyses[i].features, stageReached: book.reached[i], finalRank: rank[i], rejection: book.rejection[i])
        }
        let proposals = alive.map { i in
            let a = analyses[i]
            let l = levels[i]!
            return TradeProposal(
                symbol: a.candidate.security.symbol, side: .long, entry: l.entry, stop: l.stop, target: l.target,
                pattern: a.bestPattern?.kind, confidence: FeatureValue.decimal6(a.bestPattern?.confidence ?? 0)!,
                compositeScore: a.features.scores!.composite, atr: a.features.indicators.atr14, features: a.features
            )
        }
        return ScanResult(
            asOf: time.asOf, session: time.session, scoringVersion: Strategy.scoringVersion, universeSize: screen.universeSize,
            universeRejections: screen.rejections, candidates: candidates, proposals: proposals
        )
    }

    /// Stages 1–5 in one call, when all data is at hand (tests, benchmarks, replays).
    public func run(universe: [UniverseEntry], minuteBars: [Symbol: [Bar]], news: [NewsItem], at time: ScanTime) -> ScanResult {
        evaluate(screen(universe, at: time), minuteBars: minuteBars, news: news)
    }
}

/// Who reached which stage and why each candidate left.
private struct StageBook {
    var reached: [FunnelStage]
    var rejection: [FunnelRejection?]

    init(count: Int) {
        reached = [FunnelStage](repeating: .universe, count: count)
        rejection = [FunnelRejection?](repeating: nil, count: count)
    }

    /// Filters `alive`, keeps the best `keep` by `score` and records a rejection for everyone else.
    mutating func apply(
        _ stage: FunnelStage, _ alive: [Int], keep: Int, tieBreak: (Int) -> (Double, Symbol), score: (Int) -> Double,
        filter: (Int) -> FunnelRejection?
    ) -> [Int] {
        var passing: [(index: Int, score: Double, tie: (Double, Symbol))] = []
        for i in alive {
            if let r = filter(i) {
                rejection[i] = r
            } else {
                passing.append((i, FeatureValue.rounded6(score(i)), tieBreak(i)))
            }
        }
        passing.sort { l, r in
            if l.score != r.score { return l.score > r.score }
            if l.tie.0 != r.tie.0 { return l.tie.0 > r.tie.0 }
            return l.tie.1 < r.tie.1
        }
        var survivors: [Int] = []
        for (position, p) in passing.enumerated() {
            if position < keep {
                reached[p.index] = stage
                survivors.append(p.index)
            } else {
                let detail = "rank \(position + 1) of \(passing.count) with score \(String(format: "%.6f", p.score)); the cut keeps \(keep)"
                rejection[p.index] = RejectionReason.cut(after: stage).at(stage, detail)
            }
        }
        return survivors
    }
}

extension RejectionReason {
    static func cut(after stage: FunnelStage) -> RejectionReason {
        switch stage {
        case .universe: .belowUniverseCut
        case .catalyst: .belowCatalystCut
        case .technical: .belowTechnicalCut
        case .pattern: .belowPatternCut
        case .final: .belowFinalCut
        }
    }
}
