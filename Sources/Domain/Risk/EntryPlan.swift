import Foundation

/// What an entry price means. A pattern signal's entry is a **breakout** level the market has not reached;
/// a person's (or an agent's) entry is a **limit**: the most they will pay, marketable or not.
public enum EntryStyle: String, Sendable, Codable, Hashable {
    case breakout
    case limit
}

/// How an entry is sent, and the price risk judges it at.
///
/// A pattern's entry is its breakout level. While the market is below it (for a long), a buy **limit** there
/// would be marketable and fill at once at the market, which may be below the pattern's own stop (seen:
/// breakout 50.69, last 48.63, stop 48.61, filled 48.57). So a breakout entry waits for the breakout: it is a
/// **stop-limit** whose trigger is the breakout level and whose limit caps the price paid at
/// `breakoutCapFraction` of the planned risk per share above the trigger (at least one tick). Once triggered
/// it fills between the trigger and the cap, or not at all.
///
/// An entry at or below the market (a pullback, or an entry at the last price) stays a **limit** at the entry,
/// and so does every `limit`-style entry (a manual trade above the market is a marketable limit: it pays at most
/// its limit). A market entry fills at the current ask.
///
/// The **expected fill** is the worst price the order can fill at: the cap of a stop-limit, the limit of a
/// limit, the ask (else the last price) of a market order. Risk sizes the position and measures reward to risk
/// at it, so the position can never risk more than what was approved. An entry whose market is already at or
/// through the stop is refused (`entry_beyond_stop`): the setup is broken before it starts.
///
/// Shorts mirror all of it. Without a market price (a decision recorded before this rule) the plan is the old
/// one: a limit at the entry.
public struct EntryPlan: Hashable, Sendable {
    public var type: OrderType
    public var limitPrice: Price?
    /// The trigger of a stop-limit entry.
    public var stopPrice: Price?
    public var expectedFill: Price
    /// The ask (long) or bid (short), else the last price, at the decision; nil if unknown.
    public var marketPrice: Price?

    /// The cap above a breakout's trigger, as a fraction of the risk per share (entry − stop).
    public static let breakoutCapFraction = Decimal(string: "0.1")!

    public static func plan(
        side: PositionSide, entry: Price, stop: Price, market: Price?, preferred: OrderType, style: EntryStyle = .breakout
    ) -> EntryPlan {
        let buy = side == .long
        if preferred == .market {
            return EntryPlan(type: .market, limitPrice: nil, stopPrice: nil, expectedFill: market ?? entry, marketPrice: market)
        }
        // A breakout: the entry is beyond the market in the trade's direction.
        if style == .breakout, let market, buy ? entry > market : entry < market {
            let risk = abs(entry.value - stop.value)
            let tick = entry.tickSize
            let cap = max(tick, breakoutCapFraction * risk)
            let raw = Price(buy ? entry.value + cap : entry.value - cap)
            // Rounded towards the trigger (never paying more than the cap), but at least one tick beyond it.
            var limit = raw.roundedToTick(buy ? .down : .up)
            if buy ? limit <= entry : limit >= entry { limit = Price(buy ? entry.value + tick : entry.value - tick) }
            return EntryPlan(type: .stopLimit, limitPrice: limit, stopPrice: entry, expectedFill: limit, marketPrice: market)
        }
        return EntryPlan(type: .limit, limitPrice: entry, stopPrice: nil, expectedFill: entry, marketPrice: market)
    }

    /// True when the market is at or through the stop: a long whose ask is at or below its stop.
    public func marketBeyond(stop: Price, side: PositionSide) -> Bool {
        guard let marketPrice else { return false }
        return side == .long ? marketPrice <= stop : marketPrice >= stop
    }
}
