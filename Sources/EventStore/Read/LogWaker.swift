import Foundation
import PostgresClient

/// Wakes log followers when new events may be readable: on a NOTIFY from any appender, or on a local
/// append in this process. It is only a hint — followers also poll, so a lost notification costs at most
/// one poll interval, never an event.
///
/// On a hot standby there is no LISTEN (and no NOTIFY arrives there): `LogWaker(replayOf:)` polls the
/// standby's `pg_last_wal_replay_lsn()` instead and wakes followers when it moves, that is when the
/// standby has replayed more of the primary's WAL.
public actor LogWaker {
    private let session: PGSession?
    private let replayPoll: Duration?
    private var generation: UInt64 = 0
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0
    private var listener: Task<Void, Never>?

    /// - Parameter conninfo: when given, a dedicated session LISTENs for appends from other processes.
    public init(conninfo: String?) {
        self.session = conninfo.map { info in
            PGSession(conninfo: info, name: "log-listener") { c in try c.listen(PostgresEventStore.notificationChannel) }
        }
        replayPoll = nil
    }

    /// A waker for followers reading a hot standby: polls its replay position every `every`.
    public init(replayOf conninfo: String, every: Duration = .milliseconds(20)) {
        session = PGSession(conninfo: conninfo, name: "replay-watcher")
        replayPoll = every
    }

    public var currentGeneration: UInt64 { generation }

    /// Returns as soon as the generation moves past `seen`, or after `timeout`.
    @discardableResult
    public func wait(after seen: UInt64, timeout: Duration) async -> UInt64 {
        startListening()
        if generation > seen || Task.isCancelled { return generation }
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
                waiters[id] = cont
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.release(id)
                }
            }
        } onCancel: {
            Task { await self.release(id) }
        }
        return generation
    }

    /// Signals that new events were appended (called by the local appender and the listener).
    public func poke() {
        generation &+= 1
        let all = waiters
        waiters.removeAll()
        for (_, c) in all { c.resume() }
    }

    /// Stops the listener connection.
    public func stop() async {
        listener?.cancel()
        listener = nil
        await session?.close()
    }

    private func release(_ id: Int) { waiters.removeValue(forKey: id)?.resume() }

    private func startListening() {
        guard listener == nil, let session else { return }
        if let every = replayPoll {
            listener = Task { [weak self] in
                var last: String?
                while !Task.isCancelled {
                    do {
                        let lsn = try await session.withConnection { c in try c.query("SELECT pg_last_wal_replay_lsn()::text").string(0, 0) }
                        if lsn != last {
                            last = lsn
                            await self?.poke()
                        }
                    } catch {
                        await session.reset()
                    }
                    try? await Task.sleep(for: every)
                }
            }
            return
        }
        listener = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    let notes = try await session.withConnection { c in try c.waitForNotifications(timeoutMilliseconds: 500).count }
                    if notes > 0 { await self?.poke() }
                } catch {
                    await session.reset()
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
    }
}
