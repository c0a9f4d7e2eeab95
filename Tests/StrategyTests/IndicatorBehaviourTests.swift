import Domain
import Foundation
import Testing

@testable import Strategy

/// Conventions that are ours rather than a published vector's: warm-up, VWAP anchoring, undefined values.
struct IndicatorBehaviourTests {
    static let day = NYDate(year: 2025, month: 3, day: 14)!

    static func minuteSeries(from hour: Int, _ minute: Int, closes: [Double], volume: Double = 1000, vwap: Double = .nan) -> BarSeries {
        var s = BarSeries()
        let t0 = day.at(hour: hour, minute: minute)
        for (i, c) in closes.enumerated() {
            let t = t0.addingTimeInterval(Double(i) * 60)
            s.append(start: t, open: c, high: c + 0.1, low: c - 0.1, close: c, volume: volume, vwap: vwap, availableAt: t.addingTimeInterval(60))
        }
        return s
    }

    @Test func shortDataGivesUndefinedNotDefaults() {
        // The original system defaulted RSI to 50, MAs to the last close and ATR to 2 % on short data.
        let table = IndicatorTable(Self.minuteSeries(from: 9, 30, closes: [10, 10.5, 11]))
        let v = table.values(at: 2)
        #expect(v.sma20 == nil && v.ema20 == nil && v.rsi14 == nil && v.macd == nil && v.atr14 == nil)
        #expect(v.bollingerUpper == nil)
        #expect(v.obv != nil && v.vwap != nil, "OBV and VWAP are defined from the first session bar")
    }

    @Test func flatSeriesHasUndefinedRSI() {
        let rsi = RSI.wilder([Double](repeating: 5, count: 30), period: 14)
        #expect(rsi.allSatisfy { $0.isNaN })
    }

    @Test func vwapIsAnchoredAtTheOpenAndIgnoresPreMarket() {
        var s = Self.minuteSeries(from: 9, 28, closes: [50, 50, 10, 20])
        let vwap = SessionVWAP.compute(s)
        #expect(vwap[0].isNaN && vwap[1].isNaN, "pre-market bars are outside the session")
        expectClose(vwap[2], 10)
        expectClose(vwap[3], 15)
        // A bar's own vw replaces the typical price.
        s = Self.minuteSeries(from: 9, 30, closes: [10, 20], vwap: 12)
        expectClose(SessionVWAP.compute(s)[1], 12)
    }

    @Test func vwapResetsEachSession() {
        var s = Self.minuteSeries(from: 15, 58, closes: [10, 10])
        let next = NYDate(year: 2025, month: 3, day: 17)!.at(hour: 9, minute: 30)
        s.append(start: next, open: 30, high: 30.1, low: 29.9, close: 30, volume: 1000)
        let vwap = SessionVWAP.compute(s)
        expectClose(vwap[2], 30)
    }

    @Test func slidingBollingerMatchesTwoPassOverLongSeries() {
        // 20 passes over the TA-Lib series, shifted upward so that cancellation would show.
        let x = (0..<20).flatMap { k in TALibReferenceData.close.map { $0 + 1000 * Double(k) } }
        let bb = Bollinger.bands(x, period: 20, k: 2)
        for i in stride(from: 19, to: x.count, by: 37) {
            let w = x[(i - 19)...i]
            let mean = w.reduce(0, +) / 20
            let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 20).squareRoot()
            expectClose(bb.middle[i], mean, tolerance: 1e-9)
            expectClose(bb.upper[i], mean + 2 * sd, tolerance: 1e-6)
        }
    }

    @Test func nextMidnightIsNewYorkMidnightAcrossDST() {
        let summer = NYDate(year: 2025, month: 7, day: 1)!
        #expect(SessionVWAP.nextMidnight(after: summer.at(hour: 9, minute: 31)) == NYDate(year: 2025, month: 7, day: 2)!.at(hour: 0, minute: 0))
        let winter = NYDate(year: 2025, month: 12, day: 1)!
        #expect(SessionVWAP.nextMidnight(after: winter.at(hour: 15, minute: 59)) == NYDate(year: 2025, month: 12, day: 2)!.at(hour: 0, minute: 0))
    }

    @Test func relativeVolumeIsOneOnATypicalDay() {
        let adv = 1_000_000.0
        for x in [0.05, 0.25, 0.5, 0.9, 1.0] {
            let typical = adv * RelativeVolume.expectedCumulativeFraction(atFraction: x)
            expectClose(RelativeVolume.ratio(sessionVolume: typical, averageDailyVolume: adv, elapsedFraction: x), 1)
        }
        // The profile front-loads volume: more than 1/13 of the day trades in the first half hour.
        #expect(RelativeVolume.expectedCumulativeFraction(atFraction: 1.0 / 13) > 0.12)
        #expect(RelativeVolume.ratio(sessionVolume: 5, averageDailyVolume: 0, elapsedFraction: 0.5).isNaN)
    }

    @Test func recordedValuesAreRoundedTo6PlacesExactly() {
        #expect(FeatureValue.decimal6(1.23456749) == Decimal(string: "1.234567"))
        #expect(FeatureValue.decimal6(-1.2345676) == Decimal(string: "-1.234568"))
        #expect(FeatureValue.decimal6(.nan) == nil)
        #expect(FeatureValue.price(9.050000190734863) == Price(Decimal(string: "9.05")!))
        #expect(FeatureValue.price(0.123456) == Price(Decimal(string: "0.1235")!))
    }
}
