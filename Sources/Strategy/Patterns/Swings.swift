/// Swing points: the turning points that chart patterns are drawn between.
enum Swings {
    struct Pivot: Hashable {
        var index: Int
        var price: Double
        var isHigh: Bool
    }

    /// Fractal pivot highs: bars whose high is above the `k` bars to the left and not below the `k` bars
    /// to the right (so a flat top yields one pivot, at its first bar).
    static func pivotHighs(_ high: [Double], k: Int, in range: ClosedRange<Int>) -> [Int] {
        var out: [Int] = []
        for i in range where i - k >= 0 && i + k < high.count {
            var ok = true
            for j in (i - k)..<i where high[j] >= high[i] { ok = false; break }
            if ok { for j in (i + 1)...(i + k) where high[j] > high[i] { ok = false; break } }
            if ok { out.append(i) }
        }
        return out
    }

    /// Fractal pivot lows, mirror of `pivotHighs`.
    static func pivotLows(_ low: [Double], k: Int, in range: ClosedRange<Int>) -> [Int] {
        var out: [Int] = []
        for i in range where i - k >= 0 && i + k < low.count {
            var ok = true
            for j in (i - k)..<i where low[j] <= low[i] { ok = false; break }
            if ok { for j in (i + 1)...(i + k) where low[j] < low[i] { ok = false; break } }
            if ok { out.append(i) }
        }
        return out
    }

    /// ZigZag over highs and lows: alternating swing highs and lows, each at least `threshold`
    /// (a fraction, e.g. 0.005) away from the previous one. The last pivot is the current extreme and
    /// may still move.
    static func zigzag(high: [Double], low: [Double], from start: Int, threshold: Double) -> [Pivot] {
        let n = high.count
        guard start < n else { return [] }
        var pivots: [Pivot] = []
        // Direction unknown until price has moved `threshold` from the first bar's range.
        var hiIdx = start
        var loIdx = start
        var direction = 0  // +1 looking for a high, −1 looking for a low
        var i = start + 1
        while i < n, direction == 0 {
            if high[i] > high[hiIdx] { hiIdx = i }
            if low[i] < low[loIdx] { loIdx = i }
            if high[hiIdx] >= low[loIdx] * (1 + threshold) {
                // Whichever extreme came first is the first pivot.
                if loIdx < hiIdx {
                    pivots.append(Pivot(index: loIdx, price: low[loIdx], isHigh: false))
                    direction = 1
                } else {
                    pivots.append(Pivot(index: hiIdx, price: high[hiIdx], isHigh: true))
                    direction = -1
                }
            }
            i += 1
        }
        guard direction != 0 else { return [] }
        var ext = direction == 1 ? hiIdx : loIdx
        while i < n {
            if direction == 1 {
                if high[i] > high[ext] {
                    ext = i
                } else if low[i] <= high[ext] * (1 - threshold) {
                    pivots.append(Pivot(index: ext, price: high[ext], isHigh: true))
                    direction = -1
                    ext = i
                }
            } else {
                if low[i] < low[ext] {
                    ext = i
                } else if high[i] >= low[ext] * (1 + threshold) {
                    pivots.append(Pivot(index: ext, price: low[ext], isHigh: false))
                    direction = 1
                    ext = i
                }
            }
            i += 1
        }
        pivots.append(Pivot(index: ext, price: direction == 1 ? high[ext] : low[ext], isHigh: direction == 1))
        return pivots
    }
}
