/// Bollinger Bands(period, k) on an SMA middle band with the **population** standard deviation
/// (divide by n, as TA-Lib, Achelis and Lean do; pandas' default n − 1 gives different numbers).
///
/// The deviation slides with the window using Welford's update for a replaced value, which stays
/// accurate where Σx² − (Σx)²/n would cancel catastrophically; every 64 bars the window is recomputed
/// two-pass so that rounding cannot accumulate over long series.
public enum Bollinger {
    public struct Output: Sendable, Hashable {
        public var upper: [Double]
        public var middle: [Double]
        public var lower: [Double]
    }

    public static func bands(_ x: [Double], period: Int = 20, k: Double = 2) -> Output {
        precondition(period >= 1, "period must be positive")
        let n = x.count
        var middle = [Double](repeating: .nan, count: n)
        var upper = [Double](repeating: .nan, count: n)
        var lower = [Double](repeating: .nan, count: n)
        guard n >= period else { return Output(upper: upper, middle: middle, lower: lower) }
        let p = Double(period)
        x.withUnsafeBufferPointer { xs in
            var mean = 0.0
            var m2 = 0.0
            func exact(endingAt i: Int) {
                var sum = 0.0
                var j = i - period + 1
                while j <= i {
                    sum += xs[j]
                    j += 1
                }
                mean = sum / p
                m2 = 0
                j = i - period + 1
                while j <= i {
                    let d = xs[j] - mean
                    m2 += d * d
                    j += 1
                }
            }
            var i = period - 1
            exact(endingAt: i)
            while i < n {
                if i > period - 1 {
                    if (i - period + 1) % 64 == 0 {
                        exact(endingAt: i)
                    } else {
                        let incoming = xs[i]
                        let outgoing = xs[i - period]
                        let previousMean = mean
                        mean += (incoming - outgoing) / p
                        m2 += (incoming - outgoing) * (incoming - mean + outgoing - previousMean)
                    }
                }
                let sd = (max(m2, 0) / p).squareRoot()
                middle[i] = mean
                upper[i] = mean + k * sd
                lower[i] = mean - k * sd
                i += 1
            }
        }
        return Output(upper: upper, middle: middle, lower: lower)
    }
}
