/// Relative Strength Index, Wilder's definition (TA-Lib, Lean default, Achelis).
///
/// Convention (named because others exist: EMA smoothing, α = 2/(n+1); a 0–1 scale; a first value one bar early):
/// - changes dᵢ = closeᵢ − closeᵢ₋₁; gains max(d, 0), losses max(−d, 0);
/// - the first average gain/loss is the *simple mean* of the first `period` changes, so the first RSI is
///   at index `period` (it needs `period + 1` closes);
/// - then Wilder smoothing: avg = (avg·(period − 1) + current) / period (α = 1/period, not 2/(n+1));
/// - scale 0–100. When both averages are 0 (a perfectly flat stretch) RSI is undefined and we return
///   `.nan` rather than inventing 50 or 0.
public enum RSI {
    public static func wilder(_ close: [Double], period: Int = 14) -> [Double] {
        precondition(period >= 1, "period must be positive")
        var out = [Double](repeating: .nan, count: close.count)
        guard close.count > period else { return out }
        var gain = 0.0
        var loss = 0.0
        for i in 1...period {
            let d = close[i] - close[i - 1]
            if d > 0 { gain += d } else { loss -= d }
        }
        let n = Double(period)
        gain /= n
        loss /= n
        out[period] = value(gain: gain, loss: loss)
        var i = period + 1
        while i < close.count {
            let d = close[i] - close[i - 1]
            gain = (gain * (n - 1) + (d > 0 ? d : 0)) / n
            loss = (loss * (n - 1) + (d < 0 ? -d : 0)) / n
            out[i] = value(gain: gain, loss: loss)
            i += 1
        }
        return out
    }

    @inline(__always) static func value(gain: Double, loss: Double) -> Double {
        let total = gain + loss
        guard total > 0 else { return .nan }
        return 100 * gain / total
    }
}
