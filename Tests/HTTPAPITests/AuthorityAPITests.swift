import Application
import CatalystTestKit
import Domain
import Foundation
import HTTPAPI
import Testing

/// Who may do what over HTTP: the role × route table is generated from the router and the role
/// definitions (a new route cannot be left unprotected), every refusal of a known principal is
/// recorded, and the actor of every event is the principal whose key made the request.
@Suite(.serialized) struct AuthorityAPITests {
    /// `:id`, `{id}` → `*`, so the router's own description and the registered pattern compare.
    static func shape(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "*" : String($0) }.joined(separator: "/")
    }

    /// A body every mutating route refuses after authorization (missing or bogus fields, unknown ids),
    /// so an allowed request answers some 4xx other than 403 and changes nothing but what refusals record.
    static let inertBody = #"{"mode": "bogus", "cycle_id": "nope"}"#

    @Test func everyRouteStatesItsAccessAndEachRoleGetsExactlyItsCapabilities() async throws {
        try await APIHarness.with(readsNeedCredential: true) { h in
            let server = APIServer(configuration: .init(privateReads: true), backend: h.backend, logger: .init(label: "t"))
            let access = Dictionary(uniqueKeysWithValues: server.routeAccess().map { (Self.shape($0.key), $0.value) })
            let routes = server.buildRouter().routes
            #expect(routes.count == access.count, "every route is registered with its access: \(routes.map(\.description)) vs \(access.keys.sorted())")
            for route in routes {
                #expect(access["\(route.method) \(Self.shape("\(route.path)"))"] != nil, "\(route.method) \(route.path) has no stated access")
            }
            #expect(access.values.filter { if case .act = $0 { true } else { false } }.count >= 9)

            // Two more humans with one role each, added as an admin would.
            let service = PrincipalService(log: h.backend.system.log, directory: h.backend.directory)
            let admin = Actor.principal("craig", kind: .human, name: "craig")
            let rita = try await service.add(id: "rita", name: "Rita", kind: .human, roles: [.riskOfficer], by: admin).credential.token
            let ada = try await service.add(id: "ada", name: "Ada", kind: .human, roles: [.admin], by: admin).credential.token
            let principals: [(PrincipalID, PrincipalKind, Set<Role>, String)] = [
                ("craig", .human, [.admin, .operator, .riskOfficer], h.keys.owner), ("claude", .agent, [.agent], h.keys.agent), ("cron", .service, [.cron], h.keys.cron),
                ("audrey", .human, [.auditor], h.keys.auditor), ("rita", .human, [.riskOfficer], rita), ("ada", .human, [.admin], ada),
            ]
            var expectedDenials: [PrincipalID: Int] = [:]
            var checked = 0
            for (key, routeAccess) in access.sorted(by: { $0.key < $1.key }) {
                guard let capability = routeAccess.capability else { continue }
                let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
                let path = parts[1].replacingOccurrences(of: "*", with: "x")
                for (id, kind, roles, token) in principals {
                    let allowed = Authority.allows(kind: kind, roles: roles, capability)
                    let answer = try await h.request(parts[0], path, body: parts[0] == "POST" ? Self.inertBody : nil, headers: APIHarness.bearer(token))
                    checked += 1
                    if allowed {
                        #expect(answer.status != 403 && answer.status != 401, "\(id) may \(capability.rawValue): \(key) → \(answer.status) \(answer.text)")
                    } else {
                        #expect(answer.status == 403 && answer.errorCode == "forbidden", "\(id) may not \(capability.rawValue): \(key) → \(answer.status) \(answer.text)")
                        let details = (answer.object["error"] as? [String: Any])?["details"] as? [String: Any]
                        #expect(details?["capability"] as? String == capability.rawValue, "the 403 names what is lacking: \(answer.text)")
                        expectedDenials[id, default: 0] += 1
                    }
                }
            }
            #expect(checked >= 6 * 20)
            // Every refusal of a known principal is in the ledger, on its stream.
            for (id, _, _, _) in principals {
                let recorded = try await h.count("SELECT count(*) FROM events WHERE stream_id = 'principal-\(id.rawValue)' AND event_type = 'principal.access_denied'")
                #expect(recorded == expectedDenials[id, default: 0], "\(id): \(recorded) recorded, \(expectedDenials[id, default: 0]) refused")
            }
            #expect(expectedDenials["claude", default: 0] > 0 && expectedDenials["cron", default: 0] > 0 && expectedDenials["audrey", default: 0] > 0)
            await h.settle()
            #expect(try await h.count("SELECT count(*) FROM v_access_denied") == expectedDenials.values.reduce(0, +))
        }
    }

    @Test func theActorOfEveryEventIsThePrincipalWhoseKeyMadeTheRequest() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        try await APIHarness.with { h in
            try await h.driver.step(minutes: 30)
            var last = try await h.count("SELECT coalesce(max(global_position), 0) FROM events")
            /// Every event appended since the previous check carries `principal` as its actor.
            func expectAllBy(_ principal: String, kind: String, _ what: String) async throws {
                await h.settle()
                let rows = try await h.db.session().withConnection { c in
                    try c.query(
                        "SELECT event_type, coalesce(metadata->>'principal_id', '-') AS p, coalesce(metadata->>'principal_kind', '-') AS k FROM events WHERE global_position > $1 ORDER BY global_position",
                        [String(last)]
                    ).dictionaries()
                }
                #expect(!rows.isEmpty, "\(what) appended nothing")
                for row in rows { #expect(row["p"] == principal && row["k"] == kind, "\(what): \(row["event_type"] ?? "") by \(row["p"] ?? "") (\(row["k"] ?? ""))") }
                last = try await h.count("SELECT coalesce(max(global_position), 0) FROM events")
            }

            // The CLI, with cron's key: a cycle, its scan, signals, risk decisions and orders.
            let env = ["CATALYST_API_URL": h.url.absoluteString, "DATABASE_URL": h.db.conninfo, "CATALYST_API_KEY": h.keys.cron]
            let start = try await CLIAndTradeTests.catalyst(["cycle", "start", "--idempotency-key", "actors-cli"], environment: env)
            #expect(start.status == 0, "\(start.err)")
            await h.backend.cycles.waitIdle()
            try await expectAllBy("cron", kind: "service", "catalyst cycle start (cron's key)")

            // MCP, with the agent's key: a halt, then a resume that is only a request.
            let peer = try await MCPStdioTests.Peer.initialized(environment: [
                "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent, "CATALYST_LOG_LEVEL": "critical",
            ])
            defer { peer.stop() }
            let halt = try await peer.request(2, "tools/call", ["name": "emergency_stop", "arguments": ["reason": "agent drill"]])
            #expect((halt["result"] as? [String: Any])?["isError"] as? Bool != true, "\(halt)")
            try await expectAllBy("claude", kind: "agent", "emergency_stop over MCP")
            let ask = try await peer.request(3, "tools/call", ["name": "resume_trading", "arguments": ["reason": "the broker is back"]])
            let askText = (((ask["result"] as? [String: Any])?["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(askText.contains("resume_requested") && askText.contains("human"), "\(ask)")
            try await expectAllBy("claude", kind: "agent", "resume_trading over MCP")
            #expect(try await h.get("/api/v1/risk/state").object["halted"] as? Bool == true, "an agent never lifts a halt")

            // The API, with the owner's key: the human resume.
            let resumed = try await h.post("/api/v1/trading/resume", #"{"reason": "reviewed the agent's request"}"#)
            #expect(resumed.status == 200 && resumed.object["halted"] as? Bool == false, "\(resumed.text)")
            try await expectAllBy("craig", kind: "human", "POST /api/v1/trading/resume (the owner's key)")
            let lifted = try await h.db.session().withConnection { c in
                try c.query("SELECT payload->'by'->'principal'->>'id' AS by, payload->'requested_by'->'principal'->>'id' AS asked FROM events WHERE event_type = 'risk.trading_resumed'").dictionaries()
            }
            #expect(lifted.count == 1 && lifted.first?["by"] == "craig" && lifted.first?["asked"] == "claude", "\(lifted)")
        }
    }

    @Test func overMCPAnAgentCanNeitherLiftAHaltNorSkipAnApprovalNorSmuggleArguments() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        try await APIHarness.with { h in
            try await h.driver.step(minutes: 30)
            _ = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: ["Idempotency-Key": "mcp-authority"])
            await h.settle()
            let row = try await h.db.session().withConnection { c in
                try c.query("SELECT symbol, price::text FROM v_candidates WHERE price IS NOT NULL AND price > 5 ORDER BY passed_universe DESC, volume DESC NULLS LAST LIMIT 1").dictionaries().first
            }
            let symbol = try #require(row?["symbol"])
            let price = try #require(row.flatMap { $0["price"] }.flatMap { Double($0) })
            // Enough shares to clear the $500 minimum position value, whatever the symbol's price.
            let shares = Int((600 / price).rounded(.up))
            let trade: [String: Any] = ["symbol": symbol, "side": "long", "quantity": shares, "entry": price, "stop": price * 0.96, "target": price * 1.12]

            let peer = try await MCPStdioTests.Peer.initialized(environment: [
                "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent, "CATALYST_LOG_LEVEL": "critical",
            ])
            defer { peer.stop() }
            let before = try await h.count("SELECT count(*) FROM events")

            // Any undeclared argument is a JSON-RPC error, and nothing reaches the API.
            for (tool, arguments) in [
                ("execute_trade", trade.merging(["operator": "alice"]) { $1 }), ("resume_trading", ["reason": "x", "operator": "alice"]),
                ("emergency_stop", ["reason": "x", "actor": "operator"]), ("close_position", ["symbol": symbol, "X-Catalyst-Actor": "operator"]),
            ] as [(String, [String: Any])] {
                let answer = try await peer.request(10, "tools/call", ["name": tool, "arguments": arguments])
                #expect((answer["error"] as? [String: Any])?["code"] as? Int == -32602, "\(tool) with an undeclared argument: \(answer)")
            }
            #expect(try await h.count("SELECT count(*) FROM events") == before, "a refused call appended events")

            // The trade always waits for a human.
            let placed = try await peer.request(20, "tools/call", ["name": "execute_trade", "arguments": trade])
            let text = (((placed["result"] as? [String: Any])?["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(text.contains("awaiting_approval"), "\(placed)")
            await h.settle()
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'order.requested'") == (try await h.count("SELECT count(*) FROM v_orders WHERE approval_id NOT LIKE 'man-%'")), "no manual order was placed")

            // A halt it pulls; a resume it only asks for.
            let halt = try await peer.request(21, "tools/call", ["name": "emergency_stop", "arguments": ["reason": "drill"]])
            #expect((halt["result"] as? [String: Any])?["isError"] as? Bool != true, "\(halt)")
            let ask = try await peer.request(22, "tools/call", ["name": "resume_trading", "arguments": ["reason": "please"]])
            #expect((ask["result"] as? [String: Any])?["isError"] as? Bool != true, "\(ask)")
            await h.settle()
            #expect(try await h.get("/api/v1/risk/state").object["halted"] as? Bool == true)
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'risk.trading_resumed'") == 0)
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'risk.resume_requested' AND metadata->>'principal_id' = 'claude'") == 1)
            #expect(try await h.count("SELECT count(*) FROM v_risk_state WHERE resume_requested_by = 'agent:claude'") == 1)
            // Nor through the API directly with its key, whatever the body says.
            let direct = try await h.post("/api/v1/trading/resume", #"{"reason": "x", "operator": "craig"}"#, headers: APIHarness.bearer(h.keys.agent))
            #expect(direct.status == 422 && direct.errorField == "operator", "\(direct.text)")
            let relayed = try await h.post("/api/v1/trading/resume", #"{"reason": "x"}"#, headers: APIHarness.bearer(h.keys.agent).merging(["X-Catalyst-Actor": "operator"]) { $1 })
            #expect(relayed.status == 422 && relayed.errorField == "X-Catalyst-Actor", "\(relayed.text)")
            #expect(try await h.get("/api/v1/risk/state").object["halted"] as? Bool == true)
        }
    }
}

/// The risk limits as a risk officer changes them: recorded with the principal, in force at once, and
/// under maker–checker a raise needs a second, different risk officer.
@Suite(.serialized) struct RiskParametersAPITests {
    @Test func aRiskOfficerChangesTheLimitsAndARaiseNeedsASecondOne() async throws {
        try await APIHarness.with(configure: { $0.authority = AuthorityPolicy(raiseRiskLimit: true) }) { h in
            let service = PrincipalService(log: h.backend.system.log, directory: h.backend.directory)
            let admin = Actor.principal("craig", kind: .human, name: "craig")
            let rita = try await service.add(id: "rita", name: "Rita", kind: .human, roles: [.riskOfficer], by: admin).credential.token
            let ravi = try await service.add(id: "ravi", name: "Ravi", kind: .human, roles: [.riskOfficer], by: admin).credential.token
            let opal = try await service.add(id: "opal", name: "Opal", kind: .human, roles: [.operator], by: admin).credential.token
            let path = "/api/v1/risk/parameters"

            // Not a risk officer: 403, whatever the body.
            let byOperator = try await h.post(path, #"{"set": {"max_positions": 3}, "reason": "fewer"}"#, headers: APIHarness.bearer(opal))
            #expect(byOperator.status == 403, "\(byOperator.text)")
            let byAgent = try await h.post(path, #"{"set": {"max_positions": 3}, "reason": "fewer"}"#, headers: APIHarness.bearer(h.keys.agent))
            #expect(byAgent.status == 403, "\(byAgent.text)")
            // Bad input names the key.
            let unknown = try await h.post(path, #"{"set": {"max_positionz": 3}, "reason": "typo"}"#, headers: APIHarness.bearer(rita))
            #expect(unknown.status == 422 && unknown.errorField == "set.max_positionz", "\(unknown.text)")
            let out = try await h.post(path, #"{"set": {"max_correlation": 7}, "reason": "oops"}"#, headers: APIHarness.bearer(rita))
            #expect(out.status == 422, "\(out.text)")
            let noReason = try await h.post(path, #"{"set": {"max_positions": 3}}"#, headers: APIHarness.bearer(rita))
            #expect(noReason.status == 422 && noReason.errorField == "reason")

            // Tightening is in force at once, by one risk officer.
            let tighter = try await h.post(path, #"{"set": {"max_positions": 3, "max_daily_loss_usd": 1500}, "reason": "volatile open"}"#, headers: APIHarness.bearer(rita))
            #expect(tighter.status == 200 && tighter.object["status"] as? String == "changed", "\(tighter.text)")
            var limits = try await h.get("/api/v1/risk/limits").object
            #expect(limits["max_positions"] as? Int == 3 && "\(limits["max_daily_loss_usd"] ?? "")" == "1500", "\(limits)")

            // Raising waits for a second, different risk officer.
            let raise = #"{"set": {"max_positions": 6}, "reason": "calmer now"}"#
            let proposed = try await h.post(path, raise, headers: APIHarness.bearer(rita))
            #expect(proposed.status == 202 && proposed.object["status"] as? String == "awaiting_second_human", "\(proposed.text)")
            #expect(proposed.object["raises"] as? [String] == ["max_positions"])
            #expect(try await h.get("/api/v1/risk/limits").object["max_positions"] as? Int == 3, "not in force yet")
            let again = try await h.post(path, raise, headers: APIHarness.bearer(rita))
            #expect(again.status == 409 && again.errorCode == "checker_must_differ", "\(again.text)")
            let checked = try await h.post(path, raise, headers: APIHarness.bearer(ravi))
            #expect(checked.status == 200 && checked.object["status"] as? String == "changed", "\(checked.text)")
            limits = try await h.get("/api/v1/risk/limits").object
            #expect(limits["max_positions"] as? Int == 6)

            // Both humans are in the event; the change survives the file sync of the next command.
            let changes = try await h.db.session().withConnection { c in
                try c.query(
                    "SELECT metadata->>'principal_id' AS by, payload->'maker'->'principal'->>'id' AS maker FROM events WHERE event_type = 'risk.parameters_changed' ORDER BY global_position"
                ).dictionaries()
            }
            #expect(changes.map { $0["by"] ?? "" } == ["rita", "ravi"] && changes.last?["maker"] == "rita", "\(changes)")
            _ = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody, headers: APIHarness.bearer(h.keys.cron).merging(["Idempotency-Key": "after-limits"]) { $1 })
            await h.settle()
            #expect(try await h.get("/api/v1/risk/limits").object["max_positions"] as? Int == 6, "the file did not change, so the API's limits stand")
            #expect(try await h.count("SELECT count(*) FROM v_risk_state WHERE max_positions = 6 AND parameters_maker = 'operator:rita'") == 1)
        }
    }
}
