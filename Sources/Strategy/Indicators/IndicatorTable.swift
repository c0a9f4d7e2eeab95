import Domain
import Foundation

/// Every indicator the strategy records, computed over one series, one column each (`.nan` = undefined).
///
/// Column names and conventions (the `catalyst indicators` CSV prints exactly these):
/// `sma_20` SMA(20) · `ema_20` EMA(20) SMA-seeded · `rsi_14` Wilder RSI(14) · `macd`, `macd_signal`,
/// `macd_hist` TA-Lib MACD(12, 26, 9) · `atr_14` Wilder ATR(14), TA-Lib seeding · `bb_upper`,
/// `bb_middle`, `bb_lower` Bollinger(20, 2, population σ) · `obv` OBV from 0 at the first bar ·
/// `vwap` session VWAP anchored at 09:30 New York.
public struct IndicatorTable: Sendable, Hashable {
    public static let csvHeader =
        "timestamp,sma_20,ema_20,rsi_14,macd,macd_signal,macd_hist,atr_14,bb_upper,bb_middle,bb_lower,obv,vwap"

    public var sma20: [Double]
    public var ema20: [Double]
    public var rsi14: [Double]
    public var macd: MACD.Output
    public var atr14: [Double]
    public var bollinger: Bollinger.Output
    public var obv: [Double]
    public var vwap: [Double]

    /// - Parameters:
    ///   - obvFrom: the bar OBV starts from (0 there, undefined before). The funnel passes the first bar
    ///     of today's session so that warm-up bars from earlier sessions do not leak into OBV.
    ///   - session: the session of a New York date, for VWAP anchoring.
    public init(_ s: BarSeries, obvFrom: Int = 0, session: (NYDate) -> TradingSession? = { TradingSession.regular($0) }) {
        sma20 = MovingAverage.sma(s.close, period: 20)
        ema20 = MovingAverage.ema(s.close, period: 20, seed: .sma)
        rsi14 = RSI.wilder(s.close, period: 14)
        macd = MACD.taLib(s.close)
        atr14 = ATR.wilder(high: s.high, low: s.low, close: s.close, period: 14, seed: .taLib)
        bollinger = Bollinger.bands(s.close, period: 20, k: 2)
        if obvFrom <= 0 {
            obv = OBV.fromZero(close: s.close, volume: s.volume)
        } else {
            let from = min(obvFrom, s.count)
            obv = [Double](repeating: .nan, count: from)
                + OBV.fromZero(close: Array(s.close[from...]), volume: Array(s.volume[from...]))
        }
        vwap = SessionVWAP.compute(s, session: session)
    }

    /// The columns of row `i` in CSV order (after the timestamp).
    public func row(_ i: Int) -> [Double] {
        [
            sma20[i], ema20[i], rsi14[i], macd.macd[i], macd.signal[i], macd.histogram[i], atr14[i],
            bollinger.upper[i], bollinger.middle[i], bollinger.lower[i], obv[i], vwap[i],
        ]
    }

    /// The recorded form of row `i`: `Decimal`s rounded to 6 places, nil where undefined.
    public func values(at i: Int) -> IndicatorValues {
        IndicatorValues(
            sma20: FeatureValue.decimal6(sma20[i]), ema20: FeatureValue.decimal6(ema20[i]),
            rsi14: FeatureValue.decimal6(rsi14[i]), macd: FeatureValue.decimal6(macd.macd[i]),
            macdSignal: FeatureValue.decimal6(macd.signal[i]), macdHistogram: FeatureValue.decimal6(macd.histogram[i]),
            atr14: FeatureValue.decimal6(atr14[i]), bollingerUpper: FeatureValue.decimal6(bollinger.upper[i]),
            bollingerMiddle: FeatureValue.decimal6(bollinger.middle[i]),
            bollingerLower: FeatureValue.decimal6(bollinger.lower[i]), obv: FeatureValue.decimal6(obv[i]),
            vwap: FeatureValue.decimal6(vwap[i])
        )
    }
}
