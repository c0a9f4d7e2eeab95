import Domain
import Foundation
import Testing

@testable import Strategy

/// Classification and sentiment on headlines of the kinds the strategy trades.
struct CatalystClassifierTests {
    @Test(arguments: [
        ("Acme Corp beats Q3 earnings estimates, raises full-year guidance", CatalystType.earnings),
        ("FDA approves Biogenix's drug for rare liver disease", .fda),
        ("FDA issues complete response letter for Biogenix lead candidate", .fda),
        ("MegaCo to acquire SmallCo for $45 per share in cash", .mergerAcquisition),
        ("Goldman Sachs upgrades Acme to Buy, raises price target to $80", .analystUpgrade),
        ("Morgan Stanley downgrades Acme to Underweight", .analystDowngrade),
        ("Acme awarded $1.2 billion Pentagon contract", .contract),
        ("Acme cuts full-year outlook on weak demand", .guidance),
        ("Acme announces $200 million public offering of common stock", .offering),
        ("Shareholders file class action lawsuit against Acme", .lawsuit),
        ("Acme unveils new product line at trade show", .productLaunch),
        ("Acme and Beta form joint venture for battery plants", .partnership),
        ("SEC opens investigation into Acme accounting", .regulatory),
        ("Acme CEO John Smith steps down", .managementChange),
        ("Activist investor discloses 9% stake in Acme", .insider),
    ])
    func classifiesHeadline(_ headline: String, _ expected: CatalystType) {
        let c = CatalystClassifier.classify(headline: headline)
        #expect(c.type == expected, "\(headline) → \(c.type) \(c.evidence)")
        #expect(c.strength >= 0.5 && c.strength <= 1)
    }

    @Test func headlineWithoutCatalystIsGeneralAndWeak() {
        let c = CatalystClassifier.classify(headline: "Acme shares drift as traders await the Fed")
        #expect(c.type == .general)
        #expect(c.strength == 0.1)
    }

    @Test func strongerEvidenceGivesMoreStrength() {
        let weak = CatalystClassifier.classify(headline: "Acme mentions FDA in filing")
        let strong = CatalystClassifier.classify(headline: "FDA approves Acme drug after Phase 3 trial met primary endpoint")
        #expect(weak.type == .fda && strong.type == .fda)
        #expect(strong.strength > weak.strength)
    }

    @Test func summaryCountsAtHalfWeight() {
        let headlineOnly = CatalystClassifier.classify(headline: "Acme merger")
        let summaryOnly = CatalystClassifier.classify(headline: "Acme news", summary: "Talks of a merger")
        #expect(summaryOnly.type == .mergerAcquisition)
        expectClose(summaryOnly.strength, headlineOnly.strength / 2)
    }

    @Test func classificationIsDeterministic() {
        let h = "Acme beats estimates; FDA approval and merger talks lift shares"
        let runs = (0..<5).map { _ in CatalystClassifier.classify(headline: h) }
        #expect(Set(runs).count == 1)
    }
}

struct SentimentTests {
    @Test(arguments: [
        ("Acme beats Q3 earnings estimates, raises full-year guidance", 0.7, 0.8),
        ("FDA approves Biogenix's drug", 0.6, 0.7),
        ("Acme shares plunge after earnings miss", -0.9, -0.7),
        ("Morgan Stanley downgrades Acme", -0.7, -0.6),
        ("Acme shares drift as traders await the Fed", 0.0, 0.0),
    ])
    func scoresHeadline(_ headline: String, _ low: Double, _ high: Double) {
        let s = Sentiment.score(headline: headline).score
        #expect(s >= low - 1e-9 && s <= high + 1e-9, "\(headline) scored \(s)")
        #expect(s >= -1 && s <= 1)
    }

    @Test func negationFlipsPolarity() {
        #expect(Sentiment.score(headline: "FDA approval for Acme drug").score > 0)
        #expect(Sentiment.score(headline: "Acme does not expect FDA approval this year").score < 0)
        #expect(Sentiment.score(headline: "Acme fails to win approval for arthritis drug").score < 0)
        #expect(Sentiment.score(headline: "Acme found guilty of patent infringement").score < 0)
        #expect(Sentiment.score(headline: "Acme found not guilty in patent case").score > 0)
        #expect(Sentiment.score(headline: "No recall expected for Acme vehicles").score > 0)
        #expect(Sentiment.score(headline: "Acme didn't miss estimates this time").score > 0)
    }

    @Test func negationStopsAtClauseBoundaries() {
        // "not" reaches "comment" only; the comma and "but" end its scope before "surge".
        #expect(Sentiment.score(headline: "Acme did not comment, but shares surge on buyout report").score > 0)
        #expect(Sentiment.score(headline: "Acme did not comment but shares surge").score > 0)
    }

    @Test func negationReachesOnlyThreeTokens() {
        // "not" … four tokens later "surge" is outside the scope.
        #expect(Sentiment.score(headline: "Acme not part of the index, shares surge").score > 0)
        #expect(Sentiment.score(headline: "Acme not one two three surge").score > 0)
        #expect(Sentiment.score(headline: "Acme not one two surge").score < 0)
    }

    @Test func morePositiveWordsScoreHigherButStayBelowOne() {
        let one = Sentiment.score(headline: "Acme beats").score
        let three = Sentiment.score(headline: "Acme beats, soars to record on strong growth").score
        #expect(three > one)
        #expect(three < 1)
    }
}

struct NewsAssessmentTests {
    let acme = Symbol("ACME")!
    let asOf = NYDate(year: 2025, month: 3, day: 14)!.at(hour: 10, minute: 0)

    func item(_ id: String, _ headline: String, minutesBefore: Double, symbols: [String] = ["ACME"]) -> NewsItem {
        let t = asOf.addingTimeInterval(-minutesBefore * 60)
        return NewsItem(
            id: NewsID(rawValue: id), headline: headline, summary: "", source: "test", symbols: symbols.compactMap(Symbol.init),
            publishedAt: t, receivedAt: t
        )
    }

    @Test func onlyItemsReceivedBeforeTheDecisionAndWithinTheWindowCount() {
        let news = [
            item("old", "Acme beats estimates", minutesBefore: 25 * 60),
            item("ok", "FDA approves Acme drug", minutesBefore: 30),
            item("future", "Acme to be acquired at a premium", minutesBefore: -1),
            item("other", "Beta soars", minutesBefore: 10, symbols: ["BETA"]),
        ]
        let a = NewsAssessor.assess(symbol: acme, news: news, asOf: asOf, maxAge: 24 * 3600)
        #expect(a.newsIDs == ["ok"])
        #expect(a.catalyst == .fda)
    }

    @Test func noNewsIsNoCatalystNotADefault() {
        let a = NewsAssessor.assess(symbol: acme, news: [], asOf: asOf, maxAge: 3600)
        #expect(a.catalyst == nil && a.strength == nil && a.sentiment == nil && a.score == 0)
    }

    @Test func roundupsCountLess() {
        let solo = NewsAssessor.assess(symbol: acme, news: [item("a", "Acme upgraded", minutesBefore: 5)], asOf: asOf, maxAge: 3600)
        let roundup = NewsAssessor.assess(
            symbol: acme, news: [item("b", "Acme upgraded", minutesBefore: 5, symbols: ["ACME", "BETA", "GAMA"])], asOf: asOf,
            maxAge: 3600
        )
        #expect(roundup.strength! < solo.strength!)
    }
}
