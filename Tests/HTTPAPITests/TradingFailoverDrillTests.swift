import Broker
import CatalystTestKit
import EmbeddedPostgres
import Foundation
import Synchronization
import Testing

/// The failover drill with trading (issue 18): the real server (`serve --simulate`, its projectors and its
/// paper broker) over a pg_auto_failover formation's multi-host URL, with four API clients at once (cron
/// starting cycles as the clock moves, an agent proposing trades, an operator granting them, a risk
/// officer tightening a limit). The primary's machine "dies" (its PostgreSQL and keeper are SIGKILLed)
/// while a cycle runs. Every acknowledged command must be in the new primary's log exactly once, no order
/// may reach the broker twice, trading must carry on by itself, the projections must equal a clean
/// rebuild, `audit verify` must pass, and the old primary must come back as a synchronous standby.
@Suite(.serialized) struct TradingFailoverDrillTests {
    @Test func tradingAndFourAPIClientsRideOutThePrimarysDeath() async throws {
        guard TestFormation.available else {
            print("skipped: pg_auto_failover is not installed (tools/install-deps.sh --test installs it)")
            return
        }
        try await TestFormation.with("trading-drill") { formation, db in
            let log = ClientLog()
            try await APIHarness.with(database: db) { h in
                try await Self.trade(h, formation, log)
                try await Self.expectEveryAcknowledgementOnceAndNoOrderTwice(h, log)
                try await LiveDrill.waitCaughtUp(db)
            }
            // With no projector running: the live projections equal a rebuild, and the chain verifies.
            try await LiveDrill.expectRebuildEqualsLiveAndChainVerifies(db, project: TestCluster.repositoryRoot)

            // The killed node came back, while the clients traded, as the new primary's synchronous standby.
            let killed = try #require(log.state.withLock { $0.killed })
            #expect(log.state.withLock { $0.rejoinedAt } != nil, "the old primary rejoined during trading")
            #expect(try await formation.nodes().first { $0.name == killed }?.reportedState == "secondary")
            let again = try await TestFormation.replication(formation)
            #expect(again.synchronous && !again.writesUnprotected, "\(again)")
        }
    }

    /// What each client was told. Only a 2xx answer is an acknowledgement; anything else (a 503 while no
    /// primary answers, a risk denial, a cycle already running) is counted and not checked.
    enum Ack: Sendable {
        case cycle(key: String, cycleID: String)
        case proposal(approvalID: String)
        case grant(approvalID: String, orderID: String)
        case limits(hash: String)
    }

    struct Answered: Sendable {
        var ack: Ack
        var sent: ContinuousClock.Instant
        var answered: ContinuousClock.Instant
    }

    final class ClientLog: Sendable {
        struct State {
            var acks: [Answered] = []
            var refused: [String: Int] = [:]
            var pendingApprovals: [String] = []
            var cycleLaunched: String?
            var killed: String?
            /// The cycle that was running when the primary died.
            var interrupted: String?
            /// When the killed node, restarted once writes came back, was the new primary's synchronous standby again.
            var rejoinedAt: ContinuousClock.Instant?
            var killedAt: ContinuousClock.Instant?
        }
        let state = Mutex(State())

        func record(_ ack: Ack, sent: ContinuousClock.Instant) {
            state.withLock { $0.acks.append(Answered(ack: ack, sent: sent, answered: .now)) }
        }
        func refuse(_ what: String, _ status: Int) { state.withLock { $0.refused["\(what) \(status)", default: 0] += 1 } }

        /// Sends one command: its acknowledgement (what `ack` reads from the answer, or nil) is recorded with
        /// the moment it was sent; anything else is counted as refused.
        func send(_ what: String, _ request: () async throws -> APIHarness.Answer, ack: (APIHarness.Answer) -> Ack?) async {
            let sent = ContinuousClock.now
            guard let answer = try? await request() else { return refuse("\(what) (no answer)", 0) }
            if let acknowledged = ack(answer) { record(acknowledged, sent: sent) } else { refuse(what, answer.status) }
        }

        /// The first acknowledgement of a request sent after the kill: it can only have committed on the new primary.
        var firstAfterKill: ContinuousClock.Instant? {
            state.withLock { s in s.killedAt.flatMap { k in s.acks.filter { $0.sent > k }.map(\.answered).min() } }
        }

        /// The clients stop once writes came back at least 10 s ago and the old primary has rejoined at least
        /// 3 s ago (or 240 s after the kill, if either never happened).
        var finished: Bool {
            let (killedAt, rejoinedAt) = state.withLock { ($0.killedAt, $0.rejoinedAt) }
            guard let killedAt else { return false }
            if let first = firstAfterKill, let rejoinedAt { return ContinuousClock.now > max(first + .seconds(10), rejoinedAt + .seconds(3)) }
            return ContinuousClock.now > killedAt + .seconds(240)
        }
        func count(_ kind: (Ack) -> Bool) -> Int { state.withLock { $0.acks.filter { kind($0.ack) }.count } }
    }

    static func trade(_ h: APIHarness, _ formation: HAFormation, _ log: ClientLog) async throws {
        // Half an hour in, the scan sees prices; the first cycle finds the candidates the agent will propose.
        try await h.driver.step(minutes: 30)
        let open = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: cron(h, "drill-open"))
        try #require(open.status == 201, "\(open.text)")
        await h.settle()
        let ideas = try await LiveDrill.rows(
            h.db, "SELECT symbol, price::text AS price FROM v_candidates WHERE price > 5 ORDER BY passed_universe DESC, volume DESC NULLS LAST LIMIT 12"
        ).compactMap { r -> (String, Decimal)? in
            guard let s = r["symbol"], let p = r["price"].flatMap({ Decimal(string: $0) }) else { return nil }
            return (s, p)
        }
        try #require(ideas.count >= 4, "candidates to propose: \(ideas)")

        try await withThrowingTaskGroup(of: Void.self) { group in
            // 1. cron, with the clock: two minutes on (the duties run), then a cycle.
            group.addTask {
                var i = 0
                while !log.finished {
                    i += 1
                    do { try await h.driver.step(minutes: 2) } catch { log.refuse("clock \(type(of: error))", 0) }
                    let key = "drill-\(i)"
                    await log.send("start", { try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: cron(h, key)) }) { a in
                        guard a.status == 200 || a.status == 201, let id = a.object["cycle_id"] as? String else { return nil }
                        if a.status == 201 { log.state.withLock { $0.cycleLaunched = id } }
                        return .cycle(key: key, cycleID: id)
                    }
                    try await Task.sleep(for: .milliseconds(150))
                }
            }
            // 2. the agent proposes trades; each waits for a human.
            group.addTask {
                var i = 0
                while !log.finished {
                    let (symbol, price) = ideas[i % ideas.count]
                    i += 1
                    await log.send("propose", { try await h.post("/api/v1/trades", tradeBody(symbol, price), headers: APIHarness.bearer(h.keys.agent)) }) { a in
                        guard a.status == 202, let id = a.object["approval_id"] as? String else { return nil }
                        log.state.withLock { $0.pendingApprovals.append(id) }
                        return .proposal(approvalID: id)
                    }
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
            // 3. the operator grants them: each grant places an order at the broker.
            group.addTask {
                while !log.finished {
                    guard let id = log.state.withLock({ s in s.pendingApprovals.isEmpty ? nil : s.pendingApprovals.removeFirst() }) else {
                        try await Task.sleep(for: .milliseconds(100))
                        continue
                    }
                    await log.send("grant", { try await h.post("/api/v1/approvals/\(id)/approve", #"{"operator": "craig", "note": "drill"}"#) }) { a in
                        guard a.status == 200, let order = a.object["order_id"] as? String else { return nil }
                        return .grant(approvalID: id, orderID: order)
                    }
                }
            }
            // 4. the risk officer tightens the daily loss limit a dollar at a time (a tightening needs no second human).
            group.addTask {
                var dollars = 1990
                while !log.finished {
                    dollars -= 1
                    let body = #"{"set": {"max_daily_loss_usd": \#(dollars)}, "reason": "failover drill"}"#
                    await log.send("limits", { try await h.post("/api/v1/risk/parameters", body) }) { a in
                        guard a.status == 200, a.object["status"] as? String == "changed", let hash = a.object["parameters_hash"] as? String else { return nil }
                        return .limits(hash: hash)
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            // The kill: once every client has been acknowledged, in the middle of a cycle (its scan recorded, not finished).
            group.addTask {
                while true {
                    let ready = log.count { if case .grant = $0 { true } else { false } } >= 1 && log.count { if case .limits = $0 { true } else { false } } >= 2
                    if ready, let id = log.state.withLock({ $0.cycleLaunched }) {
                        let stages = try await LiveDrill.rows(h.db, "SELECT event_type FROM events WHERE stream_id = 'cycle-\(id)'").compactMap { $0["event_type"] }
                        if stages.contains("cycle.stage_completed"), !stages.contains("cycle.completed"), !stages.contains("cycle.failed") { break }
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
                let name = try await formation.killPrimary()
                log.state.withLock { s in
                    s.killed = name
                    s.killedAt = .now
                    s.interrupted = s.cycleLaunched
                }
                // Once writes are back, the dead machine comes back too, while the clients go on trading: it must
                // rejoin as the new primary's synchronous standby.
                while log.firstAfterKill == nil { try await Task.sleep(for: .milliseconds(50)) }
                try await formation.restart(name)
                try await formation.waitHealthy(timeout: 180)
                log.state.withLock { $0.rejoinedAt = .now }
            }
            try await group.waitForAll()
        }
        await h.settle()
    }

    static func expectEveryAcknowledgementOnceAndNoOrderTwice(_ h: APIHarness, _ log: ClientLog) async throws {
        let (acks, refused, killedAt, rejoinedAt) = log.state.withLock { ($0.acks, $0.refused, $0.killedAt, $0.rejoinedAt) }
        let killed = try #require(killedAt)
        let first = try #require(log.firstAfterKill, "no write was acknowledged after the kill; refused: \(refused)")
        func count(_ sql: String) async throws -> Int { try await h.count(sql) }
        var lost: [String] = []
        for a in acks {
            switch a.ack {
            case .cycle(let key, let id):
                if try await count("SELECT count(*) FROM events WHERE stream_id = 'cycle-\(id)' AND event_type = 'cycle.started'") != 1 { lost.append("cycle \(key)") }
            case .proposal(let id):
                if try await count("SELECT count(*) FROM events WHERE stream_id = 'approval-\(id)' AND event_type = 'approval.requested'") != 1 { lost.append("proposal \(id)") }
            case .grant(let approval, let order):
                let granted = try await count("SELECT count(*) FROM events WHERE stream_id = 'approval-\(approval)' AND event_type = 'approval.granted'")
                let requested = try await count("SELECT count(*) FROM events WHERE stream_id = 'order-\(order)' AND event_type = 'order.requested'")
                if granted != 1 || requested != 1 { lost.append("grant \(approval)") }
            case .limits(let hash):
                if try await count("SELECT count(*) FROM events WHERE event_type = 'risk.parameters_changed' AND payload->>'parameters_hash' = '\(hash)'") != 1 { lost.append("limits \(hash)") }
            }
        }
        #expect(lost.isEmpty, "acknowledged, then lost or duplicated: \(lost)")
        #expect(acks.contains { $0.sent > killed }, "the clients carried on after the kill")

        // The paper broker: each client order id submitted once, and every order it took is the ledger's, once.
        let broker = h.sim.world.broker
        let twice = broker.submissionCounts.filter { $0.value > 1 }
        #expect(twice.isEmpty, "orders sent to the broker more than once: \(twice)")
        // The orders the ledger sent (not bracket legs, not replacements, which the broker makes itself) are
        // exactly the ones the broker took.
        let sent = Set(
            try await LiveDrill.rows(
                h.db, "SELECT client_order_id FROM v_orders WHERE parent_order_id IS NULL AND replaces_order_id IS NULL AND broker_order_id IS NOT NULL"
            ).compactMap { $0["client_order_id"] })
        let taken = Set(broker.submissionCounts.keys)
        #expect(sent == taken, "the ledger's orders and the broker's differ: only in the ledger \(sent.subtracting(taken)), only at the broker \(taken.subtracting(sent))")

        // Every cycle cron started ended (the one the kill interrupted too): completed, or failed with its reason.
        var failed = 0
        for a in acks {
            guard case .cycle(let key, let id) = a.ack else { continue }
            let end = try await LiveDrill.rows(
                h.db, "SELECT event_type FROM events WHERE stream_id = 'cycle-\(id)' AND event_type IN ('cycle.completed', 'cycle.failed', 'cycle.stopped')")
            #expect(end.count == 1, "cycle \(key) ended \(end.count) times")
            if end.first?["event_type"] == "cycle.failed" { failed += 1 }
        }

        // The cycle the kill interrupted finished on the new primary.
        let interrupted = try #require(log.state.withLock { $0.interrupted })
        #expect(try await count("SELECT count(*) FROM events WHERE stream_id = 'cycle-\(interrupted)' AND event_type = 'cycle.completed'") == 1)

        // Trading carried on by itself: a cycle cron started after the failover completed.
        let after = acks.compactMap { a -> String? in if case .cycle(_, let id) = a.ack, a.sent > first { id } else { nil } }
        var completed = 0
        for id in after { completed += try await count("SELECT count(*) FROM events WHERE stream_id = 'cycle-\(id)' AND event_type = 'cycle.completed'") }
        #expect(completed >= 1, "no cycle started after the failover completed (\(after.count) started)")

        let kinds = Dictionary(grouping: acks) { a -> String in
            switch a.ack {
            case .cycle: "cycles"
            case .proposal: "proposals"
            case .grant: "grants"
            case .limits: "limit changes"
            }
        }.mapValues(\.count)
        print(
            "trading failover drill: first acknowledged write \(first - killed) after the kill; old primary rejoined \(rejoinedAt.map { "\($0 - killed)" } ?? "never") after it; acknowledged \(acks.count) \(kinds), lost \(lost.count); "
                + "broker orders \(broker.submissionCounts.count), sent twice \(twice.count); cycles completed after the failover \(completed), failed in all \(failed); not acknowledged \(refused)")
    }

    /// cron's credential and the slot as idempotency key, as the seeds' cron lines send.
    static func cron(_ h: APIHarness, _ key: String) -> [String: String] { APIHarness.bearer(h.keys.cron).merging(["Idempotency-Key": key]) { $1 } }

    static func tradeBody(_ symbol: String, _ price: Decimal) -> String {
        func p(_ x: Decimal) -> String { "\(NSDecimalNumber(decimal: x).doubleValue)" }
        let shares = NSDecimalNumber(decimal: 600 / price).intValue + 1
        return #"{"symbol": "\#(symbol)", "side": "long", "quantity": \#(shares), "entry": \#(p(price)), "stop": \#(p(price * Decimal(string: "0.96")!)), "target": \#(p(price * Decimal(string: "1.12")!))}"#
    }
}
