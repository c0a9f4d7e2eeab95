/// Simple and exponential moving averages.
///
/// Every indicator returns one value per input bar; a value that is not defined yet (warm-up) or not
/// defined at all is `.nan`, never a made-up number. Callers turn `.nan` into nil or an empty field.
public enum MovingAverage {
    /// How an EMA gets its first value.
    public enum Seed: String, Sendable, Codable, CaseIterable {
        /// TA-Lib "classic" and Lean: the first output, at index `period − 1`, is the SMA of the first
        /// `period` inputs. Our default.
        case sma
        /// Achelis / Tulip / Nautilus: the first output, at index 0, is the first input.
        case firstValue
    }

    /// SMA(`period`): the mean of the last `period` inputs; first defined at index `period − 1`.
    public static func sma(_ x: [Double], period: Int) -> [Double] {
        precondition(period >= 1, "period must be positive")
        var out = [Double](repeating: .nan, count: x.count)
        guard x.count >= period else { return out }
        var sum = 0.0
        for i in 0..<period { sum += x[i] }
        out[period - 1] = sum / Double(period)
        var i = period
        while i < x.count {
            sum += x[i] - x[i - period]
            out[i] = sum / Double(period)
            i += 1
        }
        return out
    }

    /// EMA(`period`) with smoothing k = 2 / (period + 1) and the given seed.
    public static func ema(_ x: [Double], period: Int, seed: Seed = .sma) -> [Double] {
        ema(x, period: period, k: 2.0 / Double(period + 1), seed: seed)
    }

    /// EMA with an explicit smoothing factor `k` (Wilder's smoothing is k = 1 / period).
    public static func ema(_ x: [Double], period: Int, k: Double, seed: Seed) -> [Double] {
        precondition(period >= 1, "period must be positive")
        var out = [Double](repeating: .nan, count: x.count)
        switch seed {
        case .firstValue:
            guard !x.isEmpty else { return out }
            var value = x[0]
            out[0] = value
            for i in 1..<x.count {
                value += k * (x[i] - value)
                out[i] = value
            }
        case .sma:
            guard x.count >= period else { return out }
            var sum = 0.0
            for i in 0..<period { sum += x[i] }
            var value = sum / Double(period)
            out[period - 1] = value
            var i = period
            while i < x.count {
                value += k * (x[i] - value)
                out[i] = value
                i += 1
            }
        }
        return out
    }

    /// EMA over a series that itself starts with `.nan` warm-up values: seeded with the SMA of the first
    /// `period` defined values (TA-Lib's rule for the MACD signal line).
    static func emaOfDefined(_ x: [Double], period: Int) -> [Double] {
        guard let first = x.firstIndex(where: { !$0.isNaN }) else { return [Double](repeating: .nan, count: x.count) }
        let tail = ema(Array(x[first...]), period: period, seed: .sma)
        return [Double](repeating: .nan, count: first) + tail
    }
}
