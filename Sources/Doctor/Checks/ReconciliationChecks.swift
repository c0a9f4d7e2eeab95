import Domain
import Foundation

/// The ledger against the broker: positions (PHANTOM, ORPHAN, QTY_MISMATCH), order statuses
/// (ORDER_STATUS_MISMATCH, ORDER_NOT_FOUND) and the connection itself. Without a broker everything here
/// is one RECONCILIATION_SKIPPED info.
enum ReconciliationChecks {
    static func run(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        switch s.broker {
        case .notConfigured:
            return [
                DoctorIssue(
                    type: .reconciliationSkipped, severity: .info,
                    message: "no broker configured (no Alpaca keys, no paper broker in this process): broker reconciliation skipped")
            ]
        case .connectionError(let mode, let message):
            return [
                DoctorIssue(
                    type: .brokerConnectionError, severity: .warning, message: "cannot reach the \(mode) broker: \(message)",
                    details: ["broker_mode": mode], fix: nil)
            ]
        case .apiError(let mode, let message):
            return [
                DoctorIssue(
                    type: .brokerAPIError, severity: .critical, message: "the \(mode) broker answered with an error: \(message)",
                    details: ["broker_mode": mode], fix: nil)
            ]
        case .connected(let broker):
            return positions(s, broker, t) + orders(s, broker)
        }
    }

    static func positions(_ s: DoctorSnapshot, _ broker: DoctorSnapshot.BrokerState, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        var ours: [String: DoctorSnapshot.PositionRow] = [:]
        for p in s.positions where p.quantity != 0 { ours[p.symbol] = p }
        var out: [DoctorIssue] = []
        for symbol in Set(ours.keys).union(broker.positions.keys).sorted() {
            let theirs = broker.positions[symbol]
            switch (ours[symbol], theirs) {
            case (.some(let p), nil):
                out.append(
                    DoctorIssue(
                        type: .phantomPosition, severity: .critical,
                        message: "we hold \(p.quantity) \(symbol) (position \(p.positionID)); the broker holds nothing",
                        ids: ["position_id": p.positionID, "symbol": symbol], details: ["db_qty": "\(p.quantity)", "broker_qty": "0"],
                        fix: ProposedFix(.recordPositionClosedExternally, symbol)))
            case (nil, .some(let q)):
                out.append(
                    DoctorIssue(
                        type: .orphanPosition, severity: .critical,
                        message: "the broker holds \(q) \(symbol) that the ledger does not know (real money: a human decides)",
                        ids: ["symbol": symbol], details: ["db_qty": "0", "broker_qty": "\(q)"], fix: nil))
            case (.some(let p), .some(let q)) where p.quantity != q:
                let diff = abs(p.quantity - q)
                let base = max(abs(p.quantity), abs(q))
                let pct = base > 0 ? diff / base * 100 : 0
                out.append(
                    DoctorIssue(
                        type: .qtyMismatch, severity: pct >= t.qtyMismatchCriticalPercent ? .critical : .warning,
                        message: "\(symbol): we hold \(p.quantity), the broker \(q) (\(rounded(pct)) % apart)",
                        ids: ["position_id": p.positionID, "symbol": symbol],
                        details: ["db_qty": "\(p.quantity)", "broker_qty": "\(q)", "difference": "\(p.quantity - q)", "difference_pct": rounded(pct)],
                        fix: ProposedFix(.adjustPositionQuantity, symbol)))
            default:
                break
            }
        }
        return out
    }

    static func orders(_ s: DoctorSnapshot, _ broker: DoctorSnapshot.BrokerState) -> [DoctorIssue] {
        s.orders.filter { !$0.isTerminal && $0.brokerOrderID != nil }.compactMap { o in
            switch broker.orders[o.brokerOrderID!] {
            case .found(let status) where status != o.status:
                return DoctorIssue(
                    type: .orderStatusMismatch, severity: .warning, message: "order \(o.orderID) is \(o.status) here and \(status) at the broker",
                    ids: OrderChecks.ids(o), details: ["db_status": o.status, "broker_status": status], fix: ProposedFix(.syncOrderStatus, o.orderID))
            case .notFound:
                return DoctorIssue(
                    type: .orderNotFound, severity: .warning, message: "order \(o.orderID) (\(o.status)) is unknown to the broker",
                    ids: OrderChecks.ids(o), details: ["db_status": o.status], fix: ProposedFix(.markOrderExpired, o.orderID))
            case .error(let message):
                return DoctorIssue(
                    type: .brokerAPIError, severity: .warning, message: "looking up order \(o.orderID) failed: \(message)", ids: OrderChecks.ids(o))
            default:
                return nil
            }
        }
    }

    static func rounded(_ d: Decimal) -> String {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, 1, .plain)
        return "\(r)"
    }
}
