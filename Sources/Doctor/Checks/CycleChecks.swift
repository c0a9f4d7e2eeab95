import Domain
import Foundation

/// CYCLE_STALE and MISSED_CYCLE, from today's cycles and the crontab's slots.
enum CycleChecks {
    /// A running cycle with no activity for longer than the threshold.
    static func stale(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        s.cycles.filter { $0.status == "running" }.compactMap { c in
            let minutes = s.now.timeIntervalSince(c.lastActivity ?? c.startedAt) / 60
            guard minutes > t.staleCycleMinutes else { return nil }
            return DoctorIssue(
                type: .cycleStale, severity: .warning, message: "cycle \(c.cycleID) is running with no activity for \(OrderChecks.minutes(minutes)) minutes",
                ids: ["cycle_id": c.cycleID],
                details: ["minutes_since_activity": OrderChecks.minutes(minutes), "threshold_minutes": OrderChecks.minutes(t.staleCycleMinutes)])
        }
    }

    /// A scheduled slot (cron, New York time) that passed its grace period with no cycle started at
    /// or after it and before the next slot.
    static func missed(_ s: DoctorSnapshot, _ t: DoctorRules.Thresholds) -> [DoctorIssue] {
        let nowMinute = minuteOfDay(s.now)
        let slots = Array(Set(s.scheduledSlots)).sorted()
        let starts = s.cycles.map { minuteOfDay($0.startedAt) }
        var out: [DoctorIssue] = []
        for (i, slot) in slots.enumerated() where slot + t.missedCycleGraceMinutes <= nowMinute {
            let end = i + 1 < slots.count ? slots[i + 1] : 24 * 60
            if starts.contains(where: { $0 >= slot && $0 < end }) { continue }
            let label = String(format: "%02d:%02d", slot / 60, slot % 60)
            out.append(
                DoctorIssue(
                    type: .missedCycle, severity: .warning, message: "no cycle started for the \(label) New York slot",
                    ids: ["slot": label], details: ["grace_minutes": "\(t.missedCycleGraceMinutes)"]))
        }
        return out
    }

    static func minuteOfDay(_ d: Date) -> Int {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "America/New_York")!
        let c = cal.dateComponents([.hour, .minute], from: d)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }
}
