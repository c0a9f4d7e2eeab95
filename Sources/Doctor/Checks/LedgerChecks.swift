import Domain
import EventStore
import Foundation

/// Checks the event-sourced ledger makes possible: projections behind or failed, and the audit chain.
enum LedgerChecks {
    static func projections(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        s.projections.compactMap { p in
            if p.state == "failed" || p.error != nil {
                return DoctorIssue(
                    type: .projectionFailed, severity: .critical, message: "projection \(p.name) stopped: \(p.error ?? p.state)",
                    ids: ["projection": p.name], details: ["state": p.state], fix: ProposedFix(.rebuildProjection, p.name))
            }
            if p.state == "not built" {
                return DoctorIssue(
                    type: .projectionLag, severity: .warning, message: "projection \(p.name) has not been built yet (run `catalyst project`)",
                    ids: ["projection": p.name], details: ["state": p.state, "lag_events": "\(p.lagEvents)"])
            }
            guard p.lagEvents > t.projectionLagEvents || p.lagSeconds > t.projectionLagSeconds else { return nil }
            return DoctorIssue(
                type: .projectionLag, severity: .warning,
                message: "projection \(p.name) is \(p.lagEvents) events (\(Int(p.lagSeconds.rounded())) s) behind the log",
                ids: ["projection": p.name], details: ["lag_events": "\(p.lagEvents)", "lag_seconds": String(format: "%.1f", p.lagSeconds)])
        }
    }

    /// A log whose transaction ids are ahead of the cluster's: every reader stops short of the newest events.
    /// Named as what it is, never as a tamper alarm.
    static func horizon(_ s: DoctorSnapshot) -> [DoctorIssue] {
        guard let reading = s.transactionIDs, !reading.holds else { return [] }
        return [
            DoctorIssue(
                type: .readerHorizonStalled, severity: .critical, message: TransactionIDCheck.Violation(reading: reading).description,
                ids: [:], details: ["max_stored_tx_id": "\(reading.maxStored ?? 0)", "next_tx_id": "\(reading.next)"])
        ]
    }

    /// A deployment meant to fail over whose commits wait for no standby: the next failover could lose
    /// acknowledged writes. Nothing to fix automatically; a person brings a standby back.
    static func replication(_ s: DoctorSnapshot) -> [DoctorIssue] {
        guard let r = s.replication, r.writesUnprotected else { return [] }
        return [
            DoctorIssue(
                type: .writesUnprotected, severity: .critical,
                message: "writes run without a synchronous standby (\(r.summary)): a failover now could lose acknowledged writes; bring a standby back (`catalyst ha status`, docs/high-availability.md)",
                ids: [:], details: ["standbys": "\(r.standbys.count)", "multi_host": "\(r.multiHost)"])
        ]
    }

    static func audit(_ s: DoctorSnapshot) -> [DoctorIssue] {
        // With the horizon stalled the chain cannot be judged: a "break" there is no tamper.
        if let reading = s.transactionIDs, !reading.holds { return [] }
        guard case .broken(let seq, let position, let reason) = s.audit else { return [] }
        return [
            DoctorIssue(
                type: .auditChainBroken, severity: .critical, message: "audit chain broken at seq \(seq) (global position \(position)): \(reason)",
                ids: ["audit_seq": "\(seq)", "global_position": "\(position)"])
        ]
    }
}
