import CatalystTestKit
import Foundation
import Testing

/// The crash-loop drill: the real `catalyst serve --simulate --cron` is SIGKILLed at several moments of a
/// simulated day that places orders, and started again each time with the same arguments, as an
/// operator (or systemd) would. It must resume where the ledger stands, never replay the day, never
/// trap on a cron slot it already started, and end the day as an uninterrupted run of the same seed does.
@Suite(.serialized) struct CrashLoopTests {
    static let arguments = ["serve", "--simulate", "--date", "2025-11-18", "--seed", "7", "--symbols", "1000", "--cron", "--port", "0"]

    /// Runs one `serve` until the ledger's simulated clock passes `minute` (New York "HH:MM") with every cycle of the
    /// slots up to it ended and none running, then SIGKILLs it; nil: at full speed to the end of the day, then SIGTERM.
    ///
    /// Between cycles, because a cycle cut short is failed at the next start-up and not run again (its scan died
    /// with the process; `InterruptedCycleTests` and `DatabaseCrashTests` kill inside one): the day would then lose
    /// that cycle's trades and could not end as the uninterrupted run does. On a loaded CI machine the 10:30 cycle
    /// was still scanning when the clock passed 10:31, and the drill lost a trade that way.
    static func run(_ db: TestDatabase, home: URL, until minute: String?) async throws -> String {
        let env = ["DATABASE_URL": db.conninfo, "CATALYST_HOME": home.path, "CATALYST_LOG_LEVEL": "info"]
        let serve = try ServeProcess(environment: env, arguments: arguments + ["--speed", minute == nil ? "max" : "300"])
        defer { if serve.process.isRunning { _ = Foundation.kill(serve.pid, SIGKILL) } }
        _ = try await serve.url(timeout: .seconds(120))
        if let minute {
            let utc = "2025-11-18 \(minute):00-05"
            try await LiveDrill.poll("the simulated clock to pass \(minute) between cycles", timeout: .seconds(240)) {
                guard serve.process.isRunning else { throw DrillFailure("serve exited: \(serve.logText.suffix(2000))") }
                let rows = try await LiveDrill.rows(
                    db,
                    """
                    SELECT (max(occurred_at) >= '\(utc)'::timestamptz)::text AS past,
                           (SELECT count(*) FROM events s WHERE s.event_type = 'cycle.started' AND NOT EXISTS (
                               SELECT 1 FROM events e WHERE e.stream_id = s.stream_id
                               AND e.event_type IN ('cycle.completed', 'cycle.stopped', 'cycle.failed')))::text AS running,
                           (SELECT count(*) FROM events WHERE event_type IN ('cycle.completed', 'cycle.stopped', 'cycle.failed'))::text AS ended
                    FROM events WHERE occurred_at < '2026-01-01'
                    """)
                // Every slot up to the minute has its cycle ended: a loaded machine can pass 10:31 before the 10:30
                // slot's cycle has even written `cycle.started`, so "no cycle running" alone is not enough.
                return rows.first?["past"] == "true" && rows.first?["running"] == "0" && Int(rows.first?["ended"] ?? "") ?? 0 >= Self.slots(upTo: minute)
            }
            try await serve.kill()
        } else {
            try await LiveDrill.poll("the simulated day to end", timeout: .seconds(300)) {
                guard serve.process.isRunning else { throw DrillFailure("serve exited: \(serve.logText.suffix(2000))") }
                return serve.logText.contains("simulated session ended")
            }
            try await LiveDrill.waitCaughtUp(db)
            try await serve.terminate()
        }
        return serve.logText
    }

    /// The crontab's cycle slots (tools/catalyst.cron: 09:30, every half hour from 10:00 to 15:00, and 15:30) at or
    /// before `minute` ("HH:MM").
    static func slots(upTo minute: String) -> Int {
        let all = ["09:30"] + (10...14).flatMap { h in ["\(h):00", "\(h):30"] } + ["15:00", "15:30"]
        return all.filter { $0 <= minute }.count
    }

    /// What the day came to: cycles by status, orders by status, closed positions with their P&L.
    static func outcome(_ db: TestDatabase) async throws -> [String] {
        var out: [String] = []
        for sql in [
            "SELECT status || ' ' || count(*) AS r FROM v_cycles GROUP BY status ORDER BY 1",
            "SELECT status || ' ' || count(*) AS r FROM v_orders GROUP BY status ORDER BY 1",
            "SELECT symbol || ' ' || status || ' ' || quantity || ' ' || coalesce(realized_pnl::text, '-') AS r FROM v_positions ORDER BY 1",
        ] {
            out += try await LiveDrill.rows(db, sql).compactMap { $0["r"] }
        }
        return out
    }

    @Test func serveKilledFourTimesAcrossATradingDayEndsItAsAnUninterruptedRunDoes() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crash-loop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }

        // The reference: the same day, uninterrupted.
        let reference = try await TestDatabase.create()
        _ = try await Self.run(reference, home: scratch.appendingPathComponent("reference"), until: nil)
        let expected = try await Self.outcome(reference)
        #expect(expected.contains { $0.hasPrefix("completed ") } && expected.contains { $0.hasPrefix("filled ") }, "the day trades: \(expected)")

        // Killed at four moments (around the cron slots and between trades), restarted each time.
        let db = try await TestDatabase.create()
        let home = scratch.appendingPathComponent("drill")
        var logs: [String] = []
        for minute in ["09:47", "10:31", "11:45", "14:02"] { logs.append(try await Self.run(db, home: home, until: minute)) }
        logs.append(try await Self.run(db, home: home, until: nil))

        let all = logs.joined(separator: "\n")
        #expect(logs.dropFirst().allSatisfy { $0.contains("resuming the simulated clock where the ledger stands") }, "every restart resumed")
        // A kill caught resting breakout entries or open positions: the restarted paper broker took them back
        // (the simulated exchange does not forget an order because our process died).
        #expect(logs.dropFirst().contains { $0.range(of: #"orders=[1-9][0-9]* .*took back the ledger's book"#, options: .regularExpression) != nil }, "\(all.suffix(2000))")
        #expect(!all.contains("out_of_order") && !all.contains("Fatal error") && !all.contains("simulated minute failed"), "\(all.suffix(3000))")
        // No client order id was requested twice, and every cycle that started has an outcome.
        let twice = try await LiveDrill.rows(
            db, """
            SELECT payload->'intent'->>'client_order_id' AS c FROM events
            WHERE event_type = 'order.requested' AND payload->'intent'->>'client_order_id' IS NOT NULL GROUP BY 1 HAVING count(*) > 1
            """)
        #expect(twice.isEmpty, "\(twice)")
        let open = try await LiveDrill.rows(
            db,
            """
            SELECT s.stream_id FROM events s WHERE s.event_type = 'cycle.started' AND NOT EXISTS (
                SELECT 1 FROM events e WHERE e.stream_id = s.stream_id AND e.event_type IN ('cycle.completed', 'cycle.stopped', 'cycle.failed'))
            """)
        #expect(open.isEmpty, "cycles without an outcome: \(open)")
        // The day's outcome is the uninterrupted run's.
        // The day's outcome is the uninterrupted run's, but for the cycles a kill cut short: those are failed at
        // the next start-up with the reason (their scan died with the process; they are not run again later).
        let outcome = try await Self.outcome(db)
        let interrupted = try await LiveDrill.rows(db, "SELECT cycle_id, error_code, error_message FROM v_cycles WHERE status = 'failed'")
        #expect(interrupted.allSatisfy { ($0["error_message"] ?? "").contains("stopped before it completed") }, "\(interrupted)")
        func cycles(_ rows: [String]) -> Int { rows.filter { $0.hasPrefix("completed ") || $0.hasPrefix("failed ") }.compactMap { Int($0.split(separator: " ")[1]) }.reduce(0, +) }
        #expect(cycles(outcome) == cycles(expected), "every cycle of the schedule started once: \(outcome) vs \(expected)")
        // Orders by status and positions (symbol, status, quantity) are the uninterrupted run's exactly. A position's
        // P&L may differ by a few dollars: an exit in flight when the process died is filled by the restarted paper
        // broker from the minute after the ledger's last, and a partial fill of an order the restarted process
        // created splits differently (its draws are keyed by the order's place in the new book). Seen: one stop
        // exit at −136.01 or −133.13 against −130.97. Ledger correctness (nothing twice, nothing lost) is checked
        // above and below; the simulated exchange's prices around a kill are not the ledger's business.
        let trading = { (rows: [String]) in rows.filter { !$0.hasPrefix("completed ") && !$0.hasPrefix("failed ") } }
        func shape(_ rows: [String]) -> [String] { trading(rows).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } }
        func pnl(_ rows: [String]) -> [Decimal] { trading(rows).compactMap { r in r.split(separator: " ").count == 4 ? Decimal(string: String(r.split(separator: " ")[3])) : nil } }
        #expect(shape(outcome) == shape(expected), "orders and positions: drill \(outcome) vs uninterrupted \(expected)")
        #expect(
            pnl(outcome).count == pnl(expected).count && zip(pnl(outcome), pnl(expected)).allSatisfy { abs($0 - $1) <= 10 },
            "each position's P&L within $10 of the uninterrupted run's: drill \(outcome) vs uninterrupted \(expected)")
        try await LiveDrill.expectRebuildEqualsLiveAndChainVerifies(db, project: TestCluster.repositoryRoot)
    }
}
