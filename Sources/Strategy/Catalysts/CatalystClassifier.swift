import Domain

/// What kind of catalyst a news item is, and how strongly it reads as one.
public struct CatalystClassification: Sendable, Hashable {
    public var type: CatalystType
    /// 0…1: the noisy-OR of the matched phrase weights for `type`.
    public var strength: Double
    /// The lexicon phrases that matched for `type`, in lexicon order.
    public var evidence: [String]
}

/// Keyword classification of headlines (and, at half weight, summaries) into `CatalystType`s.
///
/// Deterministic: the strongest type wins, ties go to the earlier `CatalystType` case. Text with no
/// catalyst phrase at all is `general` with strength 0.1 (the original system's convention), which is
/// below every threshold a configuration would use.
public enum CatalystClassifier {
    /// Summary phrases count at this fraction of their weight: a summary mentions context, a headline
    /// states the news.
    public static let summaryWeight = 0.5

    public static func classify(headline: String, summary: String = "") -> CatalystClassification {
        let head = Tokenizer.tokens(headline)
        let body = summary.isEmpty ? [] : Tokenizer.tokens(summary)
        var best: CatalystClassification?
        for type in CatalystType.allCases {
            guard let phrases = CatalystLexicon.entries[type] else { continue }
            var miss = 1.0
            var evidence: [String] = []
            for (phrase, weight) in phrases {
                var w = 0.0
                if contains(head, phrase) {
                    w = weight
                } else if contains(body, phrase) {
                    w = weight * summaryWeight
                }
                if w > 0 {
                    miss *= 1 - w
                    evidence.append(phrase.text)
                }
            }
            // Strictly stronger only: on a tie the earlier case keeps its place.
            if !evidence.isEmpty, 1 - miss > best?.strength ?? 0 {
                best = CatalystClassification(type: type, strength: 1 - miss, evidence: evidence)
            }
        }
        return best ?? CatalystClassification(type: .general, strength: 0.1, evidence: [])
    }

    static func contains(_ tokens: [String], _ phrase: LexiconPhrase) -> Bool {
        guard !tokens.isEmpty else { return false }
        for i in tokens.indices where phrase.matches(tokens, at: i) { return true }
        return false
    }
}
