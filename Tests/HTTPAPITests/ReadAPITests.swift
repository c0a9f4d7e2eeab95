import Foundation
import Testing

/// The read endpoints after a real cycle on the simulated day.
@Suite(.serialized) struct ReadAPITests {
    @Test func readsAnswerFromTheProjectionViews() async throws {
        try await APIHarness.with { h in
            #expect(try await h.get("/api/v1/cycles/current").status == 404)
            let start = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "reads"])
            let id = try #require(start.object["cycle_id"] as? String)
            await h.settle()
            // Let the day go on for an hour: entries fill, marks move.
            try await h.driver.step(minutes: 60)
            await h.settle()

            let history = try await h.get("/api/v1/workflow/history?limit=5")
            #expect(history.array.map { $0["cycle_id"] as? String } == [id])
            let cycle = try await h.get("/api/v1/cycles/\(id)")
            #expect(cycle.status == 200 && cycle.object["trading_date"] as? String == "2025-03-14")
            #expect(try await h.get("/api/v1/cycles/unknown").status == 404)

            let candidates = try await h.get("/api/v1/candidates?cycle_id=\(id)")
            let scanned = try await h.count("SELECT count(*) FROM v_candidates WHERE cycle_id = '\(id)'")
            #expect(scanned > 0 && candidates.array.count == min(scanned, 200))
            #expect(try await h.get("/api/v1/candidates").array.count == candidates.array.count)

            let orders = try await h.get("/api/v1/orders")
            #expect(orders.array.count == (try await h.count("SELECT count(*) FROM v_orders")))
            let filled = try await h.get("/api/v1/orders?status=filled")
            #expect(filled.array.allSatisfy { $0["status"] as? String == "filled" })
            let active = try await h.get("/api/v1/positions/active")
            #expect(active.array.count == (try await h.count("SELECT count(*) FROM v_positions WHERE status = 'open'")))
            #expect(try await h.get("/api/v1/positions/history").status == 200)

            let limits = try await h.get("/api/v1/risk/limits")
            #expect(limits.object["max_daily_loss_usd"] is String && limits.object["max_positions"] is Int, "\(limits.text)")
            let risk = try await h.get("/api/v1/risk/state")
            #expect(risk.object["account"] as? String == "sim" && risk.object["trading_date"] as? String == "2025-03-14")
            let violations = try await h.get("/api/v1/risk/violations?date=2025-03-14")
            #expect(violations.array.count == (try await h.count("SELECT count(*) FROM v_risk_denials WHERE trading_date = '2025-03-14'")))
            let daily = try await h.get("/api/v1/reports/daily?date=2025-03-14")
            #expect(daily.object["cycles"] as? Int == 1 && daily.object["risk"] is [String: Any], "\(daily.text)")

            // Events of the cycle's stream, paged.
            let all = try await h.get("/api/v1/events?stream=cycle-\(id)&limit=1000")
            let events = try #require(all.object["events"] as? [[String: Any]])
            #expect(events.count == (try await h.count("SELECT count(*) FROM events WHERE stream_id = 'cycle-\(id)'")) && events.count > 3)
            #expect(events.first?["event_type"] as? String == "cycle.started")
            let page = try await h.get("/api/v1/events?stream=cycle-\(id)&limit=2")
            let next = try #require(page.object["next_after"] as? Int)
            let rest = try await h.get("/api/v1/events?stream=cycle-\(id)&after=\(next)&limit=1000")
            #expect((rest.object["events"] as? [Any])?.count == events.count - 2)

            // The whole log, page by page with the cursor, is every event exactly once. Events of
            // transactions younger than the oldest one in flight (anywhere in the cluster) become readable
            // a moment later, so the reader polls with its last cursor, as a tailing client does.
            let total = try await h.count("SELECT count(*) FROM events")
            var cursor: String? = nil
            var seen: [Int] = []
            for _ in 0..<300 where seen.count < total {
                let page = try await h.get("/api/v1/events?limit=50" + (cursor.map { "&after=\($0)" } ?? ""))
                let rows = page.object["events"] as? [[String: Any]] ?? []
                seen += rows.compactMap { $0["global_position"] as? Int }
                if let next = page.object["next_after"] as? String { cursor = next } else { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(seen.count == Set(seen).count, "\(seen)")
            #expect(seen.count == total)
            #expect(try await h.get("/api/v1/events?after=abc").errorField == "after")
        }
    }

    @Test func healthMetricsOpenAPIAndDashboard() async throws {
        try await APIHarness.with { h in
            await h.settle()
            let health = try await h.get("/health")
            #expect(health.status == 200)
            #expect(health.object["database"] as? String == "ok")
            #expect(health.object["trading_gate"] as? String == "open")
            // One server, no standby: a primary, and nothing claimed about protection.
            let replication = try #require(health.object["replication"] as? [String: Any])
            #expect(replication["is_primary"] as? Bool == true && replication["writes_unprotected"] as? Bool == false, "\(replication)")
            let projections = try #require(health.object["projections"] as? [[String: Any]])
            #expect(Set(projections.compactMap { $0["name"] as? String }) == Set(h.backend.projections))

            let metrics = try await h.get("/metrics")
            #expect(metrics.contentType?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("# TYPE catalyst_events_head_position gauge"))
            #expect(metrics.text.contains("catalyst_projection_lag_events{projection=\"cycles\"}"))
            #expect(metrics.text.contains("catalyst_http_responses_total{class=\"2xx\"}"))
            #expect(metrics.text.contains("# TYPE catalyst_appends_grouped_total counter"))
            #expect(metrics.text.contains("# TYPE catalyst_commit_groups_total counter"))

            let page = try await h.get("/")
            #expect(page.contentType?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<svg id=\"equity\"") && page.text.contains("/api/v1/positions/active"))
            // Self-contained: nothing is loaded from elsewhere.
            #expect(!page.text.contains("src=\"http") && !page.text.contains("href=\"http") && !page.text.contains("@import"))
        }
    }
}
