import Foundation
import Synchronization

/// One self-rewriting progress line (count, rate, ETA) on a terminal; silent when stdout is not one,
/// so logs and pipes stay clean.
final class ProgressLine: Sendable {
    private let label: String
    private let started = Date()
    private let last = Mutex<Date>(.distantPast)
    private let enabled: Bool

    init(_ label: String, enabled: Bool = Terminal.isInteractive) {
        self.label = label
        self.enabled = enabled
    }

    func update(done: Int, total: Int, detail: String = "") {
        guard enabled else { return }
        let now = Date()
        let due = last.withLock { l -> Bool in
            guard now.timeIntervalSince(l) > 0.2 || done == total else { return false }
            l = now
            return true
        }
        guard due else { return }
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%@ %d/%d  %.1f/s  ETA %.0fs  %@", label, done, total, rate, eta, detail)
        FileHandle.standardOutput.write(Data(line.padding(toLength: max(line.count, 100), withPad: " ", startingAt: 0).utf8))
        if done == total { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
