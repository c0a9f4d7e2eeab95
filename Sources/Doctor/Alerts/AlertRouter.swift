import Domain
import Foundation

/// Which watchdog findings become alerts (docs/origins.md §Watchdog, §Alerts): the daily-loss warning, a
/// halt, a missed cycle, and every CRITICAL issue or escalation. An alert's id is stable per issue,
/// ids and New York date, so a finding that persists across passes alerts once a day, not every 5 minutes.
public enum AlertRouter {
    public static func alerts(for issues: [DoctorIssue], escalated: Set<String> = [], at: Date) -> [(alert: Alert, body: String)] {
        let day = NYDate(at).description
        var out: [(Alert, String)] = []
        var seen = Set<String>()
        for issue in issues {
            let kind: AlertKind
            switch issue.type {
            case IssueType.dailyLossWarning.rawValue: kind = .dailyLossWarning
            case IssueType.tradingHalted.rawValue: kind = .tradingHalted
            case IssueType.missedCycle.rawValue: kind = .missedCycle
            default:
                if issue.severity == .critical { kind = .watchdogCritical } else if escalated.contains(issue.type) { kind = .escalation } else { continue }
            }
            let key = issue.ids.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let id = "alt-\(day)-\(issue.type)-\(key)"
            guard seen.insert(id).inserted else { continue }
            let body = """
                \(issue.severity.rawValue.uppercased()) \(issue.type)
                \(issue.message)

                ids: \(key.isEmpty ? "-" : key)
                \(issue.details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
                proposed fix: \(issue.proposedFix?.description ?? "none (a human decides)")
                """
            out.append((Alert(alertID: AlertID(rawValue: String(id.prefix(200))), kind: kind, severity: issue.severity, subject: "\(issue.type): \(issue.message)"), body))
        }
        return out
    }
}
