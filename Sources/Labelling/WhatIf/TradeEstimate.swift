import Domain
import Foundation

/// How a trade the recorded day did not make would have gone, read from the prices the ledger recorded
/// after its decision (monitor observations of candidates, marks of held symbols). Deliberately simple
/// and stated: a limit entry fills at its limit once a later price reaches it; the bracket exits at the
/// stop or the target price once a later price crosses it (no slippage, stop first when both are crossed
/// between two observations, because only the last price is known); otherwise the position is closed at
/// the last price before the maximum hold or the flatten time. A supervised approval is not assumed to be
/// granted by a human.
struct TradeEstimate: Sendable {
    struct Fill: Sendable {
        var at: Date
        var price: Decimal
    }

    var entry: Fill?
    var exit: Fill?
    var exitReason: String
    /// When an unfilled entry stops reserving room (the day order expires).
    var expiresAt: Date?

    func trade(approvalID: ApprovalID, intent: OrderIntent) -> WhatIfReport.EstimatedTrade {
        let sign: Decimal = intent.positionSide == .long ? 1 : -1
        var realized: Decimal?
        if let entry, let exit { realized = (exit.price - entry.price) * intent.quantity.shares * sign }
        return WhatIfReport.EstimatedTrade(
            approvalID: approvalID.rawValue, symbol: intent.symbol.rawValue, side: intent.positionSide, quantity: intent.quantity.shares,
            entry: entry?.price, enteredAt: entry?.at, exit: exit?.price, exitedAt: exit?.at, exitReason: exitReason, realized: realized)
    }

    static func plan(
        intent: OrderIntent, decidedAt: Date, decisionPosition: Int64, path: PricePath?, session: TradingSession?, supervised: Bool,
        maxHold: TimeInterval, flattenBeforeClose: TimeInterval
    ) -> TradeEstimate {
        let day = NYDate(decidedAt)
        let close = session?.close ?? day.at(hour: 16, minute: 0)
        let flattenAt = close.addingTimeInterval(-flattenBeforeClose)
        guard !supervised else { return TradeEstimate(exitReason: "not_granted", expiresAt: decidedAt) }
        guard let path else { return TradeEstimate(exitReason: "no_prices", expiresAt: flattenAt) }
        let long = intent.positionSide == .long
        let points = path.points
        var i = path.firstIndex(after: decidedAt)
        var entry: Fill?
        // A stop or stop-limit entry (a breakout, `EntryPlan`) waits for its trigger, then works as a market or limit order.
        var triggered = intent.stopPrice == nil || !(intent.type == .stop || intent.type == .stopLimit)
        while i < points.count {
            let p = points[i]
            i += 1
            guard p.position > decisionPosition else { continue }
            if p.at >= flattenAt { break }
            if !triggered, let trigger = intent.stopPrice?.value {
                guard long ? p.last >= trigger : p.last <= trigger else { continue }
                triggered = true
            }
            if let limit = intent.limitPrice?.value {
                if long ? p.last <= limit : p.last >= limit {
                    entry = Fill(at: p.at, price: limit)
                    break
                }
            } else {
                entry = Fill(at: p.at, price: p.last)
                break
            }
        }
        guard let entry else { return TradeEstimate(exitReason: "not_filled", expiresAt: flattenAt) }
        let stop = intent.stopLoss?.value
        let target = intent.takeProfit?.value
        let holdUntil = entry.at.addingTimeInterval(maxHold)
        var last = Fill(at: entry.at, price: entry.price)
        while i < points.count {
            let p = points[i]
            i += 1
            if p.at >= flattenAt { return TradeEstimate(entry: entry, exit: Fill(at: p.at, price: p.last), exitReason: "flatten") }
            if p.at >= holdUntil { return TradeEstimate(entry: entry, exit: Fill(at: p.at, price: p.last), exitReason: "max_hold") }
            if let stop, long ? p.last <= stop : p.last >= stop { return TradeEstimate(entry: entry, exit: Fill(at: p.at, price: stop), exitReason: "stop") }
            if let target, long ? p.last >= target : p.last <= target {
                return TradeEstimate(entry: entry, exit: Fill(at: p.at, price: target), exitReason: "target")
            }
            last = Fill(at: p.at, price: p.last)
        }
        return TradeEstimate(entry: entry, exit: last, exitReason: "last_observation")
    }
}
