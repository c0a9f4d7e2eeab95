/// Lexicon sentiment of a news item in −1…1, with negation.
public struct SentimentScore: Sendable, Hashable {
    /// (P − N) / (P + N + 1): 0 for no sentiment words; one decisive positive word gives about +0.67.
    public var score: Double
    /// Sum of positive weights (after negation).
    public var positive: Double
    /// Sum of negative weights as a positive number (after negation).
    public var negative: Double
}

/// Scores text against `SentimentLexicon`.
///
/// - Phrases are matched greedily left to right, longest first, and each token is used once.
/// - A negator ("not", "no", "never", "without", "…n't", "fails to", …) flips the sign of every
///   sentiment phrase that *starts* within the next 3 tokens, stopping at clause punctuation or "but":
///   "does not expect FDA approval" is negative, "not guilty" positive, "no recall" positive.
/// - The summary counts at half weight, like the catalyst classifier.
/// - The score (P − N) / (P + N + 1) is the original system's formula (docs/origins.md §Sentiment and catalysts),
///   with weights instead of counts; the +1 damps single-word verdicts.
public enum Sentiment {
    public static func score(headline: String, summary: String = "") -> SentimentScore {
        var p = 0.0
        var n = 0.0
        for (text, factor) in [(headline, 1.0), (summary, CatalystClassifier.summaryWeight)] where !text.isEmpty {
            let (tp, tn) = sums(Tokenizer.tokens(text))
            p += tp * factor
            n += tn * factor
        }
        return SentimentScore(score: (p - n) / (p + n + 1), positive: p, negative: n)
    }

    static func sums(_ tokens: [String]) -> (Double, Double) {
        var p = 0.0
        var n = 0.0
        var negatedUntil = -1
        var i = 0
        while i < tokens.count {
            if tokens[i] == Tokenizer.boundary {
                negatedUntil = -1
                i += 1
                continue
            }
            guard let (phrase, entry) = SentimentLexicon.phrases.first(where: { $0.0.matches(tokens, at: i) }) else {
                i += 1
                continue
            }
            switch entry {
            case .negator:
                negatedUntil = i + phrase.count - 1 + SentimentLexicon.negationScope
            case .weight(var w):
                if i <= negatedUntil { w = -w }
                if w > 0 { p += w } else { n -= w }
            }
            i += phrase.count
        }
        return (p, n)
    }
}
