import CatalystApp
import Foundation
import Synchronization

/// Progress of long work, on standard error so standard output stays the command's answer. On a
/// terminal: one self-rewriting line (count, percent, rate, ETA) at most five times a second. Otherwise
/// (a log, a pipe, cron): a plain line every `plainEvery` seconds, so a long run is visibly alive without
/// flooding the log. `CATALYST_PROGRESS=off` silences both; `CATALYST_PROGRESS_EVERY` sets the plain
/// lines' interval in seconds.
final class ProgressLine: Sendable {
    private struct State {
        var last = Date.distantPast
        var shown = false
        var finished = false
        var done = 0
        var total = 0
    }

    private let label: String
    private let unit: String
    private let started = Date()
    private let state = Mutex(State())
    private let interactive: Bool
    private let plainEvery: TimeInterval
    private let enabled: Bool

    /// `settings`: the `catalyst.progress` settings (off, and seconds between plain lines).
    init(_ label: String, unit: String = "", settings: CatalystConfiguration.Progress, interactive: Bool = Terminal.isErrorInteractive) {
        self.label = label
        self.unit = unit.isEmpty ? "" : " " + unit
        self.interactive = interactive
        self.plainEvery = settings.every
        self.enabled = settings.enabled
    }

    /// `done` of `total` (a total of 0 or less: unknown, no percent or ETA).
    func update(done: Int, total: Int, detail: String = "") {
        guard enabled else { return }
        let now = Date()
        let due = state.withLock { s -> Bool in
            (s.done, s.total) = (done, total)
            guard !s.finished, now.timeIntervalSince(s.last) >= (interactive ? 0.2 : plainEvery) else { return false }
            // The first plain line waits a whole interval: short work prints nothing.
            if !interactive, s.last == .distantPast {
                s.last = now
                return false
            }
            s.last = now
            s.shown = true
            return true
        }
        guard due else { return }
        write(Self.describe(label: label, unit: unit, done: done, total: total, elapsed: now.timeIntervalSince(started), detail: detail))
    }

    /// Ends the line: on a terminal, the final figures and a newline; in a log, one closing line if any
    /// line was printed. Without figures, the last ones reported.
    func finish(done: Int? = nil, total: Int? = nil, detail: String = "") {
        guard enabled else { return }
        let (shown, lastDone, lastTotal) = state.withLock { s -> (Bool, Int, Int) in
            defer { s.finished = true }
            return (s.shown && !s.finished, s.done, s.total)
        }
        guard shown else { return }
        let d = done ?? lastDone, t = total ?? lastTotal
        write(Self.describe(label: label, unit: unit, done: d, total: t, elapsed: Date().timeIntervalSince(started), detail: detail), final: true)
    }

    private func write(_ text: String, final: Bool = false) {
        let line = interactive ? "\r" + text.padding(toLength: max(text.count, 100), withPad: " ", startingAt: 0) + (final ? "\n" : "") : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func describe(label: String, unit: String, done: Int, total: Int, elapsed: TimeInterval, detail: String) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "\(label): \(done)"
        if total > 0 {
            text += "/\(total)\(unit) (\(min(100, done * 100 / total))%)"
        } else {
            text += unit
        }
        text += String(format: ", %.0f%@/s, %@ elapsed", rate, unit, duration(elapsed))
        if total > 0, rate > 0, done < total { text += ", ETA " + duration(Double(total - done) / rate) }
        if !detail.isEmpty { text += "  " + detail }
        return text
    }

    /// `42 s`, `3 min 05 s`, `1 h 02 min`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }
}
