import Foundation
import PropertyBased
import Testing

@testable import Domain

/// Breakout entries wait for the breakout and are judged at the price they can fill at (`EntryPlan`).
/// Regressions: the trades of issue 19 whose buy limit above the market filled at once, below the pattern's
/// own stop (IA 2025-11-18: breakout 50.69, last 48.63, stop 48.61, filled 48.5743; PP: breakout 6.34,
/// last 6.27, stop 6.26, filled 6.2232).
@Suite struct EntryPlanTests {
    typealias F = RiskFixtures

    /// The proposal as the funnel made it: the scan's last price in its features, below the breakout.
    static func breakout(_ symbol: String, entry: String, last: String, stop: String, target: String) -> TradeProposal {
        var p = T.proposal(symbol, entry: entry, stop: stop, target: target, atr: nil)
        p.features.price = T.p(last)
        return p
    }

    static func approved(_ p: TradeProposal, market: String? = nil, riskPerTrade: DecimalValue? = nil) -> Risk.Approved? {
        var e = F.evaluation("ap-\(p.symbol.rawValue)", p, riskPerTrade: riskPerTrade)
        e.marketPrice = market.map(T.p)
        e.entryStyle = .breakout
        guard case .approved(let a)? = decided(Risk.self, .evaluate(e), Risk.fold([F.dayOpened])).first else { return nil }
        return a
    }

    @Test func theIABreakoutIsAStopLimitAtItsLevelJudgedAtItsCap() throws {
        let a = try #require(Self.approved(Self.breakout("IA", entry: "50.69", last: "48.63", stop: "48.61", target: "56.00")))
        #expect(a.intent.type == .stopLimit)
        #expect(a.intent.stopPrice == T.p("50.69"), "the trigger is the breakout level")
        // The cap: 10 % of the planned risk per share (2.08) above the trigger, rounded towards it.
        #expect(a.intent.limitPrice == T.p("50.89"))
        #expect(a.assessment.referencePrice == T.p("50.89"), "the decision records the expected fill")
        #expect(a.assessment.riskPerShare == T.p("2.28"))
        #expect(a.assessment.rewardRisk == DecimalValue("2.2412"), "(56 − 50.89) / 2.28, not (56 − 50.69) / 2.08")
        #expect(a.inputs?.marketPrice == T.p("48.63"))
        expectRoundTrip([Risk.Event.approved(a)])
    }

    @Test func thePPBreakoutCapIsAtLeastOneTick() throws {
        let a = try #require(Self.approved(Self.breakout("PP", entry: "6.34", last: "6.27", stop: "6.26", target: "6.60")))
        #expect(a.intent.type == .stopLimit && a.intent.stopPrice == T.p("6.34"))
        #expect(a.intent.limitPrice == T.p("6.35"), "10 % of 0.08 is under a tick: one tick above the trigger")
        #expect(a.assessment.riskPerShare == T.p("0.09"))
    }

    @Test func aQuoteAtDecisionTimeOverridesTheScanPrice() throws {
        // The scan saw 48.63, but the ask is now above the breakout: the entry is at the market, a limit.
        let a = try #require(Self.approved(Self.breakout("IA", entry: "50.69", last: "48.63", stop: "48.61", target: "56.00"), market: "50.75"))
        #expect(a.intent.type == .limit && a.intent.limitPrice == T.p("50.69") && a.intent.stopPrice == nil)
        #expect(a.assessment.referencePrice == T.p("50.69"))
    }

    @Test func anEntryWhoseMarketIsThroughItsStopIsRefusedWithTheReasonRecorded() {
        var e = F.evaluation("ap-gap", Self.breakout("GAP", entry: "20.00", last: "18.90", stop: "19.00", target: "23.00"))
        e.marketPrice = T.p("18.90")
        e.entryStyle = .breakout
        let events = decided(Risk.self, .evaluate(e), Risk.fold([F.dayOpened]))
        #expect(F.codes(events).contains(.entryBeyondStop), "\(events)")
        guard case .denied(let d)? = events.first, let v = d.violations.first(where: { $0.code == .entryBeyondStop }) else { return }
        #expect(v.limit == DecimalValue("19") && v.actual == DecimalValue("18.9"))
    }

    @Test func aManualEntryAboveTheMarketIsAMarketableLimitJudgedAtItsLimit() {
        var e = F.evaluation("ap-man", Self.breakout("MAN", entry: "50.10", last: "50.00", stop: "49.00", target: "53.00"))
        e.marketPrice = T.p("50.00")
        guard case .approved(let a)? = decided(Risk.self, .evaluate(e), Risk.fold([F.dayOpened])).first else {
            Issue.record("not approved")
            return
        }
        #expect(a.intent.type == .limit && a.intent.limitPrice == T.p("50.1") && a.assessment.referencePrice == T.p("50.1"))
        #expect(a.inputs?.entryStyle == nil, "a limit is the unrecorded default")
        // …and a limit whose market is already through its stop is refused just the same.
        e.marketPrice = T.p("48.90")
        #expect(F.codes(decided(Risk.self, .evaluate(e), Risk.fold([F.dayOpened]))).contains(.entryBeyondStop))
    }

    @Test func aPullbackAndAMarketEntryStayWhatTheyWere() throws {
        let pullback = try #require(Self.approved(Self.breakout("PB", entry: "50.00", last: "50.40", stop: "49.00", target: "52.00")))
        #expect(pullback.intent.type == .limit && pullback.intent.limitPrice == T.p("50"))
        let plan = EntryPlan.plan(side: .long, entry: T.p("50"), stop: T.p("49"), market: T.p("50.40"), preferred: .market)
        #expect(plan.type == .market && plan.expectedFill == T.p("50.40"), "a market order is judged at the ask")
        let short = EntryPlan.plan(side: .short, entry: T.p("30"), stop: T.p("31"), market: T.p("30.50"), preferred: .limit)
        #expect(short.type == .stopLimit && short.stopPrice == T.p("30") && short.limitPrice == T.p("29.9"), "a breakdown mirrors a breakout")
    }

    /// For any long proposal and market: the expected fill is above the stop, a stop-limit's cap is above
    /// its trigger, the position is sized at the expected fill, and a market at or under the stop is refused.
    @Test func noApprovedLongCanFillAtOrBelowItsStop() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 200...20_000), Gen.int(in: 5...100), Gen.int(in: -150...50), Gen.int(in: 15...40)
        ) { cents, riskBP, marketBP, rewardTenths in
            let entry = Price(Decimal(cents) / 100)
            let r = DecimalText.round(entry.value * Decimal(riskBP) / 1000, scale: 2)
            let stop = Price(entry.value - max(r, Decimal(string: "0.02")!))
            let target = Price(DecimalText.round(entry.value + (entry.value - stop.value) * Decimal(rewardTenths) / 10, scale: 2))
            let market = Price(DecimalText.round(entry.value * (1 + Decimal(marketBP) / 1000), scale: 2))
            var p = T.proposal("PROP", entry: "\(entry.value)", stop: "\(stop.value)", target: "\(target.value)", atr: nil)
            p.features.price = market
            var e = F.evaluation("ap-prop", p, riskPerTrade: DecimalValue("0.01"))
            e.marketPrice = market
            e.entryStyle = .breakout
            let events = decided(Risk.self, .evaluate(e), Risk.fold([F.dayOpened]))
            if market <= stop {
                #expect(F.codes(events).contains(.entryBeyondStop), "market \(market) stop \(stop)")
                return
            }
            guard case .approved(let a)? = events.first else { return }
            let fill = a.assessment.referencePrice
            #expect(fill > stop, "expected fill \(fill) at or below stop \(stop)")
            #expect(a.assessment.riskPerShare.value == fill.value - stop.value)
            #expect(a.intent.quantity.shares * a.assessment.riskPerShare.value <= 1000, "risk budget 1 % of 100,000 at the expected fill")
            if market < entry {
                #expect(a.intent.type == .stopLimit && a.intent.stopPrice == entry && a.intent.limitPrice! > entry)
                #expect(a.intent.limitPrice == fill)
            } else {
                #expect(a.intent.type == .limit && a.intent.limitPrice == entry && fill == entry)
            }
        }
    }
}
