import Foundation
import Projections
import Synchronization

/// How far `doctor watch` has verified the audit chain, so that a pass does not recompute the whole log.
///
/// The first pass verifies from the genesis. Later passes verify only the links sealed since, from the last
/// verified one (`AuditVerifier.verify(from:)`, which first checks that its seal still matches), and the
/// whole chain again once `fullEvery` has passed since the last full verification. A broken chain starts the
/// next pass from the genesis. Without it (`doctor check`), every pass verifies everything.
public final class AuditProgress: Sendable {
    public let fullEvery: TimeInterval
    private struct State {
        var anchor: AuditVerifier.Anchor?
        var lastFull: Date?
    }
    private let state = Mutex(State())

    public init(fullEvery: TimeInterval = 3600) { self.fullEvery = fullEvery }

    /// Where this pass starts (nil: the genesis) and whether it is a full verification.
    func start(now: Date) -> (from: AuditVerifier.Anchor?, full: Bool) {
        state.withLock { s in
            guard let anchor = s.anchor, let last = s.lastFull, now.timeIntervalSince(last) < fullEvery else { return (nil, true) }
            return (anchor, false)
        }
    }

    /// The pass verified up to `head`.
    func verified(_ head: AuditVerifier.Anchor, full: Bool, at now: Date) {
        state.withLock { s in
            s.anchor = head
            if full { s.lastFull = now }
        }
    }

    /// The pass found the chain broken, or could not judge it: start from the genesis next time.
    func reset() { state.withLock { $0 = State() } }
}
