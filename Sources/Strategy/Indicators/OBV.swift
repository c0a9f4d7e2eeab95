/// On-Balance Volume, starting at 0 on the first bar given (Achelis / TA-Lib-style; some tools start at
/// the first bar's volume instead). A bar closing higher adds its volume, lower subtracts it, equal adds
/// nothing. The funnel passes only the current session's bars, so its OBV is session-anchored.
public enum OBV {
    public static func fromZero(close: [Double], volume: [Double]) -> [Double] {
        let n = close.count
        var out = [Double](repeating: .nan, count: n)
        guard n > 0 else { return out }
        var obv = 0.0
        out[0] = 0
        var i = 1
        while i < n {
            if close[i] > close[i - 1] {
                obv += volume[i]
            } else if close[i] < close[i - 1] {
                obv -= volume[i]
            }
            out[i] = obv
            i += 1
        }
        return out
    }
}
