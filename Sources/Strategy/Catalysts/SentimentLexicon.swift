/// Signed sentiment weights for financial-news phrases, and the words that negate them.
///
/// Weights are ±0.5 (mild) to ±2.5 (decisive). Multi-word phrases are matched before their parts
/// ("complete response letter" before "complete"; "fails to" is a negator before "fails" is negative).
/// Built for headlines of the kinds the strategy trades on; it is a lexicon, not a language model, and
/// is documented as such in the README. Changing it changes recorded features: bump
/// `Strategy.scoringVersion`.
enum SentimentLexicon {
    enum Entry: Sendable, Hashable {
        case weight(Double)
        case negator
    }

    static let phrases: [(LexiconPhrase, Entry)] = {
        let positive: [(String, Double)] = [
            ("beat*", 2), ("tops", 1.5), ("topped", 1.5), ("surge*", 2), ("soar*", 2), ("jump*", 1.5), ("rall*", 1.5),
            ("gain*", 1), ("rise*", 1), ("rose", 1), ("climb*", 1), ("record", 1), ("strong*", 1), ("robust", 1),
            ("growth", 1), ("grow*", 0.5), ("approv*", 2), ("clears", 1), ("upgrade*", 2), ("raise*", 1),
            ("outperform*", 1.5), ("win", 1), ("wins", 1), ("winning", 1), ("won", 1), ("award*", 1.5),
            ("breakthrough", 1.5), ("exceed*", 1.5), ("better than expected", 2), ("above expectations", 1.5),
            ("profit*", 0.5), ("positive", 1), ("boost*", 1), ("expand*", 0.5), ("accelerat*", 1), ("upbeat", 1.5),
            ("bullish", 1.5), ("optimis*", 1), ("success*", 1.5), ("innovat*", 0.5), ("higher", 0.5),
            ("premium", 1),
        ]
        let negative: [(String, Double)] = [
            ("miss", 2), ("misses", 2), ("missed", 2), ("plunge*", 2), ("tumble*", 2), ("sink*", 1.5), ("sank", 1.5),
            ("slump*", 2), ("fall", 1), ("falls", 1), ("falling", 1), ("fell", 1), ("drop*", 1), ("declin*", 1),
            ("loss", 1), ("losses", 1), ("weak*", 1), ("warn*", 1.5), ("downgrade*", 2), ("cut", 1), ("cuts", 1),
            ("lower*", 1), ("lawsuit*", 1.5), ("sues", 1), ("sued", 1), ("investigation*", 1.5), ("probe*", 1.5),
            ("recall*", 1.5), ("reject*", 2), ("delay*", 1.5), ("halt*", 1.5), ("suspend*", 1.5), ("fraud*", 2.5),
            ("bankrupt*", 2.5), ("default*", 1.5), ("dilut*", 1.5), ("offering", 1), ("resign*", 0.5),
            ("concern*", 1), ("risk*", 0.5), ("disappoint*", 2), ("fail*", 2), ("underperform*", 1.5),
            ("complete response letter", 2.5), ("going concern", 2.5), ("worse than expected", 2),
            ("below expectations", 1.5), ("layoff*", 1), ("short seller", 1.5), ("guilty", 1.5), ("violat*", 1.5),
            ("crash*", 2), ("bearish", 1.5), ("pessimis*", 1), ("shortfall", 1.5), ("subpoena*", 1.5),
            ("terminat*", 1), ("downbeat", 1.5),
        ]
        let negators = [
            "not", "no", "never", "without", "neither", "nor", "cannot", "*n't", "fail* to", "no longer", "lack*",
            "unlikely to",
        ]
        var all: [(LexiconPhrase, Entry)] = []
        all += positive.map { (LexiconPhrase($0.0), .weight($0.1)) }
        all += negative.map { (LexiconPhrase($0.0), .weight(-$0.1)) }
        all += negators.map { (LexiconPhrase($0), .negator) }
        // Longest phrases first, so that the greedy scan prefers them.
        return all.sorted { $0.0.count > $1.0.count }
    }()

    /// How many following tokens a negator reaches (never past a clause boundary).
    static let negationScope = 3
}
