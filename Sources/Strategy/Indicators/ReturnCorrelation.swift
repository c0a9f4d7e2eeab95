import Domain
import Foundation

/// Pearson correlation of two symbols' daily close-to-close returns over their common days — the
/// `correlation` input of a risk decision (a new position too correlated with one already held adds
/// the same risk twice).
public enum ReturnCorrelation {
    /// Correlation over the last `window` common return days; nil with fewer than 10 common days or a
    /// flat series.
    public static func of(_ a: [Bar], _ b: [Bar], window: Int = 20) -> Double? {
        let ra = returns(a)
        let rb = returns(b)
        let common = Set(ra.keys).intersection(rb.keys).sorted().suffix(window)
        guard common.count >= 10 else { return nil }
        let x = common.map { ra[$0]! }
        let y = common.map { rb[$0]! }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Daily returns keyed by the bar's start.
    static func returns(_ bars: [Bar]) -> [Date: Double] {
        let sorted = bars.sorted { $0.start < $1.start }
        var out: [Date: Double] = [:]
        for (prev, cur) in zip(sorted, sorted.dropFirst()) {
            let p = NSDecimalNumber(decimal: prev.close.value).doubleValue
            guard p > 0 else { continue }
            out[cur.start] = NSDecimalNumber(decimal: cur.close.value).doubleValue / p - 1
        }
        return out
    }
}
