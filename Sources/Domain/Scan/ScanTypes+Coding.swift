import Foundation

// Explicit Codable for the scan value types so that their `Decimal` fields are written as strings,
// like every other decimal in the event payloads. Synthesised coding would write JSON numbers, which
// other readers of the log (psql, Python) parse as floats. Decoding still accepts numbers.
// Key names are unchanged from the types' own `CodingKeys`.

extension IndicatorValues {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sma20: try c.decodeDecimalIfPresent(forKey: .sma20), ema20: try c.decodeDecimalIfPresent(forKey: .ema20),
            rsi14: try c.decodeDecimalIfPresent(forKey: .rsi14), macd: try c.decodeDecimalIfPresent(forKey: .macd),
            macdSignal: try c.decodeDecimalIfPresent(forKey: .macdSignal),
            macdHistogram: try c.decodeDecimalIfPresent(forKey: .macdHistogram), atr14: try c.decodeDecimalIfPresent(forKey: .atr14),
            bollingerUpper: try c.decodeDecimalIfPresent(forKey: .bollingerUpper),
            bollingerMiddle: try c.decodeDecimalIfPresent(forKey: .bollingerMiddle),
            bollingerLower: try c.decodeDecimalIfPresent(forKey: .bollingerLower), obv: try c.decodeDecimalIfPresent(forKey: .obv),
            vwap: try c.decodeDecimalIfPresent(forKey: .vwap)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeDecimalIfPresent(sma20, forKey: .sma20)
        try c.encodeDecimalIfPresent(ema20, forKey: .ema20)
        try c.encodeDecimalIfPresent(rsi14, forKey: .rsi14)
        try c.encodeDecimalIfPresent(macd, forKey: .macd)
        try c.encodeDecimalIfPresent(macdSignal, forKey: .macdSignal)
        try c.encodeDecimalIfPresent(macdHistogram, forKey: .macdHistogram)
        try c.encodeDecimalIfPresent(atr14, forKey: .atr14)
        try c.encodeDecimalIfPresent(bollingerUpper, forKey: .bollingerUpper)
        try c.encodeDecimalIfPresent(bollingerMiddle, forKey: .bollingerMiddle)
        try c.encodeDecimalIfPresent(bollingerLower, forKey: .bollingerLower)
        try c.encodeDecimalIfPresent(obv, forKey: .obv)
        try c.encodeDecimalIfPresent(vwap, forKey: .vwap)
    }
}

extension ScoreComponents {
    private enum WireKeys: String, CodingKey { case catalyst, technical, pattern, momentum, volume, composite }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(
            catalyst: try c.decodeDecimal(forKey: .catalyst), technical: try c.decodeDecimal(forKey: .technical),
            pattern: try c.decodeDecimal(forKey: .pattern), momentum: try c.decodeDecimal(forKey: .momentum),
            volume: try c.decodeDecimal(forKey: .volume), composite: try c.decodeDecimal(forKey: .composite)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireKeys.self)
        try c.encodeDecimal(catalyst, forKey: .catalyst)
        try c.encodeDecimal(technical, forKey: .technical)
        try c.encodeDecimal(pattern, forKey: .pattern)
        try c.encodeDecimal(momentum, forKey: .momentum)
        try c.encodeDecimal(volume, forKey: .volume)
        try c.encodeDecimal(composite, forKey: .composite)
    }
}

extension FeatureSnapshot {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            symbol: try c.decode(Symbol.self, forKey: .symbol), sector: try c.decode(Sector.self, forKey: .sector),
            asOf: try c.decode(Date.self, forKey: .asOf), price: try c.decode(Price.self, forKey: .price),
            volume: try c.decode(Int64.self, forKey: .volume), relativeVolume: try c.decodeDecimalIfPresent(forKey: .relativeVolume),
            gapPercent: try c.decodeDecimalIfPresent(forKey: .gapPercent),
            changePercent: try c.decodeDecimalIfPresent(forKey: .changePercent),
            indicators: try c.decodeIfPresent(IndicatorValues.self, forKey: .indicators) ?? IndicatorValues(),
            newsIDs: try c.decodeIfPresent([NewsID].self, forKey: .newsIDs) ?? [],
            catalyst: try c.decodeIfPresent(CatalystType.self, forKey: .catalyst),
            catalystStrength: try c.decodeDecimalIfPresent(forKey: .catalystStrength),
            sentiment: try c.decodeDecimalIfPresent(forKey: .sentiment), pattern: try c.decodeIfPresent(PatternKind.self, forKey: .pattern),
            patternConfidence: try c.decodeDecimalIfPresent(forKey: .patternConfidence),
            scores: try c.decodeIfPresent(ScoreComponents.self, forKey: .scores),
            scoringVersion: try c.decode(String.self, forKey: .scoringVersion)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(sector, forKey: .sector)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(price, forKey: .price)
        try c.encode(volume, forKey: .volume)
        try c.encodeDecimalIfPresent(relativeVolume, forKey: .relativeVolume)
        try c.encodeDecimalIfPresent(gapPercent, forKey: .gapPercent)
        try c.encodeDecimalIfPresent(changePercent, forKey: .changePercent)
        try c.encode(indicators, forKey: .indicators)
        try c.encode(newsIDs, forKey: .newsIDs)
        try c.encodeIfPresent(catalyst, forKey: .catalyst)
        try c.encodeDecimalIfPresent(catalystStrength, forKey: .catalystStrength)
        try c.encodeDecimalIfPresent(sentiment, forKey: .sentiment)
        try c.encodeIfPresent(pattern, forKey: .pattern)
        try c.encodeDecimalIfPresent(patternConfidence, forKey: .patternConfidence)
        try c.encodeIfPresent(scores, forKey: .scores)
        try c.encode(scoringVersion, forKey: .scoringVersion)
    }
}

extension TradeProposal {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            symbol: try c.decode(Symbol.self, forKey: .symbol), side: try c.decode(PositionSide.self, forKey: .side),
            entry: try c.decode(Price.self, forKey: .entry), stop: try c.decode(Price.self, forKey: .stop),
            target: try c.decode(Price.self, forKey: .target), pattern: try c.decodeIfPresent(PatternKind.self, forKey: .pattern),
            confidence: try c.decodeDecimal(forKey: .confidence), compositeScore: try c.decodeDecimal(forKey: .compositeScore),
            atr: try c.decodeDecimalIfPresent(forKey: .atr), features: try c.decode(FeatureSnapshot.self, forKey: .features)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(side, forKey: .side)
        try c.encode(entry, forKey: .entry)
        try c.encode(stop, forKey: .stop)
        try c.encode(target, forKey: .target)
        try c.encodeIfPresent(pattern, forKey: .pattern)
        try c.encodeDecimal(confidence, forKey: .confidence)
        try c.encodeDecimal(compositeScore, forKey: .compositeScore)
        try c.encodeDecimalIfPresent(atr, forKey: .atr)
        try c.encode(features, forKey: .features)
    }
}
