import Domain
import Foundation

/// One symbol's session, decided at the day level before any minute exists: open, close, the anchor
/// points the minute path must pass through (which fix the day's high and low), volume, the catalyst
/// and any feed outage. Daily bars come straight from here, so a month of history costs microseconds,
/// and the minute path (`MinutePath`) is built to agree with it exactly.
struct DayPlan: Sendable {
    let session: TradingSession
    let dayNumber: Int
    /// Regular-session minutes (390, or 210 on early closes).
    let minutes: Int
    let previousClose: Double
    let open: Double
    let close: Double
    let high: Double
    let low: Double
    let volume: Int64
    /// (minute, price) points the path passes through, increasing minutes, first at 0 and last at the
    /// final minute; prices on ticks. The day's high and low are anchors.
    let anchors: [(minute: Int, price: Double)]
    let catalyst: SimulatedCatalyst?
    /// Minute ranges of the in-play legs (the poles of a momentum staircase), traded on heavier volume
    /// than the flags between them; empty on ordinary days.
    let surges: [ClosedRange<Int>]
    /// Chatter that moves nothing: (receivedAt, headline, summary).
    let chatter: (Date, String, String)?
    /// Minute from which the feed sends nothing more today (0: nothing at all); nil for a normal day.
    let outageFrom: Int?
    let seed: UInt64
}

/// Builds `DayPlan`s. Closes follow a mean-reverting level: log(close/base) = Σₖ 0.95ᵏ·εₜ₋ₖ over the
/// last 40 calendar days, where ε is the day's normal shock plus any catalyst's move. Each ε depends
/// only on (seed, symbol, day), so every day is computable alone and all days agree with each other.
struct DayPlanner: Sendable {
    let seed: UInt64
    let calendar: NYSECalendar
    /// Share of symbol-sessions with a catalyst.
    let catalystRate: Double
    /// Share of symbol-sessions whose feed stops during the day (stale data for the scanner).
    let outageRate: Double

    static let memory = 40
    static let decay = 0.95

    enum Salt: UInt64 {
        case shock = 0x11, catalyst = 0x22, day = 0x33, path = 0x44, chatter = 0x55, outage = 0x66, momentum = 0x77
    }

    /// Share of good-news names that stay in play after the first reaction and trend for the rest of the
    /// morning and midday in steps (gap-and-go), instead of drifting into the close. Roughly half of
    /// US news gappers hold and extend their gap in the first hours while the other half fade it (the
    /// day-trading literature's "gap and go" vs "gap fill" split is close to even), so 0.5.
    static let continuationShare = 0.5
    /// Of a pre-market catalyst's move, the share already in the opening print of a name that then
    /// trends: the rest comes during the session. An ordinary gap keeps 0.8 of the move.
    static let continuationGapShare = 0.5

    func rng(_ s: SimulatedSymbol, _ day: Int, _ salt: Salt) -> Xoshiro256 {
        Xoshiro256(seed: SplitMix64.derive(seed, UInt64(s.index), UInt64(bitPattern: Int64(day)), salt.rawValue))
    }

    /// The catalyst on a trading day, if any.
    func catalyst(_ s: SimulatedSymbol, _ day: Int, _ session: TradingSession) -> SimulatedCatalyst? {
        var r = rng(s, day, .catalyst)
        guard r.unit() < catalystRate else { return nil }
        let positives = SimulatedCatalyst.Kind.allCases.filter(\.isPositive)
        let negatives = SimulatedCatalyst.Kind.allCases.filter { !$0.isPositive }
        let kind = r.unit() < 0.7 ? positives[r.int(0...(positives.count - 1))] : negatives[r.int(0...(negatives.count - 1))]
        let minutes = Int(session.duration / 60)
        let premarket = r.unit() < 0.5
        let minute = premarket ? nil : r.int(15...max(16, minutes - 90))
        let receivedAt = minute.map { session.open.addingTimeInterval(Double($0) * 60 + r.uniform(2, 40)) }
            ?? session.open.addingTimeInterval(-r.uniform(300, 9000))
        let impact = r.uniform(kind.impact.lowerBound, kind.impact.upperBound)
        let (headline, summary) = NewsTemplates.headline(kind, name: s.security.name, rng: &r)
        return SimulatedCatalyst(
            kind: kind, minute: minute, receivedAt: receivedAt, impact: impact, volumeMultiplier: r.uniform(3, 9),
            headline: headline, summary: summary
        )
    }

    /// The day's shock ε: normal noise plus the move of a catalyst on that day.
    func shock(_ s: SimulatedSymbol, _ day: Int) -> Double {
        var r = rng(s, day, .shock)
        var e = s.dailyVolatility * r.gaussian()
        if let session = calendar.session(dayNumber: day), let c = catalyst(s, day, session) { e += c.impact }
        return e
    }

    /// log(close/base) on each of `days` (ascending), sharing the shocks between them.
    func levels(_ s: SimulatedSymbol, days: [Int]) -> [Double] {
        guard let first = days.first, let last = days.last else { return [] }
        let from = first - Self.memory + 1
        let shocks = (from...last).map { shock(s, $0) }
        return days.map { d in
            var z = 0.0
            var w = 1.0
            for k in 0..<Self.memory {
                z += w * shocks[d - k - from]
                w *= Self.decay
            }
            return z
        }
    }

    /// Plans for consecutive sessions (ascending); each needs the previous session's close.
    func plans(_ s: SimulatedSymbol, sessions: [TradingSession]) -> [DayPlan] {
        guard let first = sessions.first else { return [] }
        let before = calendar.previousSession(before: first.date)
        let days = ([before] + sessions).map(\.date.dayNumber)
        let z = levels(s, days: days)
        return sessions.indices.map { i in
            plan(s, sessions[i], dayNumber: days[i + 1], previousClose: Tick.round(s.basePrice * exp(z[i])), close: Tick.round(s.basePrice * exp(z[i + 1])))
        }
    }

    private func plan(_ s: SimulatedSymbol, _ session: TradingSession, dayNumber n: Int, previousClose: Double, close: Double) -> DayPlan {
        var r = rng(s, n, .day)
        let minutes = Int(session.duration / 60)
        let last = minutes - 1
        let sigma = s.dailyVolatility
        let cat = catalyst(s, n, session)
        let move = log(close / previousClose)
        let jump = cat?.impact ?? 0
        // Its own generator, so ordinary days and the draws below are the same whatever this decides.
        var mr = rng(s, n, .momentum)
        let trends = (cat?.impact ?? 0) > 0 && mr.unit() < Self.continuationShare
        // The open gaps by most of a pre-market catalyst (half of it when the name then trends in the
        // session) and a share of the ordinary move.
        let gapShare = trends ? Self.continuationGapShare : 0.8
        let gap = (cat != nil && cat!.minute == nil ? gapShare * jump : 0) + 0.3 * (move - jump) + 0.2 * sigma * r.gaussian()
        let open = Tick.round(previousClose * exp(gap))
        var anchors: [(Int, Double)] = [(0, open)]
        func add(_ m: Int, _ p: Double) {
            guard m > anchors.last!.0, m < last else { return }
            anchors.append((m, Tick.round(max(p, 0.0001))))
        }
        if let c = cat, let m = c.minute {
            // News mid-session: drift, a jump, an overshoot, a pullback (a flag), then on to the close.
            let before = open * exp(0.25 * sigma * r.gaussian())
            add(m / 2, open * exp(0.3 * sigma * r.gaussian()))
            add(m, before)
            add(m + 1, before * exp(0.6 * c.impact))
            let peak = m + r.int(6...20)
            add(peak, before * exp(1.1 * c.impact))
            add(peak + r.int(5...15), before * exp(0.85 * c.impact))
        } else if let c = cat {
            // News before the open: the gap, a morning continuation, a pullback.
            let run = r.int(3...20)
            add(run, open * exp(0.3 * c.impact))
            add(run + r.int(5...15), open * exp(0.15 * c.impact))
        } else {
            // An ordinary day: one extra high and one extra low, ordered with the day's direction.
            let up = close >= open
            var a = r.int(1...(last - 1))
            var b = r.int(1...(last - 1))
            if a == b { b = a == 1 ? 2 : a - 1 }
            if (up && a > b && r.unit() < 0.65) || (!up && a < b && r.unit() < 0.65) { swap(&a, &b) }
            let hi = max(open, close) * exp(sigma * (0.15 + 0.35 * abs(r.gaussian())))
            let lo = min(open, close) * exp(-sigma * (0.15 + 0.35 * abs(r.gaussian())))
            for (m, p) in [(a, lo), (b, hi)].sorted(by: { $0.0 < $1.0 }) { add(m, p) }
        }
        var surges: [ClosedRange<Int>] = []
        if trends {
            // In play: after the first reaction, a staircase of 3–5 legs. Each leg is a pole of 7–15
            // minutes up by 1–1.6 daily σ (at least 2.5 %, the size a day trader calls a leg on a news
            // name, at most 7 %) on heavy volume, then a flag of 10–20 minutes that gives back 25–42 % of
            // the pole on lighter volume and steadies, then up to 40 minutes of sideways base before the
            // next leg. Bull flags and breakouts appear at each step, spread over the session, as on real
            // momentum days. The legs stop 45 minutes before the close, and the path then goes to the
            // day's close wherever the level model put it (in-play names often fade into the close).
            var t = anchors.last!.0
            var level = anchors.last!.1
            for _ in 0..<mr.int(3...5) {
                let pole = mr.int(7...15)
                let flag = mr.int(10...20)
                let base = mr.int(0...40)
                guard t + pole + flag < last - 45 else { break }
                let h = min(max(sigma * mr.uniform(1.0, 1.6), 0.025), 0.07)
                let giveBack = mr.uniform(0.25, 0.42)
                let top = level * exp(h)
                add(t + pole, top)
                add(t + pole + flag / 2, top * exp(-giveBack * h))
                level = top * exp(-0.7 * giveBack * h)
                add(t + pole + flag, level)
                surges.append((t + 1)...(t + pole))
                t += pole + flag
                if base > 0, t + base < last - 45 {
                    add(t + base, level * exp(0.1 * h * mr.gaussian()))
                    level = anchors.last!.1
                    t = anchors.last!.0
                }
            }
        }
        anchors.append((last, close))
        let prices = anchors.map(\.1)

        let volume = Int64(s.averageVolume * exp(0.25 * r.gaussian()) * (cat?.volumeMultiplier ?? 1))
        var chatter: (Date, String, String)?
        var cr = rng(s, n, .chatter)
        if cr.unit() < 0.02 {
            let (h, sm) = NewsTemplates.chatter(name: s.security.name, rng: &cr)
            chatter = (session.open.addingTimeInterval(cr.uniform(-3600, session.duration - 600)), h, sm)
        }
        var or = rng(s, n, .outage)
        let u = or.unit()
        let outage: Int? = u < outageRate * 0.4 ? 0 : (u < outageRate ? or.int(30...max(31, last - 30)) : nil)
        return DayPlan(
            session: session, dayNumber: n, minutes: minutes, previousClose: previousClose, open: open, close: close,
            high: prices.max()!, low: prices.min()!, volume: max(volume, 100), anchors: anchors, catalyst: cat, surges: surges,
            chatter: chatter, outageFrom: outage, seed: SplitMix64.derive(seed, UInt64(s.index), UInt64(bitPattern: Int64(n)), Salt.path.rawValue)
        )
    }
}
