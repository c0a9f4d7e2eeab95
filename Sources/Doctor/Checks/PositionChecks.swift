import Domain
import Foundation

/// STALE_POSITION_DATA: an open position with no mark for longer than the threshold.
enum PositionChecks {
    static func stale(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        s.positions.filter { $0.quantity != 0 }.compactMap { p in
            let last = max(p.lastMarkAt ?? p.updatedAt, p.updatedAt)
            let minutes = s.now.timeIntervalSince(last) / 60
            guard minutes > t.stalePositionMinutes else { return nil }
            return DoctorIssue(
                type: .stalePositionData, severity: .info, message: "position \(p.positionID) (\(p.symbol)) has no mark for \(OrderChecks.minutes(minutes)) minutes",
                ids: ["position_id": p.positionID, "symbol": p.symbol],
                details: ["minutes_since_update": OrderChecks.minutes(minutes), "threshold_minutes": OrderChecks.minutes(t.stalePositionMinutes)])
        }
    }
}
