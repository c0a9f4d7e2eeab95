/// A fixed-size set of sessions, each on its own thread. Callers lease one for the duration of a closure;
/// when all are busy they wait in FIFO order.
public actor PGPool {
    private var idle: [PGSession]
    private var waiters: [CheckedContinuation<PGSession, Never>] = []
    public nonisolated let size: Int

    public init(conninfo: String, size: Int, name: String = "pg-pool", setup: (@Sendable (PGConnection) throws -> Void)? = nil) {
        precondition(size > 0)
        self.size = size
        self.idle = (0..<size).map { PGSession(conninfo: conninfo, name: "\(name)-\($0)", setup: setup) }
    }

    /// Leases a session for `body`. If the body throws a connection-loss error the session is reset so the
    /// next lease reconnects.
    public func withSession<T: Sendable>(_ body: @Sendable (PGSession) async throws -> T) async throws -> T {
        let session = await acquire()
        do {
            let value = try await body(session)
            release(session)
            return value
        } catch {
            if let pg = error as? PGError, pg.isConnectionLoss { await session.reset() }
            release(session)
            throw error
        }
    }

    /// Shorthand: lease a session and run blocking work on its connection.
    public func withConnection<T: Sendable>(_ body: @Sendable @escaping (PGConnection) throws -> T) async throws -> T {
        try await withSession { session in try await session.withConnection(body) }
    }

    private func acquire() async -> PGSession {
        if let s = idle.popLast() { return s }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ session: PGSession) {
        if waiters.isEmpty {
            idle.append(session)
        } else {
            waiters.removeFirst().resume(returning: session)
        }
    }
}
