import Foundation
import PostgresClient
import Synchronization

/// Group commit for concurrent single-event appends.
///
/// A writer that finds no other append in flight appends alone, at once, as before: a lone writer pays no
/// queue and no extra hop. A writer that finds others in flight queues its append, and a flusher takes the
/// queue in groups: one statement and one commit (one WAL flush) for the group, instead of one each.
///
/// - A flusher runs on one pooled connection's own thread and serves group after group there until the
///   queue is empty, so no task switch stands between one group's commit and the next group's send.
///   At most `limit` flushers run at once.
/// - A group never holds two appends to the same stream, nor two with the same command id, so its members
///   are independent: each one's expected version is checked against its own stream's head, and each is
///   written or not on its own (`PostgresEventStore.appendGroup`).
/// - A member the group did not write (its expected version did not hold, or the statement failed) is
///   appended again alone, through the ordinary single-event path, which tells a conflict from a retried
///   command or a resent event and raises the precise error. Nothing a group does is the last word on a
///   refusal, so the guarantees are those of the single-event path.
final class CommitGroups: Sendable {
    /// A queued append and how to wake it: with its result, or nil to append alone.
    struct Waiter: Sendable {
        let plan: AppendPlan
        let answer: CheckedContinuation<AppendResult?, Never>
    }

    private struct State {
        var queue: [Waiter] = []
        var flushers = 0
        var alone = 0
    }

    private let state = Mutex(State())
    private let pool: PGPool
    private let notifier: AppendNotifier?
    /// Flushers at once.
    let limit: Int
    /// Appends in one group at most.
    let maxMembers: Int
    private let groupedCounter = Atomic<Int>(0)
    private let groupCounter = Atomic<Int>(0)

    init(limit: Int, pool: PGPool, notifier: AppendNotifier?, maxMembers: Int = 64) {
        precondition(limit > 0 && maxMembers > 1)
        self.limit = limit
        self.pool = pool
        self.notifier = notifier
        self.maxMembers = maxMembers
    }

    /// Appends committed by a group of two or more, and such groups run (for tests and benchmarks).
    var grouped: Int { groupedCounter.load(ordering: .relaxed) }
    var groups: Int { groupCounter.load(ordering: .relaxed) }

    /// Appends `plan` (one event): alone when nothing else is in flight, else through a group.
    /// - Parameter alone: the ordinary single-event path.
    func append(_ plan: AppendPlan, alone: @Sendable () async throws -> AppendResult) async throws -> AppendResult {
        let first = state.withLock { s -> Bool in
            guard s.alone == 0, s.flushers == 0 else { return false }
            s.alone += 1
            return true
        }
        if first {
            defer { state.withLock { $0.alone -= 1 } }
            return try await alone()
        }
        let answer = await withCheckedContinuation { k in
            let start = state.withLock { s -> Bool in
                s.queue.append(Waiter(plan: plan, answer: k))
                guard s.flushers < limit else { return false }
                s.flushers += 1
                return true
            }
            if start { Task { await self.flush() } }
        }
        if let answer { return answer }
        return try await alone()
    }

    /// Serves groups on one connection until the queue is empty.
    private func flush() async {
        do {
            try await pool.withConnection { [self] c in
                while true {
                    let members = state.withLock { s -> [Waiter] in
                        let members = Self.takeGroup(from: &s.queue, maxMembers: maxMembers)
                        if members.isEmpty { s.flushers -= 1 }
                        return members
                    }
                    if members.isEmpty { return }
                    let results: [AppendResult?]
                    do {
                        results = try PostgresEventStore.appendMembers(members.map(\.plan), on: c)
                    } catch {
                        for waiter in members { waiter.answer.resume(returning: nil) }
                        throw error
                    }
                    if results.contains(where: { $0 != nil }) { notifier?.signal() }
                    if members.count > 1 {
                        groupedCounter.add(results.count { $0 != nil }, ordering: .relaxed)
                        groupCounter.add(1, ordering: .relaxed)
                    }
                    for (waiter, result) in zip(members, results) { waiter.answer.resume(returning: result) }
                }
            }
        } catch {
            // The connection was lost (or its server no longer takes writes): every append in hand, and the
            // queue if no other flusher serves it, goes alone, where a failover is ridden out.
            let orphans = state.withLock { s -> [Waiter] in
                s.flushers -= 1
                guard s.flushers == 0 else { return [] }
                defer { s.queue = [] }
                return s.queue
            }
            for waiter in orphans { waiter.answer.resume(returning: nil) }
        }
    }

    /// The first waiter and, in queue order, the waiters whose stream and command id differ from every
    /// member's so far. The others keep their places.
    static func takeGroup(from queue: inout [Waiter], maxMembers: Int) -> [Waiter] {
        guard queue.count > 1 else {
            defer { queue = [] }
            return queue
        }
        var streams = Set<String>()
        var commands = Set<UUID>()
        var members: [Waiter] = []
        var rest: [Waiter] = []
        for waiter in queue {
            let stream = waiter.plan.streams[0]
            let command = waiter.plan.request.commandID
            if members.count < maxMembers, !streams.contains(stream), command.map({ !commands.contains($0) }) ?? true {
                streams.insert(stream)
                if let command { commands.insert(command) }
                members.append(waiter)
            } else {
                rest.append(waiter)
            }
        }
        queue = rest
        return members
    }
}
