import CatalystTestKit
import Foundation
import Testing

/// The CLI front ends (the built binary against the running server and its database) and the manual
/// trading endpoints the MCP tools call.
@Suite(.serialized) struct CLIAndTradeTests {
    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs the built `catalyst` with `arguments`; output is read on a thread of its own.
    static func catalyst(_ arguments: [String], environment: [String: String]) async throws -> Run {
        try await run(MCPStdioTests.binary.path, arguments, environment: environment)
    }

    /// Runs a program to completion, reading its output on a thread of its own.
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: program)
                    p.arguments = arguments
                    var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                    // A command over a test database that writes local credentials (serve, migrate on an
                    // empty ledger) writes them to a scratch folder, never into the checkout's .catalyst/.
                    if environment["DATABASE_URL"] != nil, environment["CATALYST_HOME"] == nil {
                        env["CATALYST_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("cli-home-\(UUID().uuidString)").path
                    }
                    p.environment = env
                    let out = Pipe()
                    let err = Pipe()
                    p.standardOutput = out
                    p.standardError = err
                    try p.run()
                    let o = out.fileHandleForReading.readDataToEndOfFile()
                    let e = err.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    continuation.resume(returning: Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self)))
                } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }

    @Test func cliCommandsTalkToTheAPIAndReadTheDatabase() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path))
        try await APIHarness.with { h in
            let env = ["CATALYST_API_URL": h.url.absoluteString, "DATABASE_URL": h.db.conninfo, "CATALYST_API_KEY": h.keys.cron]
            let start = try await Self.catalyst(["cycle", "start", "--mode", "conservative", "--max-positions", "2", "--idempotency-key", "cli-1"], environment: env)
            #expect(start.status == 0, "\(start.err)")
            let started = try #require(try JSONSerialization.jsonObject(with: Data(start.out.utf8)) as? [String: Any])
            let id = try #require(started["cycle_id"] as? String)
            #expect(started["mode"] as? String == "conservative")

            let refused = try await Self.catalyst(["cycle", "start", "--max-positions", "500"], environment: env)
            #expect(refused.status != 0 && refused.err.contains("422") && refused.err.contains("max_positions"), "\(refused.err)")
            let unreachable = try await Self.catalyst(["halt", "--reason", "x"], environment: ["CATALYST_API_URL": "http://127.0.0.1:9", "CATALYST_API_KEY": h.keys.owner])
            #expect(unreachable.status != 0 && unreachable.err.contains("cannot reach the API"), "\(unreachable.err)")

            await h.settle()
            let events = try await Self.catalyst(["events", "--stream", "cycle-\(id)", "--json", "--limit", "10000"], environment: env)
            #expect(events.status == 0, "\(events.err)")
            let list = try #require(try JSONSerialization.jsonObject(with: Data(events.out.utf8)) as? [[String: Any]])
            #expect(list.count == (try await h.count("SELECT count(*) FROM events WHERE stream_id = 'cycle-\(id)'")) && list.first?["event_type"] as? String == "cycle.started")
            let table = try await Self.catalyst(["events", "--stream", "cycle-\(id)", "--limit", "1"], environment: env)
            #expect(table.out.contains("cycle.started") && table.out.contains("global_position"))

            let orders = try await Self.catalyst(["orders", "--json"], environment: env)
            let orderRows = try JSONSerialization.jsonObject(with: Data(orders.out.utf8)) as? [Any]
            #expect(orderRows?.count == (try await h.count("SELECT count(*) FROM v_orders")))
            let positions = try await Self.catalyst(["positions", "--json"], environment: env)
            let positionRows = try JSONSerialization.jsonObject(with: Data(positions.out.utf8)) as? [Any]
            #expect(positions.status == 0 && positionRows != nil)

            // cron's key may not halt; the owner's may, and is the recorded actor.
            let cronHalt = try await Self.catalyst(["halt", "--reason", "cli drill"], environment: env)
            #expect(cronHalt.status != 0 && cronHalt.err.contains("403") && cronHalt.err.contains("emergency_stop"), "\(cronHalt.err)")
            let owner = env.merging(["CATALYST_API_KEY": h.keys.owner]) { $1 }
            let halt = try await Self.catalyst(["halt", "--reason", "cli drill"], environment: owner)
            #expect(halt.status == 0 && halt.out.contains("\"halted\":true"), "\(halt.out) \(halt.err)")
            let resume = try await Self.catalyst(["resume", "--reason", "drill over"], environment: owner)
            #expect(resume.status == 0 && resume.out.contains("\"halted\":false"), "\(resume.out) \(resume.err)")
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type IN ('risk.trading_halted', 'risk.trading_resumed') AND metadata->>'principal_id' = 'craig'") == 2)
        }
    }

    @Test func aManualTradeFromMCPWaitsForAHumanGrant() async throws {
        try await APIHarness.with { h in
            // At 09:30 sharp the market has no snapshot yet; half an hour in, the scan sees prices.
            try await h.driver.step(minutes: 30)
            _ = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "trade-setup"])
            await h.settle()
            let row = try await h.db.session().withConnection { c in
                try c.query("SELECT symbol, price::text FROM v_candidates WHERE price IS NOT NULL AND price > 5 ORDER BY passed_universe DESC, volume DESC NULLS LAST LIMIT 1").dictionaries().first
            }
            let sample = try await h.get("/api/v1/candidates?limit=2").text
            let symbol = try #require(row?["symbol"], "\(sample)")
            let price = try #require(row.flatMap { $0["price"] }.flatMap { Decimal(string: $0) })
            func p(_ x: Decimal) -> String { "\(NSDecimalNumber(decimal: x).doubleValue)" }
            // Enough shares to clear the $500 minimum position value, whatever the symbol's price.
            let shares = NSDecimalNumber(decimal: 600 / price).intValue + 1
            let body = #"{"symbol": "\#(symbol)", "side": "long", "quantity": \#(shares), "entry": \#(p(price)), "stop": \#(p(price * Decimal(string: "0.96")!)), "target": \#(p(price * Decimal(string: "1.12")!))}"#
            let trade = try await h.post("/api/v1/trades", body, headers: APIHarness.bearer(h.keys.agent))
            // This seed and day: risk approves, and an agent's request waits for a human.
            try #require(trade.status == 202, "\(trade.text)")
            let approval = try #require(trade.object["approval_id"] as? String)
            #expect(
                try await h.count(
                    "SELECT count(*) FROM events WHERE metadata->>'actor' = 'agent' AND metadata->>'principal_id' = 'claude' AND stream_id LIKE 'risk-%'") >= 1)
            // The agent cannot grant its own proposal.
            let selfGrant = try await h.post("/api/v1/approvals/\(approval)/approve", "{}", headers: APIHarness.bearer(h.keys.agent))
            #expect(selfGrant.status == 403 && selfGrant.errorCode == "forbidden", "\(selfGrant.text)")
            let grant = try await h.post("/api/v1/approvals/\(approval)/approve", #"{"operator": "craig", "note": "looks fine"}"#)
            #expect(grant.status == 200, "\(grant.text)")
            let orderID = try #require(grant.object["order_id"] as? String)
            #expect(try await h.get("/api/v1/orders").array.contains { $0["order_id"] as? String == orderID })
            // Granting again places nothing new: the same order, or a refusal.
            let again = try await h.post("/api/v1/approvals/\(approval)/approve", #"{"operator": "craig"}"#)
            #expect(again.status == 409 || again.object["order_id"] as? String == orderID, "\(again.text)")
            await h.settle()
            #expect(try await h.count("SELECT count(*) FROM v_orders WHERE approval_id = '\(approval)' AND parent_order_id IS NULL") == 1)
        }
    }
}
