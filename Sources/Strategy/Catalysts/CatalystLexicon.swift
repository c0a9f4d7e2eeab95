import Domain

/// Phrases that signal each kind of catalyst, with the weight each contributes (0…1).
///
/// A type's strength combines its matched phrases as a noisy-OR, 1 − Π(1 − wᵢ), so two weak signals
/// ("FDA" + "approval") make a stronger one than either, and no pile of phrases exceeds 1. The lists
/// start from the original system's keyword lists (docs/origins.md §Sentiment and catalysts) and were extended for the
/// headline shapes of the news wires. Changing a weight changes recorded features: bump
/// `Strategy.scoringVersion`.
enum CatalystLexicon {
    static let entries: [CatalystType: [(LexiconPhrase, Double)]] = [
        .earnings: build([
            ("earnings", 0.7), ("eps", 0.6), ("earnings per share", 0.7), ("quarterly results", 0.7),
            ("quarter results", 0.6), ("q1", 0.3), ("q2", 0.3), ("q3", 0.3), ("q4", 0.3), ("estimates", 0.3),
            ("consensus", 0.4), ("revenue", 0.4), ("revenues", 0.4), ("net income", 0.5), ("profit", 0.4),
            ("beat* estimates", 0.8), ("tops estimates", 0.8), ("miss* estimates", 0.8), ("fiscal", 0.2),
        ]),
        .fda: build([
            ("fda", 0.7), ("approv*", 0.3), ("clearance", 0.3), ("clinical", 0.4), ("trial", 0.3),
            ("phase 3", 0.5), ("phase iii", 0.5), ("phase 2", 0.4), ("pdufa", 0.7), ("complete response letter", 0.8),
            ("breakthrough therapy", 0.6), ("orphan drug", 0.5), ("nda", 0.5), ("bla", 0.5), ("drug", 0.2),
            ("new drug application", 0.6), ("biologics license application", 0.6), ("topline", 0.4),
            ("endpoint", 0.4), ("efficacy", 0.3),
        ]),
        .mergerAcquisition: build([
            ("merger", 0.8), ("merge", 0.7), ("acquire*", 0.7), ("acquisition", 0.7), ("buyout", 0.8),
            ("takeover", 0.8), ("to be acquired", 0.9), ("tender offer", 0.7), ("deal to buy", 0.7),
            ("agrees to buy", 0.7), ("per share in cash", 0.7), ("take private", 0.7), ("go private", 0.7),
            ("bid", 0.3),
        ]),
        .analystUpgrade: build([
            ("upgrade*", 0.8), ("raise* price target", 0.6), ("price target raised", 0.6), ("outperform", 0.4),
            ("overweight", 0.4), ("buy rating", 0.5), ("strong buy", 0.5), ("initiat* coverage", 0.3),
        ]),
        .analystDowngrade: build([
            ("downgrade*", 0.8), ("cut* price target", 0.6), ("lower* price target", 0.6), ("underperform", 0.4),
            ("underweight", 0.4), ("sell rating", 0.5), ("price target cut", 0.6),
        ]),
        .contract: build([
            ("contract", 0.6), ("contracts", 0.5), ("award*", 0.4), ("wins", 0.2), ("purchase order", 0.5),
            ("department of defense", 0.4), ("pentagon", 0.4), ("army", 0.2), ("navy", 0.2), ("air force", 0.2),
            ("multi year", 0.2), ("supply agreement", 0.6), ("task order", 0.5),
        ]),
        .guidance: build([
            ("guidance", 0.7), ("outlook", 0.5), ("forecast*", 0.4), ("reaffirm*", 0.3), ("full year", 0.3),
            ("preannounce*", 0.6), ("sees", 0.2),
        ]),
        .offering: build([
            ("offering", 0.7), ("public offering", 0.85), ("secondary offering", 0.85), ("registered direct", 0.8),
            ("private placement", 0.7), ("at the market", 0.4), ("shelf", 0.4), ("dilut*", 0.5),
            ("convertible", 0.5), ("priced", 0.2), ("warrants", 0.3), ("stock sale", 0.5), ("share sale", 0.5),
        ]),
        .lawsuit: build([
            ("lawsuit", 0.7), ("lawsuits", 0.7), ("sues", 0.7), ("sued", 0.7), ("class action", 0.8),
            ("litigation", 0.6), ("court", 0.3), ("jury", 0.5), ("verdict", 0.5), ("settle*", 0.4),
            ("patent infringement", 0.7), ("complaint", 0.3),
        ]),
        .productLaunch: build([
            ("launch*", 0.5), ("unveil*", 0.5), ("introduc*", 0.4), ("debut*", 0.4), ("new product", 0.5),
            ("rolls out", 0.4), ("release*", 0.3),
        ]),
        .partnership: build([
            ("partnership", 0.7), ("partner*", 0.5), ("collaborat*", 0.5), ("joint venture", 0.7), ("alliance", 0.5),
            ("agreement", 0.3), ("teams up", 0.5), ("licensing deal", 0.5), ("license agreement", 0.5),
        ]),
        .regulatory: build([
            ("sec", 0.5), ("investigation", 0.6), ("probe", 0.6), ("subpoena*", 0.6), ("ftc", 0.5), ("doj", 0.5),
            ("department of justice", 0.5), ("antitrust", 0.6), ("regulator*", 0.5), ("recall*", 0.6),
            ("fined", 0.5), ("penalty", 0.4), ("compliance", 0.3), ("delisting", 0.6), ("deficiency", 0.5),
        ]),
        .managementChange: build([
            ("ceo", 0.4), ("cfo", 0.4), ("chief executive", 0.4), ("resign*", 0.6), ("steps down", 0.7),
            ("step down", 0.7), ("appoint*", 0.5), ("names", 0.2), ("successor", 0.5), ("retire*", 0.4),
            ("ousted", 0.7),
        ]),
        .insider: build([
            ("insider", 0.6), ("form 4", 0.6), ("director", 0.2), ("buys shares", 0.4), ("purchases shares", 0.4),
            ("sells shares", 0.4), ("stake", 0.3), ("13d", 0.5), ("activist", 0.5),
        ]),
    ]

    private static func build(_ list: [(String, Double)]) -> [(LexiconPhrase, Double)] {
        list.map { (LexiconPhrase($0.0), $0.1) }
    }
}
