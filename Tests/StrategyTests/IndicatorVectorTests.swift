import Domain
import Foundation
import Testing

@testable import Strategy

/// Indicator values checked against externally published vectors: the TA-Lib
/// regression series recomputed to 6 decimals, and Achelis' worked examples as carried by Tulip's
/// `tests/atoz.txt` (published to 3–4 decimals, so compared at that precision).
struct TALibVectorTests {
    let d = TALibReferenceData.self

    @Test func smaMatchesTALib() {
        let sma = MovingAverage.sma(d.close, period: 30)
        #expect(sma[28].isNaN)
        expectClose(sma[29], 90.426333)
        expectClose(sma[251], 108.423667)
    }

    @Test func emaIsSMASeededLikeTALib() {
        let ema = MovingAverage.ema(d.close, period: 10, seed: .sma)
        #expect(ema[8].isNaN)
        expectClose(ema[9], 93.225500)
        expectClose(ema[10], 93.752682)
        expectClose(ema[29], 86.463654)
        expectClose(ema[251], 108.975212)
    }

    @Test func rsiIsWilderWithSimpleMeanSeed() {
        let rsi = RSI.wilder(d.close, period: 14)
        #expect(rsi[13].isNaN, "the first RSI needs period + 1 closes")
        expectClose(rsi[14], 49.147340)
        expectClose(rsi[15], 52.325553)
        expectClose(rsi[16], 46.072397)
        expectClose(rsi[251], 49.632102)
    }

    @Test func macdIsTALibAligned() {
        let m = MACD.taLib(d.close)
        #expect(m.macd[32].isNaN && m.signal[32].isNaN && m.histogram[32].isNaN)
        expectClose(m.macd[33], -1.973831)
        expectClose(m.signal[33], -2.707108)
        expectClose(m.histogram[33], 0.733276)
    }

    @Test func naiveMACDSeedingWouldDiffer() {
        // Guards the convention: seeding the fast EMA at index 11 gives −2.1835 at index 33, not TA-Lib's −1.9738.
        let fast = MovingAverage.ema(d.close, period: 12)
        let slow = MovingAverage.ema(d.close, period: 26)
        let naive = fast[33] - slow[33]
        #expect(abs(naive - -2.1835) < 0.001)
        #expect(abs(MACD.taLib(d.close).macd[33] - naive) > 0.1)
    }

    @Test func atrIsWilderWithTALibSeed() {
        let atr = ATR.wilder(high: d.high, low: d.low, close: d.close, period: 14)
        #expect(atr[13].isNaN)
        expectClose(atr[14], 3.578214)
        expectClose(atr[15], 3.487628)
        expectClose(atr[251], 3.260809)
        // NATR(14) = ATR / close × 100.
        expectClose(atr[14] / d.close[14] * 100, 3.932104)
    }

    @Test func bollingerUsesPopulationDeviation() {
        let bb = Bollinger.bands(d.close, period: 20, k: 2)
        #expect(bb.upper[18].isNaN)
        expectClose(bb.upper[19], 98.073395)
        expectClose(bb.middle[19], 92.891000)
        expectClose(bb.lower[19], 87.708605)
    }

    @Test func obvStartsAtZero() {
        let obv = OBV.fromZero(close: d.close, volume: d.volume)
        #expect(obv[0] == 0)
        expectClose(obv[251], -59_245_100)
    }
}

struct AchelisVectorTests {
    @Test func sma5Page207() {
        let x = [25, 24.875, 24.781, 24.594, 24.5, 24.625, 25.219, 27.25]
        let sma = MovingAverage.sma(x, period: 5)
        for (i, e) in [24.75, 24.675, 24.744, 25.238].enumerated() { expectClose(sma[4 + i], e, tolerance: 5e-4) }  // the book prints 3 decimals
    }

    @Test func ema5FirstValueSeededPage209() {
        let x = [25, 24.875, 24.781, 24.594, 24.5, 24.625, 25.219, 27.25]
        let ema = MovingAverage.ema(x, period: 5, seed: .firstValue)
        for (i, e) in [25, 24.958, 24.899, 24.797, 24.698, 24.674, 24.856, 25.654].enumerated() {
            expectClose(ema[i], e, tolerance: 5e-4)
        }
    }

    @Test func rsi5Page299() {
        let x = [
            37.875, 39.5, 38.75, 39.8125, 40, 39.875, 40.1875, 41.25, 41.125, 41.625, 41.25, 40.1875, 39.9375, 39.9375,
            40.5, 41.9375, 42.25, 42.25, 41.875, 41.875,
        ]
        let expected = [
            76.6667, 78.8679, 84.9158, 81.4863, 84.5968, 73.0851, 49.3173, 45.0119, 45.0119, 57.9252, 75.9596, 78.4676,
            78.4676, 65.6299, 65.6299,
        ]
        let rsi = RSI.wilder(x, period: 5)
        for (i, e) in expected.enumerated() { expectClose(rsi[5 + i], e, tolerance: 5e-5) }
    }

    @Test func atr4TulipSeedPage70() {
        let h = [
            12.3125, 12.25, 12.3125, 12.2812, 12.375, 12.375, 12.3125, 12.375, 12.5, 12.5938, 12.3438, 12.4062, 12.375,
            12.4062, 12.375, 12.2812, 12.25, 12.0625, 12.3125, 12.3125,
        ]
        let l = [
            12.1875, 12.1562, 12.1875, 12.125, 12.125, 12.2812, 12.1875, 12.1875, 12.2812, 12.3125, 12.2812, 12.2812,
            12.2812, 12.2812, 11.9688, 12.0938, 12, 11.6562, 12.1562, 12.125,
        ]
        let c = [
            12.25, 12.1875, 12.25, 12.1875, 12.375, 12.3125, 12.2188, 12.3438, 12.5, 12.375, 12.3438, 12.3438, 12.2812,
            12.375, 12.0938, 12.1562, 12.0625, 11.9688, 12.1875, 12.1562,
        ]
        let expected = [
            0.125, 0.1563, 0.1406, 0.1367, 0.1494, 0.1668, 0.1954, 0.17, 0.1587, 0.1425, 0.1381, 0.2052, 0.2007, 0.213,
            0.2614, 0.2819, 0.2583,
        ]
        let atr = ATR.wilder(high: h, low: l, close: c, period: 4, seed: .tulip)
        #expect(atr[2].isNaN)
        for (i, e) in expected.enumerated() { expectClose(atr[3 + i], e, tolerance: 1e-4) }
    }

    @Test func bollinger5Page73() {
        let x = [
            31.875, 32.125, 32.3125, 32.125, 31.875, 32.3125, 32.25, 32.4375, 32.8125, 32.375, 32.5, 32.4375, 32.75,
            33.1875, 33.0625, 33.0625, 33.125, 33.0625, 32.8125, 32.875, 33.25, 33.125,
        ]
        let bb = Bollinger.bands(x, period: 5, k: 2)
        expectClose(bb.lower[4], 31.7271, tolerance: 5e-5)
        expectClose(bb.middle[4], 32.0625, tolerance: 1e-9)
        expectClose(bb.upper[4], 32.3979, tolerance: 5e-5)
        expectClose(bb.lower[21], 32.7029, tolerance: 5e-5)
        expectClose(bb.upper[21], 33.3471, tolerance: 5e-5)
    }

    @Test func obvPage231() {
        let c = [20.5625, 20.375, 20.0625, 19.5, 19.8125, 19.8125, 20.0625, 20.0625, 20.375, 20.75]
        let v: [Double] = [27802, 16178, 22766, 46074, 22904, 20428, 29260, 30652, 38332, 40054]
        #expect(OBV.fromZero(close: c, volume: v) == [0, -16178, -38944, -85018, -62114, -62114, -32854, -32854, 5478, 45532])
    }

    @Test func wilderSmoothing5Page366() {
        let x = [62.125, 61.125, 62.3438, 65.3125, 63.9688, 63.4375, 63, 63.7812, 63.4062, 63.4062, 62.4375, 61.8438]
        let w = MovingAverage.ema(x, period: 5, k: 1.0 / 5, seed: .sma)
        for (i, e) in [62.975, 63.0675, 63.054, 63.1995, 63.2408, 63.2739, 63.1066, 62.8540].enumerated() {
            expectClose(w[4 + i], e, tolerance: 1e-4)
        }
    }
}

func expectClose(_ actual: Double, _ expected: Double, tolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(actual - expected) <= tolerance, "\(actual) is not within \(tolerance) of \(expected)", sourceLocation: sourceLocation)
}
