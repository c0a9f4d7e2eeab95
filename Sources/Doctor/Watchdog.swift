import Domain
import Foundation

/// The checks, as one pure function of a snapshot and the thresholds. Issues come out in a fixed order
/// (most severe first, then type, then message) so two runs over the same state print the same report.
public enum Watchdog {
    public static func issues(_ s: DoctorSnapshot, thresholds t: DoctorRules.Thresholds) -> [DoctorIssue] {
        var all: [DoctorIssue] = []
        all += OrderChecks.stuck(s, t)
        all += OrderChecks.unlinked(s)
        all += ReconciliationChecks.run(s, t)
        all += CycleChecks.stale(s, t)
        all += CycleChecks.missed(s, t)
        all += PositionChecks.stale(s, t)
        all += LedgerChecks.projections(s, t)
        all += LedgerChecks.horizon(s)
        all += LedgerChecks.replication(s)
        all += LedgerChecks.audit(s)
        all += RiskChecks.halted(s)
        all += RiskChecks.dailyLoss(s)
        all += RiskChecks.rejected(s, t)
        return all.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.type != b.type { return a.type < b.type }
            return a.message < b.message
        }
    }

    public static func report(_ s: DoctorSnapshot, thresholds: DoctorRules.Thresholds, durationMs: Int) -> DoctorReport {
        DoctorReport(
            timestamp: s.now, durationMs: durationMs, brokerConnected: s.broker.connected, brokerMode: s.broker.mode, pipeline: s.pipeline,
            issues: issues(s, thresholds: thresholds))
    }
}
