import Foundation

@testable import Domain

/// Fixed inputs for the tests: a Monday session in New York and a few instruments.
enum T {
    static let day = NYDate("2026-03-09")!
    static let session = TradingSession.regular(day)
    static let account = AccountID(rawValue: "paper")

    /// A New York wall-clock instant on the test day.
    static func at(_ hour: Int, _ minute: Int, _ second: Int = 0) -> Date { day.at(hour: hour, minute: minute, second: second) }

    static let open = at(9, 30)
    static let t0 = at(10, 0)

    static func clock(_ now: Date, open: Bool = true) -> MarketClock {
        MarketClock(timestamp: now, isOpen: open, nextOpen: day.adding(days: 1).at(hour: 9, minute: 30), nextClose: at(16, 0), session: session)
    }

    static func sym(_ s: String) -> Symbol { Symbol(s)! }
    static func p(_ s: String) -> Price { Price(s)! }
    static func q(_ n: Int) -> Quantity { Quantity(n) }
    static func m(_ s: String) -> Money { Money(s)! }
    static func d(_ s: String) -> Decimal { Decimal(string: s)! }
    static func coid(_ s: String) -> ClientOrderID { ClientOrderID(s)! }

    static func features(_ symbol: String = "AAPL", price: String = "50", sector: Sector = .informationTechnology) -> FeatureSnapshot {
        FeatureSnapshot(
            symbol: sym(symbol), sector: sector, asOf: at(9, 59), price: p(price), volume: 1_250_000, relativeVolume: d("3.4"),
            gapPercent: d("4.2"), changePercent: d("5.1"),
            indicators: IndicatorValues(sma20: d("48.12"), ema20: d("48.5"), rsi14: d("63.2"), atr14: d("0.5"), vwap: d("49.87")),
            newsIDs: [NewsID(rawValue: "n-1")], catalyst: .earnings, catalystStrength: d("0.82"), sentiment: d("0.4"), pattern: .bullFlag,
            patternConfidence: d("0.77"),
            scores: ScoreComponents(catalyst: d("0.8"), technical: d("0.7"), pattern: d("0.77"), momentum: d("0.6"), volume: d("0.9"), composite: d("0.76")),
            scoringVersion: "s-1")
    }

    /// A long proposal: entry 50, stop 49 (2 × ATR 0.5), target 52 (R/R 2).
    static func proposal(
        _ symbol: String = "AAPL", entry: String = "50", stop: String = "49", target: String = "52", side: PositionSide = .long,
        atr: String? = "0.5", sector: Sector = .informationTechnology
    ) -> TradeProposal {
        TradeProposal(
            symbol: sym(symbol), side: side, entry: p(entry), stop: p(stop), target: p(target), pattern: .bullFlag, confidence: d("0.77"),
            compositeScore: d("0.76"), atr: atr.map { d($0) }, features: features(symbol, price: entry, sector: sector))
    }

    static let accountSnapshot = AccountSnapshot(equity: Money(100_000), buyingPower: Money(200_000), lastEquity: Money(100_000), asOf: at(9, 59))

    static func approvedIntent(_ symbol: String = "AAPL", qty: Int = 100, coid: String = "c-AAPL-1") -> OrderIntent {
        OrderIntent(
            clientOrderID: ClientOrderID(coid)!, symbol: sym(symbol), positionSide: .long, purpose: .entry, quantity: Quantity(qty), type: .limit,
            limitPrice: p("50"), timeInForce: .day, orderClass: .bracket, takeProfit: p("52"), stopLoss: p("49"))
    }

    static func assessment(qty: Int = 100) -> RiskAssessment {
        RiskAssessment(
            quantity: Quantity(qty), referencePrice: p("50"), notional: Money(Decimal(qty) * 50), riskPerShare: p("1"), rewardRisk: DecimalValue("2"),
            openPositions: 0, pendingEntries: 0, tradesToday: 0, consecutiveLosses: 0, dailyPnL: .zero, portfolioExposure: .zero,
            sectorExposure: .zero, equity: Money(100_000), buyingPower: Money(200_000))
    }

    static func approved(_ id: String = "ap-1", symbol: String = "AAPL", qty: Int = 100, coid: String = "c-AAPL-1") -> Risk.Approved {
        Risk.Approved(
            approvalID: ApprovalID(rawValue: id), cycleID: "cyc-1", signalID: "sig-1", decidedAt: t0,
            intent: approvedIntent(symbol, qty: qty, coid: coid), sector: .informationTechnology, assessment: assessment(qty: qty),
            parametersHash: RiskParameters.conservative.hash, inputs: inputs(symbol, coid: coid))
    }

    /// What a decision on `proposal(symbol)` records as its inputs.
    static func inputs(_ symbol: String = "AAPL", coid: String = "c-AAPL-1") -> Risk.EvaluationInputs {
        Risk.EvaluationInputs(
            Risk.Evaluation(
                approvalID: "ap-1", cycleID: "cyc-1", signalID: "sig-1", proposal: proposal(symbol), clientOrderID: self.coid(coid),
                riskPerTrade: DecimalValue("0.01"), maxPositions: 3, account: accountSnapshot,
                correlations: [SymbolCorrelation(symbol: sym("MSFT"), correlation: DecimalValue("0.42"))], now: t0, session: session))
    }

    static let evidence = BrokerEvidence(
        source: "GET /v2/positions/AAPL", fetchedAt: at(10, 30), symbol: sym("AAPL"), quantity: q(0), raw: #"{"code":40410000}"#)
}
