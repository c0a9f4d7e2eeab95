import CatalystTestKit
import Foundation
import Synchronization
import Testing

/// `catalyst mcp` as Claude Desktop runs it: the built binary, spoken to in JSON-RPC over its stdio,
/// against the running test server (tools) and its database (resources).
@Suite(.serialized) struct MCPStdioTests {
    static let binary = TestCluster.repositoryRoot.appendingPathComponent(".build/debug/catalyst")

    /// One child process and newline-delimited JSON-RPC over its pipes. Reads block on a thread of their
    /// own, never on the concurrency pool.
    final class Peer: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        var buffer = Data()

        /// Starts `catalyst mcp` and completes the handshake (initialize, then the initialized notification).
        static func initialized(environment: [String: String], client: String = "test") async throws -> Peer {
            let peer = try Peer(environment: environment)
            _ = try await peer.request(
                1, "initialize", ["protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": client, "version": "1"]])
            try peer.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
            return peer
        }

        init(environment: [String: String]) throws {
            process.executableURL = MCPStdioTests.binary
            process.arguments = ["mcp"]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

        func send(_ object: [String: Any]) throws { send(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)) }

        func nextLine() async -> String? {
            await withCheckedContinuation { continuation in
                Thread {
                    while true {
                        if let i = self.buffer.firstIndex(of: 0x0A) {
                            let line = self.buffer[..<i]
                            self.buffer = Data(self.buffer[(i + 1)...])
                            return continuation.resume(returning: String(decoding: line, as: UTF8.self))
                        }
                        let chunk = self.output.fileHandleForReading.availableData
                        if chunk.isEmpty { return continuation.resume(returning: nil) }
                        self.buffer.append(chunk)
                    }
                }.start()
            }
        }

        /// The response to request `id` (notifications in between are skipped).
        func response(_ id: Int) async throws -> [String: Any] {
            while let line = await nextLine() {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                if object["id"] as? Int == id { return object }
            }
            throw CancellationError()
        }

        func request(_ id: Int, _ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
            try send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
            return try await response(id)
        }

        func stop() {
            try? input.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    @Test func claudeTalksToCatalystOverStdio() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the catalyst binary first")
        try await APIHarness.with { h in
            let peer = try Peer(environment: [
                "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent, "CATALYST_LOG_LEVEL": "critical",
            ])
            defer { peer.stop() }
            let initialized = try await peer.request(
                1, "initialize", ["protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": "test", "version": "1"]])
            let info = try #require((initialized["result"] as? [String: Any])?["serverInfo"] as? [String: Any], "\(initialized)")
            #expect(info["name"] as? String == "catalyst-ledger")
            try peer.send(["jsonrpc": "2.0", "method": "notifications/initialized"])

            let list = try await peer.request(2, "resources/list")
            let uris = ((list["result"] as? [String: Any])?["resources"] as? [[String: Any]] ?? []).compactMap { $0["uri"] as? String }
            #expect(uris.contains("trading-cycle://current") && uris.contains("positions://active") && uris.contains("risk://exposure"))
            let tools = try await peer.request(3, "tools/list")
            let names = ((tools["result"] as? [String: Any])?["tools"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(
                Set(names) == [
                    "start_trading_cycle", "stop_trading_cycle", "emergency_stop", "resume_trading", "execute_trade", "close_position", "update_position",
                    "run_watchdog", "log_activity", "generate_training_dataset",
                ])

            // A tool call becomes a command whose actor is the agent principal whose key the server holds.
            let call = try await peer.request(
                4, "tools/call", ["name": "start_trading_cycle", "arguments": ["mode": "normal", "max_positions": 3, "idempotency_key": "mcp-1"] as [String: Any]])
            let result = try #require(call["result"] as? [String: Any], "\(call)")
            #expect(result["isError"] as? Bool != true, "\(result)")
            let text = ((result["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            let started = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let cycleID = try #require(started["cycle_id"] as? String)
            await h.settle()
            #expect(
                try await h.count(
                    "SELECT count(*) FROM events WHERE event_type = 'cycle.started' AND metadata->>'actor' = 'agent' AND metadata->>'principal_id' = 'claude' AND metadata->>'principal_kind' = 'agent'"
                ) == 1)

            let read = try await peer.request(5, "resources/read", ["uri": "trading-cycle://current"])
            let contents = try #require((read["result"] as? [String: Any])?["contents"] as? [[String: Any]], "\(read)")
            #expect((contents.first?["text"] as? String)?.contains(cycleID) == true)
            let history = try await peer.request(6, "resources/read", ["uri": "trading-cycle://history?limit=1"])
            let historyText = (((history["result"] as? [String: Any])?["contents"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect((try JSONSerialization.jsonObject(with: Data(historyText.utf8)) as? [Any])?.count == 1)

            // Refusals are readable tool errors; unknown resources and bad parameters are JSON-RPC errors.
            let refused = try await peer.request(7, "tools/call", ["name": "emergency_stop", "arguments": [:] as [String: Any]])
            let refusal = try #require(refused["result"] as? [String: Any])
            #expect(refusal["isError"] as? Bool == true)
            let refusalText = ((refusal["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(refusalText.contains("reason"))
            let unknown = try await peer.request(8, "resources/read", ["uri": "nothing://here"])
            #expect((unknown["error"] as? [String: Any])?["code"] as? Int == -32602, "\(unknown)")
            let badLimit = try await peer.request(9, "resources/read", ["uri": "trading-cycle://history?limit=lots"])
            #expect(badLimit["error"] != nil)

            // A malformed line does not kill the server: it answers an error, and the next request.
            peer.send("{this is not json")
            let next = try await peer.request(10, "resources/read", ["uri": "positions://summary"])
            #expect(next["result"] != nil, "\(next)")
            #expect(peer.process.isRunning)

            // The watchdog, the activity log and the training set: roles of the same binary.
            let watchdog = try await peer.request(11, "tools/call", ["name": "run_watchdog", "arguments": ["audit": false] as [String: Any]])
            let report = try #require(watchdog["result"] as? [String: Any], "\(watchdog)")
            #expect(report["isError"] as? Bool != true, "\(report)")
            let reportText = ((report["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            let contract = try #require(try JSONSerialization.jsonObject(with: Data(reportText.utf8)) as? [String: Any], "\(reportText)")
            #expect(contract["version"] as? String == "1.0" && contract["summary"] != nil)
            let logged = try await peer.request(
                12, "tools/call", ["name": "log_activity", "arguments": ["type": "manual_check", "decision": "monitor", "reasoning": "mcp test"] as [String: Any]])
            #expect((logged["result"] as? [String: Any])?["isError"] as? Bool != true, "\(logged)")
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'doctor.decision_recorded' AND payload::text LIKE '%mcp test%'") == 1)
            let badLog = try await peer.request(13, "tools/call", ["name": "log_activity", "arguments": ["type": "manual_check", "decision": "panic"] as [String: Any]])
            #expect((badLog["result"] as? [String: Any])?["isError"] as? Bool == true, "\(badLog)")
            let csv = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-labels-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: csv) }
            let dataset = try await peer.request(14, "tools/call", ["name": "generate_training_dataset", "arguments": ["out": csv.path] as [String: Any]])
            #expect((dataset["result"] as? [String: Any])?["isError"] as? Bool != true, "\(dataset)")
            #expect(FileManager.default.fileExists(atPath: csv.path))
        }
    }
}
