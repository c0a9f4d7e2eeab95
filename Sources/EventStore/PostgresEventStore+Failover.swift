import Foundation
import PostgresClient

extension PostgresEventStore {
    /// Runs `operation` again, with backoff (100 ms doubling to 2 s), while no primary answers: the
    /// connection was lost, or its server no longer takes writes. It gives up when `failoverWindow` ends
    /// (at once for a single-host store, whose window is zero), and the caller sees the error as before.
    /// Only for operations that are safe to repeat: a read, or an append sent again unchanged.
    func throughFailover<T>(_ what: String, _ operation: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + failoverWindow
        var pause: Duration = .milliseconds(100)
        while true {
            do {
                return try await operation()
            } catch let error as PGError where error.isPrimaryLost && ContinuousClock.now < deadline {
                logger.warning("\(what): no primary, trying again", metadata: ["error": "\(error)", "retry_in": "\(pause)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
    }

    /// A read a command depends on (a stream to decide on, a stream's version, the log's head, the
    /// directory of streams): it rides out a failover as an append does, so that a command in flight
    /// when the primary dies finishes on the new one instead of failing half-way (a cycle that cannot
    /// even record its failure would be left running). Followers and projectors read through their own
    /// connections: they reconnect and check their timeline first.
    func read<T: Sendable>(_ body: @Sendable @escaping (PGConnection) throws -> T) async throws -> T {
        try await throughFailover("read") { try await pool.withConnection(body) }
    }
}
