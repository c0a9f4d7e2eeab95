/// One connection confined to its own thread. Every call hops onto that thread, runs the blocking libpq
/// work there, and returns — the cooperative pool is never blocked by a query.
public actor PGSession {
    private let executor: ThreadExecutor
    private var connection: PGConnection?
    private let conninfo: String
    private let setup: (@Sendable (PGConnection) throws -> Void)?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// - Parameter setup: runs after every (re)connect, e.g. `SET ROLE` or `LISTEN`.
    public init(conninfo: String, name: String = "pg-session", setup: (@Sendable (PGConnection) throws -> Void)? = nil) {
        self.conninfo = conninfo
        self.executor = ThreadExecutor(name: name)
        self.setup = setup
    }

    deinit { executor.shutdown() }

    /// Runs `body` with the connection, connecting first if needed. A connection found broken is
    /// replaced once before the body runs; a failure inside the body is reported, never retried here
    /// (the caller decides whether its work is safe to repeat).
    public func withConnection<T: Sendable>(_ body: (PGConnection) throws -> T) throws -> T {
        try body(try connected())
    }

    /// Drops the connection (the next call reconnects).
    public func reset() { connection = nil }

    /// Closes the connection; the session can still reconnect later.
    public func close() { connection = nil }

    private func connected() throws -> PGConnection {
        if let c = connection, c.isHealthy { return c }
        connection = nil
        let c = try PGConnection(conninfo: conninfo)
        try setup?(c)
        connection = c
        return c
    }
}
