import CatalystTestKit
import FakeAlpaca
import Foundation
import Testing

/// `catalyst serve` (the real binary, live against the fake Alpaca over HTTP) is SIGKILLed after the
/// broker accepted an order and before the acknowledgement reached the ledger. The restarted process's
/// start-up reconciliation finds the order by its client order id and records the acknowledgement;
/// nothing is sent twice, nothing is lost.
@Suite(.serialized) struct ServeKillTests {
    @Test func aServeKilledBetweenTheBrokerCallAndTheAcknowledgementResolvesTheOrderByItsClientIDOnRestart() async throws {
        await LiveDrill.outsideTheFlattenWindow()
        let (fake, trading, _) = LiveDrill.fake()
        let db = try await TestDatabase.create()
        let project = try LiveDrill.project()
        defer { try? FileManager.default.removeItem(at: project) }
        try await fake.withRunning { fakeURL in
            // The client must still be waiting when the kill comes: its default 10 s request timeout can pass on
            // a loaded machine between the broker's acceptance and the kill, and the outcome is then recorded as unknown.
            let environment = LiveDrill.environment(fake: fakeURL, db: db, project: project).merging(["CATALYST_BROKER_TIMEOUT_SECONDS": "300"]) { $1 }
            let first = try ServeProcess(environment: environment)
            let url = try await first.url()
            try await LiveDrill.poll("the start-up reconciliation to open the trading gate") {
                (try? await DrillHTTP.request("GET", url, "/health"))?.object["trading_gate"] as? String == "open"
            }

            // The broker takes the order and then holds its answer far past the kill.
            fake.faults.connection(.answerLate(seconds: 120), "/v2/orders", method: "POST")
            let owner = try LiveDrill.ownerKey(project)
            let trade = Task { try? await DrillHTTP.request("POST", url, "/api/v1/trades", body: LiveDrill.tradeBody, key: owner, timeout: 150) }
            try await LiveDrill.poll("the broker to accept the order") { trading.orders.contains { $0.parentID == nil } }
            let entry = try #require(trading.orders.first { $0.parentID == nil })

            // The ledger has the request (written before the call) and no acknowledgement.
            let requested = try await LiveDrill.rows(db, "SELECT stream_id FROM events WHERE event_type = 'order.requested' AND payload->'intent'->>'client_order_id' = '\(entry.clientOrderID)'")
            let stream = try #require(requested.first?["stream_id"], "order.requested for \(entry.clientOrderID)")
            #expect(try await Self.types(db, stream) == ["order.requested"])

            try await first.kill()
            _ = await trade.value
            #expect(try await Self.types(db, stream) == ["order.requested"], "the kill left the order unacknowledged")
            let postsBefore = fake.requestLog.all.filter { $0.hasPrefix("POST /v2/orders") }.count
            #expect(postsBefore == 1)

            // Restart: the start-up reconciliation resolves it by its client order id.
            let second = try ServeProcess(environment: environment)
            let url2 = try await second.url()
            try await LiveDrill.poll("the order to be acknowledged") { try await Self.types(db, stream).contains("order.submitted") }
            try await LiveDrill.poll("the trading gate to open again") {
                (try? await DrillHTTP.request("GET", url2, "/health"))?.object["trading_gate"] as? String == "open"
            }
            #expect(fake.requestLog.all.contains { $0.hasPrefix("GET /v2/orders:by_client_order_id") && $0.contains(entry.clientOrderID) })
            #expect(fake.requestLog.all.filter { $0.hasPrefix("POST /v2/orders") }.count == 1, "no second order was sent: \(fake.requestLog.all)")
            #expect(trading.orders.filter { $0.clientOrderID == entry.clientOrderID }.count == 1)
            let submitted = try await LiveDrill.rows(
                db, "SELECT payload->>'broker_order_id' AS broker FROM events WHERE stream_id = '\(stream)' AND event_type = 'order.submitted'")
            #expect(submitted.map { $0["broker"] } == [entry.id], "acknowledged once, with the broker's id")

            // The projections show it with the broker's id, and so does the API.
            let orderID = String(stream.dropFirst("order-".count))
            try await LiveDrill.poll("the orders projection") {
                try await LiveDrill.rows(db, "SELECT broker_order_id FROM v_orders WHERE order_id = '\(orderID)'").first?["broker_order_id"] == entry.id
            }
            let row = try #require(try await LiveDrill.rows(db, "SELECT status, broker_order_id, client_order_id FROM v_orders WHERE order_id = '\(orderID)'").first)
            #expect(row["client_order_id"] == entry.clientOrderID && ["new", "accepted"].contains(row["status"] ?? ""), "\(row)")
            let legs = try await LiveDrill.rows(db, "SELECT leg_role, broker_order_id FROM v_orders WHERE parent_order_id = '\(orderID)' ORDER BY leg_role")
            #expect(Set(legs.compactMap { $0["broker_order_id"] }) == Set(trading.orders.filter { $0.parentID == entry.id }.map(\.id)), "\(legs)")
            let orders = try await DrillHTTP.request("GET", url2, "/api/v1/orders")
            #expect(orders.status == 200 && orders.text.contains(entry.id))
            // Exactly one order for the approval: no duplicate request either.
            #expect(try await LiveDrill.rows(db, "SELECT 1 FROM events WHERE event_type = 'order.requested' AND payload->'intent'->>'client_order_id' = '\(entry.clientOrderID)'").count == 1)

            try await LiveDrill.waitCaughtUp(db)
            try await second.terminate()
            try await LiveDrill.expectRebuildEqualsLiveAndChainVerifies(db, project: project)
            try? FileManager.default.removeItem(at: first.log)
            try? FileManager.default.removeItem(at: second.log)
        }
    }

    static func types(_ db: TestDatabase, _ stream: String) async throws -> [String] {
        try await LiveDrill.rows(db, "SELECT event_type FROM events WHERE stream_id = '\(stream)' ORDER BY stream_version").compactMap { $0["event_type"] }
    }
}
