import Domain
import Foundation

/// One price the ledger recorded for a symbol: a monitor tick's `observation.candidate_prices` entry or a
/// `risk.marks_recorded` mark. `dayHigh`/`dayLow` are the session's running extremes when the observation
/// carries them (candidate observations do; marks do not).
struct PricePoint: Sendable {
    var at: Date
    /// The global log position of the event that recorded it.
    var position: Int64
    var last: Decimal
    var dayHigh: Decimal?
    var dayLow: Decimal?
}

/// Every recorded price of one symbol, in observation-time order (log position breaks ties).
struct PricePath: Sendable {
    private(set) var points: [PricePoint] = []
    private var sorted = true

    mutating func append(_ p: PricePoint) {
        if let last = points.last {
            // Several cycles observe the same symbol on the same tick: one point per tick is enough.
            if last.at == p.at && last.last == p.last && last.dayHigh == p.dayHigh && last.dayLow == p.dayLow { return }
            if (p.at, p.position) < (last.at, last.position) { sorted = false }
        }
        points.append(p)
    }

    mutating func finish() {
        if !sorted { points.sort { ($0.at, $0.position) < ($1.at, $1.position) } }
        sorted = true
    }

    /// Index of the first point at or after `t`, searching from `lower` (binary search; points sorted).
    func firstIndex(atOrAfter t: Date, from lower: Int) -> Int {
        var lo = lower, hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].at < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the first point strictly after `t` (binary search; points sorted).
    func firstIndex(after t: Date) -> Int {
        var lo = 0, hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].at <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The New York day around an instant, as the instants of its midnight and the next: the last one found is
/// kept, so the rows of one day (rows come in log order) cost one calendar lookup instead of three each.
struct DayWindow {
    private var start = Date.distantFuture
    private var end = Date.distantPast

    mutating func bounds(of t: Date) -> (start: Date, end: Date) {
        if start <= t && t < end { return (start, end) }
        let day = NYDate(t)
        start = day.at(hour: 0, minute: 0)
        end = day.adding(days: 1).at(hour: 0, minute: 0)
        return (start, end)
    }
}

/// What the recorded prices after a decision say about it: forward returns and the triple barrier.
struct Outcome: Sendable {
    var forward: [Decimal?] = [nil, nil, nil, nil]  // 5m, 15m, 60m, end of day
    var upper: Decimal?
    var lower: Decimal?
    var vertical: Date?
    var label: Int?
    var barrierHit = "no_observations"
    var t1: Date?
    /// The return (price move / decision price) at `t1`, signed by price direction.
    var returnAtT1: Decimal?
    var ambiguous = false
    var observations = 0
}

enum OutcomeCalculator {
    static let horizons: [TimeInterval] = [300, 900, 3600]
    /// A forward return at `t0 + h` uses the first price observed in `[t0 + h, t0 + h + tolerance]`; the
    /// monitor observes once a minute, so a later first price means the symbol was not watched then.
    static let tolerance: TimeInterval = 120

    /// Labels one decision from `path`, reading only points recorded after the decision: observed after
    /// `t0` and appended after the decision event (`decisionPosition`). The running day high/low baseline
    /// is the last point observed at or before `t0` that was already in the log before the decision.
    static func outcome(
        path: PricePath?, t0: Date, decisionPosition: Int64, price p0: Decimal, side: PositionSide, trgt: Decimal?, spec: BarrierSpec,
        days: inout DayWindow
    ) -> Outcome {
        var o = Outcome()
        // Day bounds as instants: comparing dates is far cheaper than a calendar lookup per point.
        let (dayStart, dayEnd) = days.bounds(of: t0)
        if let trgt, trgt > 0 {
            let up = side == .long ? spec.profitTaking : spec.stopLoss
            let down = side == .long ? spec.stopLoss : spec.profitTaking
            o.upper = up > 0 ? p0 + up * trgt : nil
            o.lower = down > 0 ? p0 - down * trgt : nil
        }
        o.vertical = t0.addingTimeInterval(spec.horizon)
        guard let path, p0 > 0 else { return o }
        let points = path.points
        let start = path.firstIndex(after: t0)
        // The points after the decision: observed after t0 and before the day's end, and appended to the log
        // after the decision event. Walked in place (a candidate's day can hold hundreds of points).
        let end = path.firstIndex(atOrAfter: dayEnd, from: start)
        @inline(__always) func isAfter(_ i: Int) -> Bool { points[i].position > decisionPosition }
        var observations = 0
        var lastAfter = -1
        for i in start..<end where isAfter(i) {
            observations += 1
            lastAfter = i
        }
        o.observations = observations
        guard lastAfter >= 0 else { return o }

        var next = start
        for (h, horizon) in horizons.enumerated() {
            let due = t0.addingTimeInterval(horizon)
            while next < end && (points[next].at < due || !isAfter(next)) { next += 1 }
            if next < end, points[next].at <= due.addingTimeInterval(tolerance) { o.forward[h] = ret(points[next].last, p0) }
        }
        o.forward[3] = ret(points[lastAfter].last, p0)

        var baseHigh: Decimal?
        var baseLow: Decimal?
        if start > 0 {
            for p in points[..<start].reversed() where p.position < decisionPosition {
                if p.at >= dayStart { baseHigh = p.dayHigh; baseLow = p.dayLow }
                break
            }
        }
        guard o.upper != nil || o.lower != nil else {
            o.barrierHit = "no_target"
            return o
        }
        let vertical = o.vertical!
        var lastInWindow: PricePoint?
        for i in start..<end where isAfter(i) {
            let p = points[i]
            guard p.at <= vertical else { break }
            lastInWindow = p
            // A new session high (low) printed since the previous observation and beyond the barrier proves a
            // touch within the interval, even when the last price is back inside.
            let upTouched = o.upper.map { u in p.last >= u || (p.dayHigh.map { h in h >= u && baseHigh.map { h > $0 } ?? false } ?? false) } ?? false
            let downTouched = o.lower.map { l in p.last <= l || (p.dayLow.map { lo in lo <= l && baseLow.map { lo < $0 } ?? false } ?? false) } ?? false
            baseHigh = p.dayHigh ?? baseHigh
            baseLow = p.dayLow ?? baseLow
            guard upTouched || downTouched else { continue }
            o.t1 = p.at
            if upTouched && downTouched {
                // Both barriers inside one interval: pessimistic, the stop counts first (as freqtrade does).
                o.ambiguous = true
                o.label = side == .long ? -1 : 1
            } else {
                o.label = upTouched ? 1 : -1
            }
            o.barrierHit = o.label == 1 ? "upper" : "lower"
            o.returnAtT1 = ret(o.label == 1 ? o.upper! : o.lower!, p0)
            return o
        }
        guard let v = lastInWindow else { return o }
        o.label = 0
        o.barrierHit = "vertical"
        o.t1 = v.at
        o.returnAtT1 = ret(v.last, p0)
        return o
    }

    static func ret(_ p: Decimal, _ p0: Decimal) -> Decimal { DecimalText.round(p / p0 - 1, scale: 6) }
}
