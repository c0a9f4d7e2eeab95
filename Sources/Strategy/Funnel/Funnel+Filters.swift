import Domain
import Foundation

/// The per-stage filters: nil when the candidate passes, else the recorded rejection.
extension Funnel {
    func catalystFilter(_ a: CandidateAnalysis) -> FunnelRejection? {
        let f = configuration.catalyst
        guard let strength = a.news.strength, let sentiment = a.news.sentiment, let type = a.news.catalyst else {
            return f.newsRequired
                ? RejectionReason.noCatalyst.at(.catalyst, "no news in the last \(formatted(f.maxNewsAgeHours)) h") : nil
        }
        if strength < f.minCatalystStrength {
            return RejectionReason.catalystTooWeak.at(
                .catalyst, "strongest item is \(type.rawValue) at \(formatted(strength)) < \(formatted(f.minCatalystStrength))"
            )
        }
        if sentiment < f.minSentiment {
            return RejectionReason.sentimentTooLow.at(.catalyst, "sentiment \(formatted(sentiment)) < \(formatted(f.minSentiment))")
        }
        return nil
    }

    func technicalFilter(_ a: CandidateAnalysis) -> FunnelRejection? {
        if let problem = a.dataProblem { return problem }
        guard let table = a.table else { return RejectionReason.missingData.at(.technical, "no minute bars") }
        let f = configuration.technical
        let i = a.lastIndex
        let close = a.lastClose
        let rsi = table.rsi14[i]
        guard !rsi.isNaN else { return RejectionReason.indicatorWarmup.at(.technical, "RSI(14) needs 15 minute bars") }
        if rsi < f.rsiMin || rsi > f.rsiMax {
            return RejectionReason.rsiOutOfBand.at(.technical, "RSI \(formatted(rsi)) outside \(formatted(f.rsiMin))–\(formatted(f.rsiMax))")
        }
        if f.requireAboveSMA20 {
            let sma = table.sma20[i]
            guard !sma.isNaN else { return RejectionReason.indicatorWarmup.at(.technical, "SMA(20) needs 20 minute bars") }
            if close <= sma { return RejectionReason.belowSMA20.at(.technical, "close \(formatted(close)) ≤ SMA20 \(formatted(sma))") }
        }
        if f.requireAboveVWAP {
            let vwap = table.vwap[i]
            guard !vwap.isNaN else { return RejectionReason.missingData.at(.technical, "no session VWAP yet") }
            if close <= vwap { return RejectionReason.belowVWAP.at(.technical, "close \(formatted(close)) ≤ VWAP \(formatted(vwap))") }
        }
        if f.requireMACDBullish {
            let hist = table.macd.histogram[i]
            guard !hist.isNaN else { return RejectionReason.indicatorWarmup.at(.technical, "MACD(12,26,9) needs 34 minute bars") }
            if hist <= 0 { return RejectionReason.macdNotBullish.at(.technical, "MACD histogram \(formatted(hist)) ≤ 0") }
        }
        guard let rv = a.features.relativeVolume?.doubleValue else {
            return RejectionReason.missingData.at(.technical, "relative volume is undefined")
        }
        if rv < f.minRelativeVolume {
            return RejectionReason.relativeVolumeTooLow.at(.technical, "relative volume \(formatted(rv)) < \(formatted(f.minRelativeVolume))")
        }
        if a.technicalScore == nil { return RejectionReason.indicatorWarmup.at(.technical, "technical score needs RSI and SMA20") }
        return nil
    }

    func patternFilter(_ a: CandidateAnalysis) -> FunnelRejection? {
        guard let best = a.bestPattern else {
            return RejectionReason.noPattern.at(.pattern, "none of \(configuration.patterns.enabled.map(\.rawValue).joined(separator: ", "))")
        }
        if best.confidence < configuration.patterns.minConfidence {
            return RejectionReason.patternConfidenceTooLow.at(
                .pattern, "best is \(best.kind.rawValue) at \(formatted(best.confidence)) < \(formatted(configuration.patterns.minConfidence))"
            )
        }
        return nil
    }

    func finalFilter(_ a: CandidateAnalysis) -> FunnelRejection? {
        guard let composite = a.composite else {
            return RejectionReason.missingData.at(.final, "a score component is undefined")
        }
        if composite < configuration.weights.minComposite {
            return RejectionReason.belowMinComposite.at(
                .final, "composite \(formatted(composite)) < \(formatted(configuration.weights.minComposite))"
            )
        }
        return nil
    }
}

/// Short, locale-independent numbers for rejection details.
func formatted(_ v: Double) -> String { String(format: "%.4g", v) }
