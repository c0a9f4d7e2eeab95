/// MACD, TA-Lib variant ("macd_talib_12_26_9").
///
/// Three incompatible MACDs exist (TA-Lib's, the naive one, Appel's fixed 0.15/0.075 smoothing); this is TA-Lib's:
/// - the slow EMA(26) is SMA-seeded and first defined at index 25;
/// - the fast EMA(12) is SMA-seeded over the 12 inputs *ending at index 25* (indices 14…25), so both
///   lines start together; the naive variant seeds the fast EMA at index 11 and gives different numbers;
/// - the signal is an SMA-seeded EMA(9) of the MACD line;
/// - like TA-Lib, all three outputs start together at index 33 (= 25 + 8) for 12/26/9.
public enum MACD {
    public struct Output: Sendable, Hashable {
        public var macd: [Double]
        public var signal: [Double]
        public var histogram: [Double]
    }

    public static func taLib(_ close: [Double], fast: Int = 12, slow: Int = 26, signal: Int = 9) -> Output {
        precondition(fast >= 1 && slow > fast && signal >= 1, "need 1 ≤ fast < slow and signal ≥ 1")
        let n = close.count
        let empty = [Double](repeating: .nan, count: n)
        let firstSlow = slow - 1
        guard n > firstSlow else { return Output(macd: empty, signal: empty, histogram: empty) }

        let slowEMA = MovingAverage.ema(close, period: slow, seed: .sma)
        // Fast EMA seeded on the window that ends where the slow EMA starts.
        let seedStart = firstSlow - (fast - 1)
        let fastTail = MovingAverage.ema(Array(close[seedStart...]), period: fast, seed: .sma)
        var line = empty
        for i in firstSlow..<n { line[i] = fastTail[i - seedStart] - slowEMA[i] }

        let signalLine = MovingAverage.emaOfDefined(line, period: signal)
        let firstOutput = firstSlow + signal - 1
        var macdOut = empty
        var signalOut = empty
        var hist = empty
        if n > firstOutput {
            for i in firstOutput..<n {
                macdOut[i] = line[i]
                signalOut[i] = signalLine[i]
                hist[i] = line[i] - signalLine[i]
            }
        }
        return Output(macd: macdOut, signal: signalOut, histogram: hist)
    }
}
