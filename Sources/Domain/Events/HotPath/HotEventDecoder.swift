import Foundation

/// Hand-written decoders for the event types that make up most of the log and that every replay reads:
/// `scan.candidate_evaluated` and `signal.generated` (a full feature snapshot each), and the price records
/// `observation.candidate_prices`, `risk.marks_recorded` and `position.marked`.
///
/// `JSONDecoder` spends most of a replay's time in keyed containers and string handling. These read
/// the bytes in place, through the same value parsers (`DecimalText`, `RFC3339`, `Symbol`) and with the
/// same rules for absent and null fields. They return nil for anything they do not read exactly as
/// `JSONDecoder` would, and `EventCodec` then decodes the payload the general way, so giving up is never
/// wrong. `HotEventDecoderTests` checks that both decoders agree on every such event of a simulated log
/// and on mutated payloads.
enum HotEventDecoder {
    /// The current-version payload of a hot event type, or nil (not hot, or left to `JSONDecoder`).
    static func decode(eventType: String, payload: Data) -> LedgerEvent? {
        switch eventType {
        case Cycle.CandidateEvaluated.eventType:
            return read(payload, candidateEvaluated).map { .cycle(.candidateEvaluated($0)) }
        case Observation.CandidatePrices.eventType:
            return read(payload, candidatePrices).map { .observation(.candidatePrices($0)) }
        case Cycle.SignalGenerated.eventType:
            return read(payload, signalGenerated).map { .cycle(.signalGenerated($0)) }
        case Position.Marked.eventType:
            return read(payload, positionMarked).map { .position(.marked($0)) }
        case Risk.MarksRecorded.eventType:
            return read(payload, marksRecorded).map { .risk(.marksRecorded($0)) }
        default:
            return nil
        }
    }

    static let hotTypes: Set<String> = [
        Cycle.CandidateEvaluated.eventType, Cycle.SignalGenerated.eventType, Observation.CandidatePrices.eventType, Position.Marked.eventType,
        Risk.MarksRecorded.eventType,
    ]

    static func isHot(_ eventType: String) -> Bool { hotTypes.contains(eventType) }

    /// Runs `reader` over the whole payload; nil unless it reads a value and nothing but whitespace follows.
    static func read<T>(_ payload: Data, _ reader: (inout JSONBytes) -> T?) -> T? {
        payload.withUnsafeBytes { raw in
            var json = JSONBytes(raw)
            guard let value = reader(&json), json.atEnd() else { return nil }
            return value
        }
    }

    // MARK: scan.candidate_evaluated

    private static let candidateEvaluatedKeys = JSONKeys(["cycle_id", "index", "evaluation"])

    static func candidateEvaluated(_ json: inout JSONBytes) -> Cycle.CandidateEvaluated? {
        var cycle: String?, index: Int64?, evaluation: CandidateEvaluation?
        let ok = json.object(candidateEvaluatedKeys) { json, k in
            switch k {
            case 0:
                cycle = json.string()
                return cycle != nil
            case 1:
                index = json.int64()
                return index != nil
            default:
                evaluation = candidateEvaluation(&json)
                return evaluation != nil
            }
        }
        guard ok, let cycle, let index, let evaluation, let i = Int(exactly: index) else { return nil }
        return Cycle.CandidateEvaluated(cycleID: CycleID(rawValue: cycle), index: i, evaluation: evaluation)
    }

    private static let evaluationKeys = JSONKeys(["features", "stage_reached", "final_rank", "rejection"])

    static func candidateEvaluation(_ json: inout JSONBytes) -> CandidateEvaluation? {
        var features: FeatureSnapshot?, stage: FunnelStage?, rank: Int?? = .some(nil), rejection: FunnelRejection?? = .some(nil)
        let ok = json.object(evaluationKeys) { json, k in
            switch k {
            case 0:
                features = featureSnapshot(&json)
                return features != nil
            case 1:
                stage = json.string().flatMap(FunnelStage.init(rawValue:))
                return stage != nil
            case 2:
                rank = json.null() ? .some(nil) : json.int64().flatMap { Int(exactly: $0) }.map { .some($0) }
                return rank != nil
            default:
                rejection = json.null() ? .some(nil) : funnelRejection(&json).map { .some($0) }
                return rejection != nil
            }
        }
        guard ok, let features, let stage, let rank, let rejection else { return nil }
        return CandidateEvaluation(features: features, stageReached: stage, finalRank: rank, rejection: rejection)
    }

    private static let rejectionKeys = JSONKeys(["stage", "reason", "detail"])

    static func funnelRejection(_ json: inout JSONBytes) -> FunnelRejection? {
        var stage: FunnelStage?, reason: String?, detail: String?
        let ok = json.object(rejectionKeys) { json, k in
            switch k {
            case 0:
                stage = json.string().flatMap(FunnelStage.init(rawValue:))
                return stage != nil
            case 1:
                reason = json.string()
                return reason != nil
            default:
                detail = json.string()
                return detail != nil
            }
        }
        guard ok, let stage, let reason, let detail else { return nil }
        return FunnelRejection(stage: stage, reason: reason, detail: detail)
    }

    private enum Feature: Int, CaseIterable {
        case symbol, sector, asOf, price, volume, relativeVolume, gapPercent, changePercent, indicators, newsIDs, catalyst
        case catalystStrength, sentiment, pattern, patternConfidence, scores, scoringVersion

        var key: String {
            switch self {
            case .symbol: "symbol"
            case .sector: "sector"
            case .asOf: "as_of"
            case .price: "price"
            case .volume: "volume"
            case .relativeVolume: "relative_volume"
            case .gapPercent: "gap_percent"
            case .changePercent: "change_percent"
            case .indicators: "indicators"
            case .newsIDs: "news_ids"
            case .catalyst: "catalyst"
            case .catalystStrength: "catalyst_strength"
            case .sentiment: "sentiment"
            case .pattern: "pattern"
            case .patternConfidence: "pattern_confidence"
            case .scores: "scores"
            case .scoringVersion: "scoring_version"
            }
        }
    }

    private static let featureKeys = JSONKeys(Feature.allCases.map(\.key))

    static func featureSnapshot(_ json: inout JSONBytes) -> FeatureSnapshot? {
        var symbol: Symbol?, sector: Sector?, asOf: Date?, price: Decimal?, volume: Int64?, scoringVersion: String?
        var relativeVolume: Decimal?, gap: Decimal?, change: Decimal?, strength: Decimal?, sentiment: Decimal?, confidence: Decimal?
        var indicators = IndicatorValues(), newsIDs: [NewsID] = [], catalyst: CatalystType?, pattern: PatternKind?, scores: ScoreComponents?
        let ok = json.object(featureKeys) { json, k in
            // Optional decimals: a present `null` is nil, as `decodeDecimalIfPresent` reads it.
            func optional(_ slot: inout Decimal?) -> Bool {
                guard let v = json.optionalDecimal() else { return false }
                slot = v
                return true
            }
            func optionalEnum<E: RawRepresentable>(_ slot: inout E?) -> Bool where E.RawValue == String {
                if json.null() { return true }
                slot = json.string().flatMap(E.init(rawValue:))
                return slot != nil
            }
            switch Feature(rawValue: k)! {
            case .symbol:
                symbol = json.string().flatMap(Symbol.init)
                return symbol != nil
            case .sector:
                sector = json.string().flatMap(Sector.init(rawValue:))
                return sector != nil
            case .asOf:
                asOf = json.date()
                return asOf != nil
            case .price:
                price = json.decimal()
                return price != nil
            case .volume:
                volume = json.int64()
                return volume != nil
            case .relativeVolume: return optional(&relativeVolume)
            case .gapPercent: return optional(&gap)
            case .changePercent: return optional(&change)
            case .catalystStrength: return optional(&strength)
            case .sentiment: return optional(&sentiment)
            case .patternConfidence: return optional(&confidence)
            case .catalyst: return optionalEnum(&catalyst)
            case .pattern: return optionalEnum(&pattern)
            case .indicators:
                if json.null() { return true }
                guard let v = indicatorValues(&json) else { return false }
                indicators = v
                return true
            case .newsIDs:
                if json.null() { return true }
                var ids: [NewsID] = []
                guard json.array({ json in
                    guard let s = json.string() else { return false }
                    ids.append(NewsID(rawValue: s))
                    return true
                }) else { return false }
                newsIDs = ids
                return true
            case .scores:
                if json.null() { return true }
                scores = scoreComponents(&json)
                return scores != nil
            case .scoringVersion:
                scoringVersion = json.string()
                return scoringVersion != nil
            }
        }
        guard ok, let symbol, let sector, let asOf, let price, let volume, let scoringVersion else { return nil }
        return FeatureSnapshot(
            symbol: symbol, sector: sector, asOf: asOf, price: Price(price), volume: volume, relativeVolume: relativeVolume, gapPercent: gap,
            changePercent: change, indicators: indicators, newsIDs: newsIDs, catalyst: catalyst, catalystStrength: strength,
            sentiment: sentiment, pattern: pattern, patternConfidence: confidence, scores: scores, scoringVersion: scoringVersion)
    }

    private static let indicatorKeys = JSONKeys([
        "sma_20", "ema_20", "rsi_14", "macd", "macd_signal", "macd_hist", "atr_14", "bb_upper", "bb_middle", "bb_lower", "obv", "vwap",
    ])

    static func indicatorValues(_ json: inout JSONBytes) -> IndicatorValues? {
        var v: [Decimal?] = Array(repeating: nil, count: 12)
        let ok = json.object(indicatorKeys) { json, k in
            guard let d = json.optionalDecimal() else { return false }
            v[k] = d
            return true
        }
        guard ok else { return nil }
        return IndicatorValues(
            sma20: v[0], ema20: v[1], rsi14: v[2], macd: v[3], macdSignal: v[4], macdHistogram: v[5], atr14: v[6], bollingerUpper: v[7],
            bollingerMiddle: v[8], bollingerLower: v[9], obv: v[10], vwap: v[11])
    }

    private static let scoreKeys = JSONKeys(["catalyst", "technical", "pattern", "momentum", "volume", "composite"])

    static func scoreComponents(_ json: inout JSONBytes) -> ScoreComponents? {
        var v: [Decimal?] = Array(repeating: nil, count: 6)
        let ok = json.object(scoreKeys) { json, k in
            v[k] = json.decimal()
            return v[k] != nil
        }
        guard ok, let c = v[0], let t = v[1], let p = v[2], let m = v[3], let vol = v[4], let comp = v[5] else { return nil }
        return ScoreComponents(catalyst: c, technical: t, pattern: p, momentum: m, volume: vol, composite: comp)
    }

    // MARK: observation.candidate_prices

    private static let candidatePricesKeys = JSONKeys(["cycle_id", "observed_at", "prices", "source"])

    static func candidatePrices(_ json: inout JSONBytes) -> Observation.CandidatePrices? {
        var cycle: String?, observedAt: Date?, prices: [CandidatePrice]?, source: String?
        let ok = json.object(candidatePricesKeys) { json, k in
            switch k {
            case 0:
                cycle = json.string()
                return cycle != nil
            case 1:
                observedAt = json.date()
                return observedAt != nil
            case 2:
                var list: [CandidatePrice] = []
                guard json.array({ json in
                    guard let p = candidatePrice(&json) else { return false }
                    list.append(p)
                    return true
                }) else { return false }
                prices = list
                return true
            default:
                source = json.string()
                return source != nil
            }
        }
        guard ok, let cycle, let observedAt, let prices, let source else { return nil }
        return Observation.CandidatePrices(cycleID: CycleID(rawValue: cycle), observedAt: observedAt, prices: prices, source: source)
    }

    private static let candidatePriceKeys = JSONKeys(["symbol", "last", "bid", "ask", "high", "low", "volume"])

    static func candidatePrice(_ json: inout JSONBytes) -> CandidatePrice? {
        var symbol: Symbol?, last: Decimal?, volume: Int64?
        var optional: [Decimal?] = [nil, nil, nil, nil]  // bid, ask, high, low
        let ok = json.object(candidatePriceKeys) { json, k in
            switch k {
            case 0:
                symbol = json.string().flatMap(Symbol.init)
                return symbol != nil
            case 1:
                last = json.decimal()
                return last != nil
            case 6:
                if json.null() { return true }
                volume = json.int64()
                return volume != nil
            default:
                guard let v = json.optionalDecimal() else { return false }
                optional[k - 2] = v
                return true
            }
        }
        guard ok, let symbol, let last else { return nil }
        return CandidatePrice(
            symbol: symbol, last: Price(last), bid: optional[0].map(Price.init), ask: optional[1].map(Price.init), high: optional[2].map(Price.init),
            low: optional[3].map(Price.init), volume: volume)
    }

    // MARK: position.marked

    private static let positionMarkedKeys = JSONKeys(["position_id", "price", "qty", "unrealized_pnl", "highest_price", "lowest_price", "at"])

    static func positionMarked(_ json: inout JSONBytes) -> Position.Marked? {
        var id: String?, at: Date?
        var d: [Decimal?] = [nil, nil, nil, nil, nil]  // price, qty, unrealized, highest, lowest
        let ok = json.object(positionMarkedKeys) { json, k in
            switch k {
            case 0:
                id = json.string()
                return id != nil
            case 6:
                at = json.date()
                return at != nil
            default:
                d[k - 1] = json.decimal()
                return d[k - 1] != nil
            }
        }
        guard ok, let id, let at, let price = d[0], let qty = d[1], let pnl = d[2], let high = d[3], let low = d[4] else { return nil }
        return Position.Marked(
            positionID: PositionID(rawValue: id), price: Price(price), quantity: Quantity(qty), unrealizedPnL: Money(pnl), highestPrice: Price(high),
            lowestPrice: Price(low), at: at)
    }

    // MARK: risk.marks_recorded

    private static let marksRecordedKeys = JSONKeys(["marked_at", "marks"])
    private static let symbolPriceKeys = JSONKeys(["symbol", "price"])

    static func marksRecorded(_ json: inout JSONBytes) -> Risk.MarksRecorded? {
        var at: Date?, marks: [SymbolPrice]?
        let ok = json.object(marksRecordedKeys) { json, k in
            if k == 0 {
                at = json.date()
                return at != nil
            }
            var list: [SymbolPrice] = []
            guard json.array({ json in
                var symbol: Symbol?, price: Decimal?
                guard json.object(symbolPriceKeys, { json, k in
                    if k == 0 {
                        symbol = json.string().flatMap(Symbol.init)
                        return symbol != nil
                    }
                    price = json.decimal()
                    return price != nil
                }), let symbol, let price else { return false }
                list.append(SymbolPrice(symbol, Price(price)))
                return true
            }) else { return false }
            marks = list
            return true
        }
        guard ok, let at, let marks else { return nil }
        return Risk.MarksRecorded(markedAt: at, marks: marks)
    }

    // MARK: signal.generated

    private static let signalKeys = JSONKeys(["signal_id", "cycle_id", "rank", "proposal", "generated_at"])

    static func signalGenerated(_ json: inout JSONBytes) -> Cycle.SignalGenerated? {
        var signal: String?, cycle: String?, rank: Int64?, proposal: TradeProposal?, at: Date?
        let ok = json.object(signalKeys) { json, k in
            switch k {
            case 0:
                signal = json.string()
                return signal != nil
            case 1:
                cycle = json.string()
                return cycle != nil
            case 2:
                rank = json.int64()
                return rank != nil
            case 3:
                proposal = tradeProposal(&json)
                return proposal != nil
            default:
                at = json.date()
                return at != nil
            }
        }
        guard ok, let signal, let cycle, let rank, let r = Int(exactly: rank), let proposal, let at else { return nil }
        return Cycle.SignalGenerated(signalID: SignalID(rawValue: signal), cycleID: CycleID(rawValue: cycle), rank: r, proposal: proposal, generatedAt: at)
    }

    private static let proposalKeys = JSONKeys([
        "symbol", "side", "entry", "stop", "target", "confidence", "composite_score", "atr", "pattern", "features",
    ])

    static func tradeProposal(_ json: inout JSONBytes) -> TradeProposal? {
        var symbol: Symbol?, side: PositionSide?, pattern: PatternKind?, features: FeatureSnapshot?
        var d: [Decimal?] = [nil, nil, nil, nil, nil]  // entry, stop, target, confidence, composite_score
        var atr: Decimal?
        let ok = json.object(proposalKeys) { json, k in
            switch k {
            case 0:
                symbol = json.string().flatMap(Symbol.init)
                return symbol != nil
            case 1:
                side = json.string().flatMap(PositionSide.init(rawValue:))
                return side != nil
            case 2, 3, 4, 5, 6:
                d[k - 2] = json.decimal()
                return d[k - 2] != nil
            case 7:
                guard let v = json.optionalDecimal() else { return false }
                atr = v
                return true
            case 8:
                if json.null() { return true }
                pattern = json.string().flatMap(PatternKind.init(rawValue:))
                return pattern != nil
            default:
                features = featureSnapshot(&json)
                return features != nil
            }
        }
        guard ok, let symbol, let side, let entry = d[0], let stop = d[1], let target = d[2], let confidence = d[3], let composite = d[4], let features
        else { return nil }
        return TradeProposal(
            symbol: symbol, side: side, entry: Price(entry), stop: Price(stop), target: Price(target), pattern: pattern, confidence: confidence,
            compositeScore: composite, atr: atr, features: features)
    }
}
