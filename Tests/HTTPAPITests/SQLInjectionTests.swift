import CatalystTestKit
import Foundation
import Testing

/// Classic SQL injection payloads through every string the front ends take — the HTTP API's path
/// parameters, query filters and body strings, the MCP resources' parameters and tools' arguments, and
/// the CLI's read filters — are inert: each answer is a 4xx JSON error or a normal (often empty)
/// answer, never a 500; the events table and a canary table are intact; refused requests append
/// nothing; and where a payload is accepted as data (a halt reason, an idempotency key, an activity
/// note) it is stored byte for byte.
@Suite(.serialized) struct SQLInjectionTests {
    static let payloads = [
        "'; DROP TABLE events; --",
        "' OR '1'='1",
        "1' OR 1=1 --",
        "$$; DROP TABLE sqli_canary; $$",
        "$tag$ DELETE FROM events $tag$",
        "\\'; DROP TABLE sqli_canary; --",
        "\\\\",
        "\"; TRUNCATE events; --",
        "x' UNION SELECT payload::text, NULL FROM events --",
        "'; COPY events TO '/tmp/pwned'; --",
        "Robert'); DELETE FROM events WHERE ('1'='1",
        "a\u{0}b",
        "☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{202E}evil \u{FEFF}",
        "%27%20OR%201%3D1",
    ]

    static func escaped(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    static func body(_ fields: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }

    /// One answer is either a normal answer or a 4xx with the error envelope; never a 5xx.
    static func expectInert(_ a: APIHarness.Answer, _ what: String, allowed: Set<Int>) {
        #expect(allowed.contains(a.status), "\(what): \(a.status) \(a.text.prefix(300))")
        #expect(a.status < 500, "\(what): \(a.text.prefix(300))")
        #expect(a.contentType?.hasPrefix("application/json") == true, "\(what): \(a.contentType ?? "no content type")")
        #expect(a.json != nil || a.status == 204, "\(what): not JSON: \(a.text.prefix(300))")
        if a.status >= 400 { #expect(a.errorCode != nil, "\(what): no error envelope: \(a.text.prefix(300))") }
    }

    @Test func injectionPayloadsAreInertEverywhere() async throws {
        try await APIHarness.with { h in
            let auth = APIHarness.bearer(h.keys.owner)
            try await h.db.session().withConnection { c in
                _ = try c.execute("CREATE TABLE sqli_canary (v text NOT NULL); INSERT INTO sqli_canary VALUES ('intact')")
            }
            let before = try await h.count("SELECT count(*) FROM events")

            // Refused or read-only: nothing may be appended.
            for p in Self.payloads {
                let e = Self.escaped(p)
                let reads: [(String, Set<Int>)] = [
                    ("/api/v1/cycles/\(e)", [404]),
                    ("/api/v1/orders?status=\(e)", [422]),
                    ("/api/v1/candidates?cycle_id=\(e)", [200, 422]),
                    ("/api/v1/events?stream=\(e)", [200, 422]),
                    ("/api/v1/events?after=\(e)", [422]),
                    ("/api/v1/events?stream=cycle-x&after=\(e)", [422]),
                    ("/api/v1/risk/violations?date=\(e)", [422]),
                    ("/api/v1/reports/daily?date=\(e)", [422]),
                    ("/api/v1/workflow/history?limit=\(e)", [422]),
                    ("/api/v1/positions/history?limit=\(e)", [422]),
                ]
                for (path, allowed) in reads {
                    let a = try await h.get(path, headers: auth)
                    Self.expectInert(a, "GET \(path)", allowed: allowed)
                    if a.status == 200 {
                        // A filter that matched nothing answers an empty list, not every row.
                        let rows = (a.json as? [Any]) ?? ((a.json as? [String: Any])?["events"] as? [Any]) ?? [1]
                        #expect(rows.isEmpty, "GET \(path) matched rows: \(a.text.prefix(300))")
                    }
                }
                let writes: [(String, String, Set<Int>)] = [
                    ("/api/v1/workflow/stop", Self.body(["cycle_id": p, "reason": p]), [404, 422]),
                    ("/api/v1/approvals/\(e)/approve", Self.body(["operator": p, "note": p]), [404, 422]),
                    ("/api/v1/approvals/\(e)/deny", Self.body(["operator": p, "reason": p]), [404, 422]),
                    ("/api/v1/trades", Self.body(["symbol": p, "side": "long", "entry": 10, "stop": 9, "target": 12, "pattern": p, "operator": p]), [422]),
                    ("/api/v1/trades", Self.body(["symbol": "AAPL", "side": p, "entry": 10, "stop": 9, "target": 12]), [422]),
                    ("/api/v1/positions/\(e)/close", Self.body(["operator": p]), [404, 422]),
                    ("/api/v1/positions/\(e)/protection", Self.body(["stop": 1, "operator": p]), [404, 422]),
                    ("/api/v1/workflow/start", Self.body(["mode": p, "idempotency_key": p]), [422]),
                    ("/api/v1/workflow/start", Self.body(["session_mode": p]), [422]),
                    ("/api/v1/trading/resume", Self.body(["operator": p]), [422]),
                ]
                for (path, json, allowed) in writes {
                    Self.expectInert(try await h.post(path, json, headers: auth), "POST \(path) \(json.prefix(80))", allowed: allowed)
                }
            }
            #expect(try await h.count("SELECT count(*) FROM events") == before, "a refused request appended events")

            // The MCP server: resource parameters and tool arguments.
            try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
            let peer = try MCPStdioTests.Peer(environment: [
                "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent, "CATALYST_LOG_LEVEL": "critical",
            ])
            defer { peer.stop() }
            _ = try await peer.request(
                1, "initialize", ["protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": "sqli", "version": "1"]])
            try peer.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
            var id = 100
            for p in Self.payloads {
                let e = Self.escaped(p)
                for uri in [
                    "market-scan://candidates?cycle_id=\(e)", "news://catalysts?cycle_id=\(e)", "risk://violations?date=\(e)", "reports://daily?date=\(e)",
                    "reports://weekly?date=\(e)", "trading-cycle://history?limit=\(e)", "events://stream/\(e)", "events://stream/x?after=\(e)",
                ] {
                    id += 1
                    let answer = try await peer.request(id, "resources/read", ["uri": uri])
                    if let result = answer["result"] as? [String: Any] {
                        let text = ((result["contents"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
                        #expect(text == "[]" || text == "null", "\(uri) matched rows: \(text.prefix(300))")
                    } else {
                        #expect((answer["error"] as? [String: Any])?["code"] as? Int == -32602, "\(uri): \(answer)")
                    }
                }
                for (tool, arguments) in [
                    ("stop_trading_cycle", ["cycle_id": p, "reason": p]), ("close_position", ["symbol": p]), ("update_position", ["symbol": p, "stop": "1"]),
                    ("execute_trade", ["symbol": p, "side": "long", "entry": "10", "stop": "9", "target": "12"]),
                    ("log_activity", ["type": p]), ("generate_training_dataset", ["out": "/nonexistent-dir/\(p).csv", "from": p]),
                ] as [(String, [String: String])] {
                    id += 1
                    let answer = try await peer.request(id, "tools/call", ["name": tool, "arguments": arguments])
                    #expect((answer["result"] as? [String: Any])?["isError"] as? Bool == true, "\(tool) \(p): \(answer)")
                }
            }
            // An agent's refused attempts (close_position, update_position: human capabilities) are recorded
            // as principal.access_denied, and nothing else.
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type <> 'principal.access_denied'") == before, "a refused MCP call appended events")

            // The CLI's read filters (argv cannot carry NUL).
            let env = ["DATABASE_URL": h.db.conninfo]
            for p in Self.payloads where !p.contains("\u{0}") {
                let orders = try await CLIAndTradeTests.catalyst(["orders", "--status", p, "--json"], environment: env)
                #expect(orders.status == 0 && orders.out.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "orders --status \(p): \(orders.out) \(orders.err)")
                let events = try await CLIAndTradeTests.catalyst(["events", "--stream", p, "--json"], environment: env)
                #expect(events.status == 0 && events.out.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "events --stream \(p): \(events.out) \(events.err)")
            }

            // Accepted as data: stored byte for byte, executed never.
            let payload = Self.payloads[0] + " " + Self.payloads[3] + " " + Self.payloads[12]
            let halt = try await h.post("/api/v1/emergency-stop", Self.body(["reason": payload]), headers: auth)
            #expect(halt.status == 200, "\(halt.text)")
            let resume = try await h.post("/api/v1/trading/resume", Self.body(["reason": payload]), headers: auth)
            #expect(resume.status == 200, "\(resume.text)")
            let logged = try await peer.request(9_999, "tools/call", ["name": "log_activity", "arguments": ["type": "manual_check", "reasoning": payload]])
            #expect((logged["result"] as? [String: Any])?["isError"] as? Bool != true, "\(logged)")
            await h.settle()
            // Any string value, at any depth of a payload or metadata, equal to the payload.
            let stored = try await h.db.session().withConnection { c in
                try c.query(
                    """
                    SELECT count(*) FROM events
                    WHERE jsonb_path_exists(payload::jsonb, '$.** ? (@ == $v)', jsonb_build_object('v', $1::text))
                       OR jsonb_path_exists(metadata::jsonb, '$.** ? (@ == $v)', jsonb_build_object('v', $1::text))
                    """, [payload]
                ).scalar
            }
            #expect(Int(stored ?? "0") ?? 0 >= 3, "the payload was not stored verbatim (halt, resume, activity): \(stored ?? "nil")")

            // Nothing was executed: the log and the canary are intact.
            let canary = try await h.db.session().withConnection { c in try c.query("SELECT string_agg(v, ',') FROM sqli_canary").scalar }
            #expect(canary == "intact")
            #expect(try await h.count("SELECT count(*) FROM pg_tables WHERE tablename = 'events'") == 1)
            #expect(try await h.count("SELECT count(*) FROM events") > before)
            #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
        }
    }
}
