import Domain
import Foundation

/// TRADING_HALTED, DAILY_LOSS_WARNING and COMMANDS_REJECTED, from today's risk row and denials.
enum RiskChecks {
    static func halted(_ s: DoctorSnapshot) -> [DoctorIssue] {
        guard let r = s.risk, r.halted else { return [] }
        var details: [String: String] = ["daily_pnl": "\(r.dailyPnL)"]
        if let by = r.haltedBy { details["halted_by"] = by }
        return [
            DoctorIssue(
                type: .tradingHalted, severity: .critical, message: "trading is halted: \(r.haltReason ?? "no reason recorded") (only a human resumes)",
                details: details)
        ]
    }

    /// Today's loss has reached the warning fraction of the daily limit (75 % in the original) but
    /// trading is not halted yet (a halt is reported by itself).
    static func dailyLoss(_ s: DoctorSnapshot) -> [DoctorIssue] {
        guard let r = s.risk, !r.halted, let limit = r.maxDailyLoss, limit > 0, r.dailyPnL < 0 else { return [] }
        let fraction = r.warningFraction ?? Decimal(string: "0.75")!
        let used = -r.dailyPnL / limit
        guard used >= fraction else { return [] }
        return [
            DoctorIssue(
                type: .dailyLossWarning, severity: .warning,
                message: "daily loss \(r.dailyPnL) is \(ReconciliationChecks.rounded(used * 100)) % of the \(limit) limit",
                details: ["daily_pnl": "\(r.dailyPnL)", "max_daily_loss": "\(limit)", "used_pct": ReconciliationChecks.rounded(used * 100)])
        ]
    }

    static func rejected(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        s.rejectionsLastHour.sorted { $0.key < $1.key }.map { reason, count in
            DoctorIssue(
                type: .commandsRejected, severity: count >= t.rejectionsWarningPerHour ? .warning : .info,
                message: "\(count) risk denials for \(reason) in the last hour", ids: ["reason": reason], details: ["count": "\(count)"])
        }
    }
}
