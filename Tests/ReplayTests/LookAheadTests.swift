import Domain
import Foundation
import Labelling
import Testing

/// Point in time: features come only from the decision event; prices recorded after the decision reach
/// the labels and nothing else. Hand-built logs, so every price and position is known.
@Suite struct LookAheadTests {
    static let t0 = NYDate("2025-03-14")!.at(hour: 10, minute: 0)
    static let cycle = CycleID(rawValue: "cyc-1")
    static let acme = Symbol("ACME")!

    static func decision(price: Decimal = 10, atr: Decimal? = Decimal(string: "0.1")) -> LedgerEvent {
        let features = FeatureSnapshot(
            symbol: acme, sector: .informationTechnology, asOf: t0, price: Price(price), volume: 120_000,
            relativeVolume: 3, gapPercent: Decimal(string: "4.5"), indicators: IndicatorValues(rsi14: 61, atr14: atr), scoringVersion: "v1")
        let evaluation = CandidateEvaluation(features: features, stageReached: .technical, rejection: FunnelRejection(stage: .pattern, reason: "no_pattern", detail: ""))
        return .cycle(.candidateEvaluated(Cycle.CandidateEvaluated(cycleID: cycle, index: 0, evaluation: evaluation)))
    }

    /// Prices as text: a Double literal would not be the exact decimal.
    static func observation(minutesAfter m: Double, last: String, high: String? = nil, low: String? = nil) -> LedgerEvent {
        .observation(.candidatePrices(Observation.CandidatePrices(
            cycleID: cycle, observedAt: t0.addingTimeInterval(m * 60),
            prices: [CandidatePrice(symbol: acme, last: Price(last)!, high: high.map { Price($0)! }, low: low.map { Price($0)! })], source: "simulated")))
    }

    /// Labels `log` (event, position pairs) and returns the CSV cells of the one row by column name.
    static func label(_ log: [(LedgerEvent, Int64)], barriers: BarrierSpec = .standard) -> [String: String] {
        var l = Labeller(barriers: barriers)
        for (e, p) in log { l.consume(e, position: p) }
        let rows = l.rows()
        #expect(rows.count == 1)
        let cells = LabelCSV.line(rows[0], barriers: barriers).dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(LabelCSV.columns, cells))
    }

    static func features(_ row: [String: String]) -> [String: String] { row.filter { $0.key.hasPrefix("f_") } }

    @Test func aFuturePriceNeverChangesAFeatureButDoesReachTheLabel() {
        let base: [(LedgerEvent, Int64)] = [(Self.decision(), 10), (Self.observation(minutesAfter: 5, last: "10.05"), 20)]
        // The planted future bar: observed one minute after the decision, recorded after it, absurd price.
        let planted = base + [(Self.observation(minutesAfter: 1, last: "999", high: "999", low: "9"), 15)]
        let clean = Self.label(base)
        let leaked = Self.label(planted)

        #expect(Self.features(clean) == Self.features(leaked))
        #expect(leaked["f_price"] == "10" && leaked["f_atr_14"] == "0.1" && leaked["f_rsi_14"] == "61" && leaked["f_gap_pct"] == "4.5")
        #expect(clean["label"] == "0" && clean["barrier_hit"] == "vertical")
        #expect(leaked["label"] == "1" && leaked["barrier_hit"] == "upper" && leaked["t1"] == "2025-03-14T14:01:00.000000Z")
    }

    @Test func pricesObservedAtOrBeforeTheDecisionOrRecordedBeforeItNeverReachTheLabel() {
        // Observed before the decision (a crash to 1 at 09:59) and a "future" price written into the log before
        // the decision event: neither is after the decision in both time and log order.
        let log: [(LedgerEvent, Int64)] = [
            (Self.observation(minutesAfter: -1, last: "1"), 5),
            (Self.observation(minutesAfter: 3, last: "50"), 6),
            (Self.decision(), 10),
            (Self.observation(minutesAfter: 0, last: "2"), 11),
            (Self.observation(minutesAfter: 5, last: "10.05"), 20),
        ]
        let row = Self.label(log)
        #expect(row["observations_after"] == "1")
        #expect(row["label"] == "0" && row["ret_5m"] == "0.005" && row["ret_eod"] == "0.005")
    }

    @Test func barriersAreAtrMultiplesAndTheStopWinsAnAmbiguousInterval() {
        // Baseline 09:59: day high 10.1, low 9.95. By 10:05 the session printed a new high of 10.3 and a new low of 9.85:
        // both barriers (10.2 and 9.9) inside one interval → pessimistic −1, flagged ambiguous.
        let log: [(LedgerEvent, Int64)] = [
            (Self.observation(minutesAfter: -1, last: "10", high: "10.1", low: "9.95"), 5),
            (Self.decision(), 10),
            (Self.observation(minutesAfter: 5, last: "10", high: "10.3", low: "9.85"), 20),
        ]
        let row = Self.label(log)
        #expect(row["barrier_upper"] == "10.2" && row["barrier_lower"] == "9.9" && row["trgt"] == "0.1")
        #expect(row["label"] == "-1" && row["ambiguous"] == "1" && row["meta_label"] == "0")

        // A new high alone (the last price back inside) is an upper touch.
        let up = Self.label([log[0], log[1], (Self.observation(minutesAfter: 5, last: "10", high: "10.3", low: "9.95"), 20)])
        #expect(up["label"] == "1" && up["ambiguous"] == "0" && up["meta_label"] == "1" && up["t1"] == "2025-03-14T14:05:00.000000Z")

        // Without a recorded ATR there is no barrier label, but forward returns still come.
        let none = Self.label([(Self.decision(atr: nil), 10), (Self.observation(minutesAfter: 15, last: "11"), 20)])
        #expect(none["label"] == "" && none["barrier_hit"] == "no_target" && none["ret_15m"] == "0.1")
    }

    @Test func theHorizonCutsTheVerticalBarrier() {
        let log: [(LedgerEvent, Int64)] = [(Self.decision(), 10), (Self.observation(minutesAfter: 20, last: "10.5"), 20)]
        let short = Self.label(log, barriers: try! BarrierSpec(parsing: "pt=2,sl=1,horizon=10m"))
        #expect(short["label"] == "" && short["barrier_hit"] == "no_observations" && short["vertical_ts"] == "2025-03-14T14:10:00.000000Z")
        let long = Self.label(log, barriers: try! BarrierSpec(parsing: "pt=2,sl=1,horizon=30m"))
        #expect(long["label"] == "1" && long["barriers"] == "pt=2;sl=1;horizon=1800s")
        // A forward return needs a price observed within two minutes of its horizon; end of day takes the last one.
        #expect(long["ret_5m"] == "" && long["ret_15m"] == "" && long["ret_60m"] == "" && long["ret_eod"] == "0.05")
    }

    @Test func badBarrierSpecificationsAreRefusedClearly() throws {
        #expect(throws: LabellingError.badBarriers("unknown key 'tp' (use pt, sl, horizon)")) { try BarrierSpec(parsing: "tp=2") }
        #expect(throws: LabellingError.self) { try BarrierSpec(parsing: "horizon=60") }
        #expect(throws: LabellingError.self) { try BarrierSpec(parsing: "pt=-1") }
        #expect(try BarrierSpec(parsing: "sl=1.5,horizon=2h") == BarrierSpec(profitTaking: 2, stopLoss: Decimal(string: "1.5")!, horizon: 7200))
    }
}
