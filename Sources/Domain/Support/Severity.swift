/// Severity of a watchdog issue, a discrepancy or an alert. "Critical means the system already acted
/// or a human must" (the original system's definition, docs/origins.md §Alerts).
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, critical

    public static func < (l: Self, r: Self) -> Bool { allCases.firstIndex(of: l)! < allCases.firstIndex(of: r)! }
}
