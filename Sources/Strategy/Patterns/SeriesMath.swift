/// Small helpers over index ranges of a column, shared by the pattern detectors.
enum SeriesMath {
    /// Index of the largest value in `range` (the earliest one on ties); nil for an empty range.
    static func argmax(_ x: [Double], _ range: ClosedRange<Int>) -> Int? {
        guard range.lowerBound >= 0, range.upperBound < x.count else { return nil }
        var best = range.lowerBound
        for i in range where x[i] > x[best] { best = i }
        return best
    }

    /// Index of the smallest value in `range` (the earliest one on ties); nil for an empty range.
    static func argmin(_ x: [Double], _ range: ClosedRange<Int>) -> Int? {
        guard range.lowerBound >= 0, range.upperBound < x.count else { return nil }
        var best = range.lowerBound
        for i in range where x[i] < x[best] { best = i }
        return best
    }

    static func max(_ x: [Double], _ range: ClosedRange<Int>) -> Double {
        var m = -Double.infinity
        for i in range { m = Swift.max(m, x[i]) }
        return m
    }

    static func min(_ x: [Double], _ range: ClosedRange<Int>) -> Double {
        var m = Double.infinity
        for i in range { m = Swift.min(m, x[i]) }
        return m
    }

    static func mean(_ x: [Double], _ range: ClosedRange<Int>) -> Double {
        var s = 0.0
        for i in range { s += x[i] }
        return s / Double(range.count)
    }

    /// Least-squares slope of x over its index in `range`, and the fit's R² (0 when x is constant).
    static func regression(_ x: [Double], _ range: ClosedRange<Int>) -> (slope: Double, r2: Double) {
        regression(points: range.map { (Double($0), x[$0]) })
    }

    static func regression(points: [(Double, Double)]) -> (slope: Double, r2: Double) {
        let n = Double(points.count)
        guard n >= 2 else { return (0, 0) }
        let mx = points.reduce(0) { $0 + $1.0 } / n
        let my = points.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (px, py) in points {
            sxy += (px - mx) * (py - my)
            sxx += (px - mx) * (px - mx)
            syy += (py - my) * (py - my)
        }
        guard sxx > 0 else { return (0, 0) }
        let slope = sxy / sxx
        let r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 0
        return (slope, r2)
    }

    /// Mean high − low over the last `count` bars: the "typical bar" used for tolerances.
    static func averageRange(_ s: BarSeries, last count: Int) -> Double {
        let n = s.count
        guard n > 0 else { return 0 }
        let from = Swift.max(0, n - count)
        var sum = 0.0
        for i in from..<n { sum += s.high[i] - s.low[i] }
        return sum / Double(n - from)
    }

    @inline(__always) static func clamp01(_ v: Double) -> Double { Swift.min(Swift.max(v, 0), 1) }
}
