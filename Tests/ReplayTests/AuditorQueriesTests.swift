import CatalystTestKit
import Domain
import Foundation
import PostgresClient
import Testing

/// The ten example queries of docs/auditors.md, run as `catalyst_auditor` against
/// the simulated day: they must work with that role's grants and return what the day's report says.
@Suite struct AuditorQueriesTests {
    /// Same text as docs/auditors.md (keep them in step).
    static let queries: [(name: String, sql: String)] = [
        ("events per type on a New York date", """
            SELECT event_type, count(*) AS n FROM events
            WHERE (occurred_at AT TIME ZONE 'America/New_York')::date = DATE '2025-03-14'
            GROUP BY event_type ORDER BY n DESC, event_type
            """),
        ("who did what: events per actor", """
            SELECT metadata->>'actor' AS actor, metadata->>'actor_name' AS name, count(*) AS n
            FROM events GROUP BY 1, 2 ORDER BY n DESC
            """),
        ("cycles: trigger, outcome and duration", """
            SELECT s.stream_id, s.metadata->>'actor_name' AS trigger, s.occurred_at AS started, e.event_type AS outcome,
                   e.occurred_at - s.occurred_at AS took
            FROM events s JOIN events e ON e.stream_id = s.stream_id
                 AND e.event_type IN ('cycle.completed', 'cycle.failed', 'cycle.stopped')
            WHERE s.event_type = 'cycle.started' ORDER BY s.global_position
            """),
        ("risk denials and their reasons", """
            SELECT d.occurred_at, d.payload->>'symbol' AS symbol, v->>'code' AS reason, v->>'detail' AS detail
            FROM events d, json_array_elements(d.payload->'violations') v
            WHERE d.event_type = 'risk.denied' ORDER BY d.global_position
            """),
        ("every order with its client order id, symbol and final event", """
            SELECT r.stream_id, r.payload->'intent'->>'client_order_id' AS client_order_id, r.payload->'intent'->>'symbol' AS symbol,
                   r.payload->'intent'->>'side' AS side, last.event_type AS last_event
            FROM events r
            JOIN LATERAL (SELECT event_type FROM events x WHERE x.stream_id = r.stream_id ORDER BY x.stream_version DESC LIMIT 1) last ON true
            WHERE r.event_type = 'order.requested' ORDER BY r.global_position
            """),
        ("fills: time, order, quantity, price, fee", """
            SELECT occurred_at, stream_id, event_type, payload->>'symbol' AS symbol, payload->>'side' AS side,
                   payload->>'qty' AS qty, payload->>'price' AS price, payload->>'fee' AS fee
            FROM events WHERE event_type IN ('order.partially_filled', 'order.filled') ORDER BY global_position
            """),
        ("closed positions and realized P&L", """
            SELECT payload->>'position_id' AS position, payload->>'side' AS side, payload->>'exit_reason' AS exit_reason,
                   (payload->>'total_realized_pnl')::numeric AS realized_pnl, payload->>'opened_at' AS opened, payload->>'closed_at' AS closed
            FROM events WHERE event_type = 'position.closed' ORDER BY global_position
            """),
        ("realized P&L per New York date", """
            SELECT (occurred_at AT TIME ZONE 'America/New_York')::date AS day, sum((payload->>'total_realized_pnl')::numeric) AS realized
            FROM events WHERE event_type = 'position.closed' GROUP BY 1 ORDER BY 1
            """),
        ("one workflow by correlation id (here: the first order's)", """
            SELECT global_position, occurred_at, metadata->>'actor' AS actor, event_type, stream_id
            FROM events
            WHERE metadata->>'correlation_id' =
                  (SELECT metadata->>'correlation_id' FROM events WHERE event_type = 'order.requested' ORDER BY global_position LIMIT 1)
            ORDER BY global_position
            """),
        ("integrity: stream versions without gaps (expect no rows)", """
            SELECT stream_id, stream_version, previous FROM (
                SELECT stream_id, stream_version, lag(stream_version) OVER (PARTITION BY stream_id ORDER BY stream_version) AS previous
                FROM events) s
            WHERE (previous IS NULL AND stream_version <> 1) OR stream_version <> previous + 1
            """),
    ]

    @Test func theTenReadmeQueriesRunAsTheAuditorRoleAndAgreeWithTheDay() async throws {
        let day = try await SimulatedDay.get()
        let r = day.report
        var results: [String: [[String: String]]] = [:]
        try await day.db.session(role: "catalyst_auditor").withConnection { c in
            for q in Self.queries { results[q.name] = try c.query(q.sql).dictionaries() }
        }
        #expect(Self.queries.count == 10)
        #expect(results["events per type on a New York date"]!.compactMap { Int($0["n"]!) }.reduce(0, +) == r.events)
        #expect(results["cycles: trigger, outcome and duration"]!.count == r.cycles)
        #expect(results["risk denials and their reasons"]!.count >= r.denials)
        #expect(results["every order with its client order id, symbol and final event"]!.count == r.ordersRequested)
        #expect(results["fills: time, order, quantity, price, fee"]!.count == r.fills)
        #expect(results["fills: time, order, quantity, price, fee"]!.allSatisfy { $0["qty"] != nil && $0["price"] != nil })
        #expect(results["closed positions and realized P&L"]!.count == r.closedPositions.count)
        let realized = results["realized P&L per New York date"]!.first.flatMap { $0["realized"] }.flatMap { Decimal(string: $0) } ?? 0
        #expect(DecimalText.round(realized, scale: 2) == Decimal(string: r.realizedPnL)!)
        #expect(results["one workflow by correlation id (here: the first order's)"]!.first?["event_type"] == "cycle.started")
        #expect(results["integrity: stream versions without gaps (expect no rows)"]!.isEmpty)
        #expect(results["who did what: events per actor"]!.contains { $0["actor"] == "cron" })
    }
}
