import Domain
import Foundation

/// STUCK_ORDER and UNLINKED_ORDER, from the orders view alone.
enum OrderChecks {
    static let openingPurposes: Set<String> = ["entry", "scale_in"]
    static let fillStatuses: Set<String> = ["filled", "partially_filled"]

    /// Not terminal and submitted (or, never submitted, requested) longer ago than the threshold. A
    /// bracket leg resting at the broker is protection doing its job, not a stuck order.
    static func stuck(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        s.orders.compactMap { o in
            guard !o.isTerminal, !(o.legRole != nil && ["held", "new", "accepted", "pending_new"].contains(o.status)) else { return nil }
            let minutes = s.now.timeIntervalSince(o.submittedAt ?? o.requestedAt) / 60
            guard minutes > t.stuckOrderMinutes else { return nil }
            return DoctorIssue(
                type: .stuckOrder, severity: .warning,
                message: "order \(o.orderID) (\(o.side) \(o.symbol), \(o.purpose)) is \(o.status) after \(Self.minutes(minutes)) minutes",
                ids: ids(o), details: ["status": o.status, "minutes_pending": Self.minutes(minutes), "threshold_minutes": Self.minutes(t.stuckOrderMinutes)],
                fix: ProposedFix(.cancelOrder, o.orderID))
        }
    }

    /// A filled (or partly filled) opening order that no position names: the fill did not reach a position.
    static func unlinked(_ s: DoctorSnapshot) -> [DoctorIssue] {
        s.orders.compactMap { o in
            guard openingPurposes.contains(o.purpose), o.filledQuantity > 0, !o.linked else { return nil }
            return DoctorIssue(
                type: .unlinkedOrder, severity: .critical,
                message: "order \(o.orderID) filled \(o.filledQuantity) \(o.symbol) but no position records it",
                ids: ids(o), details: ["filled_qty": "\(o.filledQuantity)", "status": o.status], fix: ProposedFix(.reconcile, o.symbol))
        }
    }

    static func ids(_ o: DoctorSnapshot.OrderRow) -> [String: String] {
        var ids = ["order_id": o.orderID, "symbol": o.symbol]
        if let b = o.brokerOrderID { ids["broker_order_id"] = b }
        if let p = o.positionID { ids["position_id"] = p }
        if let c = o.cycleID { ids["cycle_id"] = c }
        return ids
    }

    static func minutes(_ m: Double) -> String { String(format: "%.1f", m) }
}
