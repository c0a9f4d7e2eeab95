/// Bollinger Bands(period, k) on an SMA middle band with the **population** standard deviation
/// (divide by n, as TA-Lib, Achelis and Lean do; pandas' default n − 1 gives different numbers).
///
/// The deviation is computed two-pass per window (mean first, then squared deviations), which costs
/// `period` operations per bar but never loses precision to cancellation the way Σx² − (Σx)²/n does.
public enum Bollinger {
    public struct Output: Sendable, Hashable {
        public var upper: [Double]
        public var middle: [Double]
        public var lower: [Double]
    }

    public static func bands(_ x: [Double], period: Int = 20, k: Double = 2) -> Output {
        precondition(period >= 1, "period must be positive")
        let n = x.count
        let middle = MovingAverage.sma(x, period: period)
        var upper = [Double](repeating: .nan, count: n)
        var lower = [Double](repeating: .nan, count: n)
        if n >= period {
            let p = Double(period)
            x.withUnsafeBufferPointer { xs in
                for i in (period - 1)..<n {
                    // Recompute the mean from the window itself so that the deviation uses the same sum.
                    var sum = 0.0
                    for j in (i - period + 1)...i { sum += xs[j] }
                    let mean = sum / p
                    var ss = 0.0
                    for j in (i - period + 1)...i {
                        let d = xs[j] - mean
                        ss += d * d
                    }
                    let sd = (ss / p).squareRoot()
                    upper[i] = middle[i] + k * sd
                    lower[i] = middle[i] - k * sd
                }
            }
        }
        return Output(upper: upper, middle: middle, lower: lower)
    }
}
