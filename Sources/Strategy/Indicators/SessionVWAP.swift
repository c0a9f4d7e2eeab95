import Domain
import Foundation

/// Session VWAP anchored at the regular-session open (09:30 New York), reset every session.
///
/// Convention (other tools differ on each point):
/// - anchor: the regular session of the bar's New York date, not the UTC day and not 04:00 extended
///   hours; bars outside [open, close) have no VWAP (`.nan`);
/// - price per bar: the bar's own volume-weighted price (Alpaca `vw`) when the feed provides it, else the
///   typical price (H + L + C) / 3; VWAP = Σ(price·volume) / Σ volume over the session so far;
/// - before any volume has traded in the session the VWAP is undefined (`.nan`), never the last price.
public enum SessionVWAP {
    /// - Parameter session: the session for a New York date (regular 09:30–16:00 by default; pass the
    ///   calendar's session to respect early closes). Nil means "no session that day".
    public static func compute(
        _ s: BarSeries, session: (NYDate) -> TradingSession? = { TradingSession.regular($0) }
    ) -> [Double] {
        let n = s.count
        var out = [Double](repeating: .nan, count: n)
        guard n > 0 else { return out }
        // Calendar arithmetic costs microseconds, so it is done once per New York day, not per bar.
        var dayEnd = Date.distantPast
        var current: TradingSession?
        var pv = 0.0
        var vol = 0.0
        for i in 0..<n {
            let t = s.start[i]
            if t >= dayEnd {
                let day = NYDate(t)
                current = session(day)
                dayEnd = Self.nextMidnight(after: t)
                pv = 0
                vol = 0
            }
            guard let sess = current, sess.contains(t) else { continue }
            let v = s.volume[i]
            if v > 0 {
                let p = s.vwap[i].isNaN ? s.typicalPrice(i) : s.vwap[i]
                pv += p * v
                vol += v
            }
            if vol > 0 { out[i] = pv / vol }
        }
        return out
    }

    /// The next New York midnight after `t`, from the zone offset alone (no calendar arithmetic). DST
    /// changes happen at 02:00 on Sundays, when no session trades, so the offset at `t` is the day's.
    static func nextMidnight(after t: Date) -> Date {
        let offset = Double(NewYork.timeZone.secondsFromGMT(for: t))
        let local = t.timeIntervalSince1970 + offset
        let secondsIntoDay = local - (local / 86_400).rounded(.down) * 86_400
        return t.addingTimeInterval(86_400 - secondsIntoDay)
    }
}
