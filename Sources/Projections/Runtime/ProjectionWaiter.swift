import EventStore
import Foundation
import PostgresClient

/// Read-your-writes: waits until a projection has applied the event at a given global position.
/// Command handlers call it before they decide on projection state, so a decision never rests on a read
/// model that has not yet seen the events it depends on.
public struct ProjectionWaiter: Sendable {
    let pool: PGPool

    public init(pool: PGPool) { self.pool = pool }

    /// Returns once `projection` has applied position `position` (and everything before it in reader
    /// order); throws `ProjectionRuntimeError.timedOut` after `timeout`, or `.failed` if the projection is
    /// in the failed state.
    public func wait(for projection: String, toReach position: Int64, timeout: Duration = .seconds(5)) async throws {
        guard position > 0 else { return }
        let deadline = ContinuousClock.now + timeout
        var target: LogCursor?
        var delay = Duration.milliseconds(2)
        while true {
            let known = target
            let (reached, resolved, failure) = try await pool.withConnection { c -> (Bool, LogCursor?, String?) in
                var t = known
                if t == nil {
                    if let tx = try PostgresEventStore.transactionID(ofPosition: position, on: c) { t = LogCursor(transactionID: tx, position: position) }
                }
                guard let t else { return (false, nil, nil) }
                let cp = try CheckpointSQL.read(c, schema: "proj_\(projection)")
                let failed = try c.prepared("pw_failed", "SELECT error FROM projection_status WHERE name = $1 AND state = 'failed'", [projection]).string(0, 0)
                return ((cp?.cursor ?? .start) >= t, t, failed)
            }
            target = resolved
            if reached { return }
            if let failure { throw ProjectionRuntimeError.failed(name: projection, error: failure) }
            if ContinuousClock.now >= deadline { throw ProjectionRuntimeError.timedOut("projection \(projection) to reach position \(position)") }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(50))
        }
    }
}
