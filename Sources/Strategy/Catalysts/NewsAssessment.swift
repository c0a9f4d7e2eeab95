import Domain
import Foundation

/// One symbol's news at decision time, boiled down to the catalyst features the funnel records.
public struct CatalystAssessment: Sendable, Hashable {
    /// Every item that counted, oldest first.
    public var newsIDs: [NewsID]
    /// The strongest item's type; nil when there was no news.
    public var catalyst: CatalystType?
    /// The strongest item's strength, 0…1.
    public var strength: Double?
    /// Mean lexicon sentiment of the items, −1…1.
    public var sentiment: Double?
    /// The catalyst score component, 0…1: strength × (0.5 + 0.5 × sentiment). Neutral news counts half,
    /// negative news pulls toward 0, no news is 0 (there is no catalyst, which is not a missing value).
    public var score: Double

    public static let none = CatalystAssessment(newsIDs: [], catalyst: nil, strength: nil, sentiment: nil, score: 0)
}

/// Classifies and scores the news that concerns one symbol at one decision time.
public enum NewsAssessor {
    /// Items tagged with more symbols than this are roundups ("stocks moving premarket: …"); their
    /// strength counts at `roundupFactor`.
    public static let roundupSymbolCount = 2
    public static let roundupFactor = 0.7

    /// - Parameters:
    ///   - news: candidate items; only those tagged with `symbol`, received at or before `asOf` and no
    ///     older than `maxAge` count (point-in-time: `receivedAt`, never `publishedAt`).
    public static func assess(symbol: Symbol, news: [NewsItem], asOf: Date, maxAge: TimeInterval) -> CatalystAssessment {
        let earliest = asOf.addingTimeInterval(-maxAge)
        let items = news.filter { $0.symbols.contains(symbol) && $0.receivedAt <= asOf && $0.receivedAt >= earliest }
            .sorted { ($0.receivedAt, $0.id.rawValue) < ($1.receivedAt, $1.id.rawValue) }
        guard !items.isEmpty else { return .none }
        var best: (CatalystClassification, NewsItem)?
        var sentimentSum = 0.0
        for item in items {
            var c = CatalystClassifier.classify(headline: item.headline, summary: item.summary)
            if item.symbols.count > roundupSymbolCount { c.strength *= roundupFactor }
            sentimentSum += Sentiment.score(headline: item.headline, summary: item.summary).score
            // Strongest wins; on equal strength the later item (the loop runs oldest first).
            if best == nil || c.strength >= best!.0.strength { best = (c, item) }
        }
        let sentiment = sentimentSum / Double(items.count)
        let strength = best!.0.strength
        return CatalystAssessment(
            newsIDs: items.map(\.id), catalyst: best!.0.type, strength: strength, sentiment: sentiment,
            score: min(max(strength * (0.5 + 0.5 * sentiment), 0), 1)
        )
    }
}
