import Foundation

/// One generated minute bar, in `Double` (converted to `Bar` only when handed out).
struct SimMinute: Sendable {
    var minute: Int
    var open: Double
    var high: Double
    var low: Double
    var close: Double
    var volume: Int64
    var vwap: Double
    var trades: Int
}

/// Builds a session's minute bars from its `DayPlan`.
///
/// - Prices: Brownian bridges in log space between the plan's anchors, with per-minute volatility
///   σ_day/√minutes scaled by the U-shaped activity curve (and doubled for half an hour after news),
///   clamped to the day's low and high. Anchors are hit exactly, so the minute bars aggregate to the
///   plan's open, high, low and close.
/// - Volume: the plan's daily volume spread over a U-shaped intraday profile (3× at the open and close,
///   0.6× at midday) with log-normal noise and a decaying spike after news; a minute that would print
///   under 100 shares prints nothing (no bar, as on a real feed) and its volume moves to the next bar,
///   so the bars always sum to the daily volume.
enum MinutePath {
    static func generate(_ plan: DayPlan, dailyVolatility sigma: Double, tradeSize: Double) -> [SimMinute] {
        var r = Xoshiro256(seed: plan.seed)
        let n = plan.minutes
        let perMinute = sigma / Double(n).squareRoot()
        let newsMinute = plan.catalyst?.minute ?? (plan.catalyst != nil ? 0 : -1_000)
        @inline(__always) func activity(_ i: Int) -> Double {
            let u = 2 * Double(i) / Double(n - 1) - 1
            return 0.6 + 2.4 * u * u
        }
        var closes = [Double](repeating: 0, count: n)
        var isAnchor = [Bool](repeating: false, count: n)
        for (a, b) in zip(plan.anchors, plan.anchors.dropFirst()) {
            let steps = b.minute - a.minute
            let la = log(a.price)
            let lb = log(b.price)
            var walk = [Double](repeating: 0, count: steps + 1)
            for k in 1...steps {
                let i = a.minute + k
                let boost = (i >= newsMinute && i < newsMinute + 30) ? 2.0 : 1.0
                walk[k] = walk[k - 1] + perMinute * activity(i).squareRoot() * boost * r.gaussian()
            }
            for k in 0...steps {
                let t = Double(k) / Double(steps)
                let bridge = walk[k] - t * walk[steps]
                let p = exp(la + (lb - la) * t + bridge)
                closes[a.minute + k] = min(max(Tick.round(p), plan.low), plan.high)
            }
            isAnchor[a.minute] = true
            isAnchor[b.minute] = true
        }
        for a in plan.anchors { closes[a.minute] = a.price }

        // Volume weights, then integer volumes that sum to the plan's volume exactly.
        var weights = [Double](repeating: 0, count: n)
        var total = 0.0
        for i in 0..<n {
            var w = activity(i) * exp(0.35 * r.gaussian())
            let since = i - newsMinute
            if since >= 0 && since < 120 { w *= 1 + 12 * exp(-Double(since) / 20) }
            // The legs of an in-play name trade on about three times the volume of the flags between them.
            if plan.surges.contains(where: { $0.contains(i) }) { w *= 3 }
            weights[i] = w
            total += w
        }
        var out: [SimMinute] = []
        out.reserveCapacity(n)
        var carried: Int64 = 0
        var assigned: Int64 = 0
        var previousClose = plan.open
        for i in 0..<n {
            var v = Int64(Double(plan.volume) * weights[i] / total) + carried
            if i == n - 1 { v = plan.volume - assigned }
            let o = previousClose
            let c = closes[i]
            let wick = perMinute * activity(i).squareRoot() * 0.3
            let h = min(plan.high, max(Tick.up(max(o, c) * exp(wick * abs(r.gaussian()))), max(o, c)))
            let l = max(plan.low, min(Tick.down(min(o, c) * exp(-wick * abs(r.gaussian()))), min(o, c)))
            let noise = r.gaussian()
            guard v >= 100 || isAnchor[i] else {
                carried = v
                continue
            }
            carried = 0
            assigned += v
            let vw = min(max(((o + h + l + c) / 4 + noise * (h - l) / 8), l), h)
            out.append(
                SimMinute(
                    minute: i, open: o, high: h, low: l, close: c, volume: max(v, 0), vwap: (vw * 10_000).rounded() / 10_000,
                    trades: max(1, Int(Double(max(v, 1)) / tradeSize))
                )
            )
            previousClose = c
        }
        return out
    }
}
