import CatalystTestKit
import Foundation
import Testing

/// Claude's five functions over MCP (docs/origins.md §MCP): URI templates for the parameterised
/// resources, their filters applied (and refused with -32602 when malformed), and prompts that embed what
/// they read. The positions are written straight into the read model so each filter has something to cut.
@Suite(.serialized) struct MCPTemplatesAndPromptsTests {
    typealias Peer = MCPStdioTests.Peer

    /// Four closed positions (two bull-flag losers, a bull-flag winner, an ABCD loser) and their candidates.
    static func seedPositions(_ h: APIHarness) async throws {
        let rows: [(id: String, symbol: String, pattern: String, pnl: String, daysAgo: Int)] = [
            ("p-1", "LOSA", "bull_flag", "-40.50", 1), ("p-2", "LOSB", "bull_flag", "-12.00", 3),
            ("p-3", "WINA", "bull_flag", "55.25", 2), ("p-4", "ABCL", "abcd", "-8.00", 40),
        ]
        try await h.db.session().withConnection { c in
            for r in rows {
                let opened = "timestamptz '2025-03-14 14:00:00+00' - interval '\(r.daysAgo) days'"
                _ = try c.query(
                    """
                    INSERT INTO v_positions (position_id, account, symbol, side, status, quantity, max_quantity, cost_basis, entry_qty, entry_notional,
                        exit_qty, exit_notional, realized_pnl, fees, pnl_complete, order_ids, adjusted, fill_count, opened_at, closed_at, updated_at,
                        last_global_position, cycle_id, initial_risk, unrealized_pnl)
                    VALUES ('\(r.id)', 'sim', '\(r.symbol)', 'long', 'closed', 0, 10, 0, 10, 100, 10, 100, \(r.pnl), 0, true, '[]', false, 2,
                        \(opened), \(opened) + interval '1 hour', \(opened) + interval '1 hour', 1, 'cycle-\(r.id)', 40, 0)
                    """)
                _ = try c.query(
                    """
                    INSERT INTO v_candidates (cycle_id, symbol, stage_reached, pattern, catalyst, catalyst_score, as_of)
                    VALUES ('cycle-\(r.id)', '\(r.symbol)', 'final', '\(r.pattern)', 'earnings', 0.8, \(opened))
                    """)
            }
        }
    }

    static func text(_ answer: [String: Any]) -> String {
        (((answer["result"] as? [String: Any])?["contents"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
    }

    static func rows(_ answer: [String: Any]) throws -> [[String: Any]] {
        try #require(answer["error"] == nil, "\(answer)")
        return try #require(try JSONSerialization.jsonObject(with: Data(text(answer).utf8)) as? [[String: Any]], "\(answer)")
    }

    static func errorCode(_ answer: [String: Any]) -> Int? { (answer["error"] as? [String: Any])?["code"] as? Int }
    static func errorMessage(_ answer: [String: Any]) -> String { (answer["error"] as? [String: Any])?["message"] as? String ?? "" }

    @Test func templatesFiltersAndPromptsAnswerAsTheSeedsAsk() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        try await APIHarness.with { h in
            try await Self.seedPositions(h)
            let peer = try await Peer.initialized(environment: [
                "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent,
                "CATALYST_LOG_LEVEL": "critical", "APCA_API_KEY_ID": "",
            ])
            defer { peer.stop() }

            // Parameterised resources are templates; the plain list keeps only what reads as it is.
            let templates = try await peer.request(2, "resources/templates/list")
            let listed = ((templates["result"] as? [String: Any])?["resourceTemplates"] as? [[String: Any]] ?? []).compactMap { $0["uriTemplate"] as? String }
            #expect(listed.contains("positions://history{?limit,status,pattern,days,symbol,pnl}"), "\(templates)")
            #expect(listed.contains("trading-cycle://history{?limit,hours}") && listed.contains("events://stream/{id}{?after,limit}"))
            let plain = try await peer.request(3, "resources/list")
            let uris = ((plain["result"] as? [String: Any])?["resources"] as? [[String: Any]] ?? []).compactMap { $0["uri"] as? String }
            #expect(!uris.contains { $0.contains("{") } && uris.contains("positions://active") && uris.contains("reports://daily"))

            // Function 1: the losers, newest first, in the seed's own spelling too.
            for (id, uri) in [(4, "positions://history?limit=5&status=closed&pnl=negative"), (5, "positions://history?limit=5&status=closed&pnl<0")] {
                let losers = try Self.rows(try await peer.request(id, "resources/read", ["uri": uri]))
                #expect(losers.compactMap { $0["symbol"] as? String } == ["LOSA", "LOSB", "ABCL"], "\(uri): \(losers)")
                #expect(losers.first?["r_multiple"] as? Double == -1.013, "\(losers.first ?? [:])")
            }
            // Pattern performance (docs/origins.md §MCP): one pattern, the last 30 days (the ABCD loser is 40 days old, and not a bull flag).
            let flags = try Self.rows(try await peer.request(6, "resources/read", ["uri": "positions://history?pattern=bull_flag&days=30"]))
            #expect(Set(flags.compactMap { $0["symbol"] as? String }) == ["LOSA", "LOSB", "WINA"])
            #expect(flags.allSatisfy { $0["pattern"] as? String == "bull_flag" })
            let recent = try Self.rows(try await peer.request(7, "resources/read", ["uri": "positions://history?days=2&status=all"]))
            #expect(Set(recent.compactMap { $0["symbol"] as? String }) == ["LOSA", "WINA"], "\(recent)")
            let winners = try Self.rows(try await peer.request(8, "resources/read", ["uri": "positions://history?pnl=positive&symbol=wina"]))
            #expect(winners.compactMap { $0["symbol"] as? String } == ["WINA"])
            let news = try Self.rows(try await peer.request(9, "resources/read", ["uri": "news://catalysts?symbol=LOSA"]))
            #expect(news.compactMap { $0["cycle_id"] as? String } == ["cycle-p-1"])

            // Malformed filters are the caller's error, naming the parameter.
            let bad: [(String, String)] = [
                ("positions://history?pattern=nope", "pattern"), ("positions://history?days=-1", "days"), ("positions://history?status=sideways", "status"),
                ("positions://history?pnl=maybe", "pnl"), ("trading-cycle://history?hours=abc", "hours"), ("positions://history?bogus=1", "bogus"),
                ("risk://violations?date=2025-02-30", "date"), ("positions://active?limit=3", "limit"),
            ]
            for (i, (uri, parameter)) in bad.enumerated() {
                let answer = try await peer.request(20 + i, "resources/read", ["uri": uri])
                #expect(Self.errorCode(answer) == -32602, "\(uri): \(answer)")
                #expect(Self.errorMessage(answer).contains(parameter), "\(uri): \(Self.errorMessage(answer))")
            }

            // Prompts: one per function, each embedding what it read.
            let prompts = try await peer.request(40, "prompts/list")
            let names = ((prompts["result"] as? [String: Any])?["prompts"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(Set(names) == ["losing_trades", "training_dataset", "manual_intervention", "risk_optimization", "system_health", "pattern_performance"])
            let losing = try await peer.request(41, "prompts/get", ["name": "losing_trades", "arguments": ["count": "2"]])
            let messages = try #require((losing["result"] as? [String: Any])?["messages"] as? [[String: Any]], "\(losing)")
            let embedded = messages.compactMap { ($0["content"] as? [String: Any])?["resource"] as? [String: Any] }
            #expect(embedded.compactMap { $0["uri"] as? String } == [
                "positions://history?limit=2&status=closed&pnl=negative", "news://catalysts?symbol=LOSA&limit=5", "news://catalysts?symbol=LOSB&limit=5",
            ])
            #expect((embedded.first?["text"] as? String)?.contains("LOSA") == true)
            let health = try await peer.request(42, "prompts/get", ["name": "system_health", "arguments": ["hours": "24"]])
            let healthText = ((((health["result"] as? [String: Any])?["messages"] as? [[String: Any]])?.first?["content"] as? [String: Any])?["text"] as? String) ?? ""
            #expect(healthText.contains("trading-cycle://history?hours=24") && healthText.contains("risk://violations"), "\(health)")
            for (i, (name, arguments, parameter)) in [
                ("pattern_performance", ["pattern": "nope"], "pattern"), ("system_health", ["hours": "0"], "hours"),
                ("training_dataset", [:], "pattern"), ("losing_trades", ["operator": "craig"], "operator"),
            ].enumerated() {
                let answer = try await peer.request(50 + i, "prompts/get", ["name": name, "arguments": arguments])
                #expect(Self.errorCode(answer) == -32602 && Self.errorMessage(answer).contains(parameter), "\(name): \(answer)")
            }
            let unknown = try await peer.request(60, "prompts/get", ["name": "make_money"])
            #expect(unknown["error"] != nil)
        }
    }
}
