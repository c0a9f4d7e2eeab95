import Domain
import Foundation

/// The simulated market: a pool of tradable tickers in GICS sectors, each following a random walk on
/// cent ticks. Prices are exact decimals built from integers, so a seed gives identical histories.
extension LedgerSimulator {
    mutating func makeMarket() {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for i in 0..<options.tradableSymbols {
            let name = "T" + String(letters[(i / 26) % 26]) + String(letters[i % 26])
            let symbol = Symbol(name)!
            symbols.append(symbol)
            sectors[symbol] = rng.pick(Sector.allCases)
            prices[symbol] = Decimal(rng.int(500...20_000)) / 100
        }
    }

    /// One minute of the random walk. Prices stay above $1 so every tick is a cent.
    mutating func movePrices() {
        for symbol in symbols {
            let p = prices[symbol]!
            let cents = NSDecimalNumber(decimal: p * 100).doubleValue
            let next = max(100, (cents * (1 + options.volatility * rng.gaussian())).rounded())
            prices[symbol] = Decimal(Int(next)) / 100
        }
    }

    func price(_ symbol: Symbol) -> Price { Price(prices[symbol]!) }

    /// A decimal with `scale` fractional digits from a double, built from an integer (exact, stable).
    static func decimal(_ x: Double, scale: Int) -> Decimal {
        var factor = 1.0
        for _ in 0..<scale { factor *= 10 }
        var out = Decimal(Int((x * factor).rounded()))
        for _ in 0..<scale { out /= 10 }
        return out
    }

    /// The features the scanner recorded for one candidate.
    mutating func features(_ symbol: Symbol, at: Date) -> FeatureSnapshot {
        let p = prices[symbol]!
        let pd = NSDecimalNumber(decimal: p).doubleValue
        let atr = Self.decimal(pd * 0.01, scale: 4)
        let scores = ScoreComponents(
            catalyst: Self.decimal(rng.unit(), scale: 4), technical: Self.decimal(rng.unit(), scale: 4), pattern: Self.decimal(rng.unit(), scale: 4),
            momentum: Self.decimal(rng.unit(), scale: 4), volume: Self.decimal(rng.unit(), scale: 4), composite: Self.decimal(rng.unit(), scale: 4))
        let catalyst: CatalystType? = rng.chance(0.6) ? rng.pick(CatalystType.allCases) : nil
        let pattern: PatternKind? = rng.chance(0.5) ? rng.pick(PatternKind.allCases) : nil
        return FeatureSnapshot(
            symbol: symbol, sector: sectors[symbol]!, asOf: at, price: Price(p), volume: Int64(rng.int(50_000...5_000_000)),
            relativeVolume: Self.decimal(0.5 + 4 * rng.unit(), scale: 2), gapPercent: Self.decimal(8 * rng.unit() - 2, scale: 2),
            changePercent: Self.decimal(10 * rng.unit() - 3, scale: 2),
            indicators: IndicatorValues(
                sma20: Self.decimal(pd * (0.95 + 0.1 * rng.unit()), scale: 4), ema20: Self.decimal(pd * (0.95 + 0.1 * rng.unit()), scale: 4),
                rsi14: Self.decimal(20 + 60 * rng.unit(), scale: 2), macd: Self.decimal(rng.gaussian() * 0.2, scale: 4),
                macdSignal: Self.decimal(rng.gaussian() * 0.2, scale: 4), macdHistogram: Self.decimal(rng.gaussian() * 0.05, scale: 4), atr14: atr,
                bollingerUpper: Self.decimal(pd * 1.04, scale: 4), bollingerMiddle: Self.decimal(pd, scale: 4),
                bollingerLower: Self.decimal(pd * 0.96, scale: 4), obv: Decimal(rng.int(-1_000_000...1_000_000)),
                vwap: Self.decimal(pd * (0.98 + 0.04 * rng.unit()), scale: 4)),
            newsIDs: catalyst == nil ? [] : [NewsID(rawValue: "n-\(rng.int(1...999_999))")], catalyst: catalyst,
            catalystStrength: catalyst == nil ? nil : Self.decimal(rng.unit(), scale: 3), sentiment: Self.decimal(2 * rng.unit() - 1, scale: 3),
            pattern: pattern, patternConfidence: pattern == nil ? nil : Self.decimal(rng.unit(), scale: 3), scores: scores,
            scoringVersion: "sim-1")
    }

    /// The strategy's proposal for a finalist: stop 2.5 ATR away, target 5 ATR (reward/risk 2). A share
    /// of proposals is deliberately bad (reward/risk 0.8, or a 6 % stop) so risk denies them on rules.
    mutating func proposal(for f: FeatureSnapshot) -> TradeProposal {
        let side: PositionSide = rng.chance(options.shortShare) ? .short : .long
        let sign: Decimal = side == .long ? 1 : -1
        let entry = f.price.value
        let atr = f.indicators.atr14 ?? entry / 100
        var stop = entry - sign * atr * Decimal(string: "2.5")!
        var target = entry + sign * atr * 5
        if rng.chance(options.badProposalShare) {
            if rng.chance(0.5) {
                target = entry + sign * atr * 2
            } else {
                stop = entry - sign * entry * Decimal(string: "0.06")!
            }
        }
        return TradeProposal(
            symbol: f.symbol, side: side, entry: Price(entry), stop: Price(stop), target: Price(target), pattern: f.pattern,
            confidence: f.scores?.composite ?? 0, compositeScore: f.scores?.composite ?? 0, atr: atr, features: f)
    }
}
