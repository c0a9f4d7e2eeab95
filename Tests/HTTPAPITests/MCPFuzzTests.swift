import CatalystTestKit
import Foundation
import Testing

/// `catalyst mcp` over its real stdio, fed malformed JSON-RPC: every hostile line is answered with a
/// JSON-RPC error (or, for a notification, not at all), nothing is recorded, and the server keeps
/// serving — after each line a valid `ping` still gets its answer.
@Suite(.serialized) struct MCPFuzzTests {
    typealias Peer = MCPStdioTests.Peer

    /// What may come back for one hostile line.
    enum Expect {
        /// A JSON-RPC error object (with this id, when given; `nil` = id null or any id).
        case error(id: Any?)
        /// A tool answer: a JSON-RPC error, or a result with `isError: true` (MCP's convention for tool failures).
        case toolRefusal(id: Int)
        /// Nothing (a notification).
        case silence
        /// An error, or nothing (the spec leaves the answer to a malformed batch/notification open).
        case errorOrSilence
        /// An error, nothing, or a normal answer to `id` (bytes a lenient decoder may repair).
        case anyAnswer(id: Int)
    }

    struct Case {
        /// The id whose answer the case waits for, when the answer carries one.
        var expectedID: Int? {
            switch expect {
            case .error(let id): id as? Int
            case .toolRefusal(let id): id
            default: nil
            }
        }
        var name: String
        var line: Data
        var expect: Expect
        init(name: String, line: String, expect: Expect) { self.init(name: name, bytes: Data(line.utf8), expect: expect) }
        init(name: String, bytes: Data, expect: Expect) {
            self.name = name
            self.line = bytes
            self.expect = expect
        }
    }

    static func json(_ object: Any) -> String { String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self) }

    static func call(_ id: Int, _ tool: String, _ arguments: Any) -> String {
        json(["jsonrpc": "2.0", "id": id, "method": "tools/call", "params": ["name": tool, "arguments": arguments]])
    }

    static var cases: [Case] {
        let huge = String(repeating: "A", count: 5 * 1024 * 1024)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepObject = String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)
        return [
            Case(name: "truncated JSON", line: #"{"jsonrpc":"2.0","id":101,"method":"resources/li"#, expect: .error(id: nil)),
            Case(name: "not JSON at all", line: "hello, server", expect: .error(id: nil)),
            Case(name: "a bare string", line: #""ping""#, expect: .error(id: nil)),
            Case(name: "a bare number", line: "42", expect: .error(id: nil)),
            Case(name: "null", line: "null", expect: .error(id: nil)),
            Case(name: "an empty object", line: "{}", expect: .error(id: nil)),
            Case(name: "no jsonrpc member", line: #"{"id":102,"method":"ping"}"#, expect: .error(id: nil)),
            Case(name: "wrong jsonrpc version", line: #"{"jsonrpc":"1.0","id":103,"method":"ping"}"#, expect: .error(id: nil)),
            Case(name: "id is an object", line: #"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, expect: .error(id: nil)),
            Case(name: "id is an array", line: #"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, expect: .error(id: nil)),
            Case(name: "id is a boolean", line: #"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, expect: .error(id: nil)),
            Case(name: "method is a number", line: #"{"jsonrpc":"2.0","id":104,"method":7}"#, expect: .error(id: nil)),
            Case(name: "method is null", line: #"{"jsonrpc":"2.0","id":105,"method":null}"#, expect: .error(id: nil)),
            Case(name: "unknown method", line: #"{"jsonrpc":"2.0","id":106,"method":"tools/destroy"}"#, expect: .error(id: 106)),
            Case(name: "unknown method, huge name", line: json(["jsonrpc": "2.0", "id": 107, "method": huge]), expect: .error(id: nil)),
            Case(name: "unknown notification", line: #"{"jsonrpc":"2.0","method":"notifications/nothing"}"#, expect: .silence),
            Case(name: "params is a string", line: #"{"jsonrpc":"2.0","id":108,"method":"resources/read","params":"positions://active"}"#, expect: .error(id: 108)),
            Case(name: "params is an array", line: #"{"jsonrpc":"2.0","id":109,"method":"tools/call","params":["emergency_stop"]}"#, expect: .error(id: 109)),
            Case(name: "params is null", line: #"{"jsonrpc":"2.0","id":110,"method":"resources/read","params":null}"#, expect: .error(id: 110)),
            Case(name: "uri is a number", line: #"{"jsonrpc":"2.0","id":111,"method":"resources/read","params":{"uri":5}}"#, expect: .error(id: 111)),
            Case(name: "uri is null", line: #"{"jsonrpc":"2.0","id":112,"method":"resources/read","params":{"uri":null}}"#, expect: .error(id: 112)),
            Case(name: "a 900 KB uri", line: json(["jsonrpc": "2.0", "id": 139, "method": "resources/read", "params": ["uri": "positions://" + huge.prefix(900_000)]]), expect: .error(id: 139)),
            Case(name: "a 5 MB uri", line: json(["jsonrpc": "2.0", "id": 113, "method": "resources/read", "params": ["uri": "positions://" + huge]]), expect: .error(id: nil)),
            Case(name: "a NUL in a resource parameter", line: json(["jsonrpc": "2.0", "id": 114, "method": "resources/read", "params": ["uri": "market-scan://candidates?cycle_id=a%00b"]]), expect: .error(id: 114)),
            Case(name: "a bad date", line: json(["jsonrpc": "2.0", "id": 115, "method": "resources/read", "params": ["uri": "reports://daily?date=abcd-ef-gh"]]), expect: .error(id: 115)),
            Case(name: "unknown tool", line: call(116, "drop_database", [:] as [String: Any]), expect: .error(id: 116)),
            Case(name: "tool name is a number", line: #"{"jsonrpc":"2.0","id":117,"method":"tools/call","params":{"name":3,"arguments":{}}}"#, expect: .error(id: 117)),
            Case(name: "arguments is a string", line: #"{"jsonrpc":"2.0","id":118,"method":"tools/call","params":{"name":"emergency_stop","arguments":"now"}}"#, expect: .toolRefusal(id: 118)),
            Case(name: "reason is a number", line: call(119, "emergency_stop", ["reason": 12]), expect: .toolRefusal(id: 119)),
            Case(name: "reason is null", line: call(120, "emergency_stop", ["reason": NSNull()]), expect: .toolRefusal(id: 120)),
            Case(name: "reason is an object", line: call(121, "emergency_stop", ["reason": ["why": "x"]]), expect: .toolRefusal(id: 121)),
            Case(name: "a 900 KB reason (under the line limit, over the API's body limit)", line: call(138, "emergency_stop", ["reason": String(huge.prefix(900_000))]), expect: .toolRefusal(id: 138)),
            Case(name: "a 5 MB reason", line: call(122, "emergency_stop", ["reason": huge]), expect: .error(id: nil)),
            Case(name: "a NUL in a reason", line: call(123, "emergency_stop", ["reason": "stop\u{0}now"]), expect: .toolRefusal(id: 123)),
            Case(name: "max_positions is a string", line: call(124, "start_trading_cycle", ["max_positions": "lots", "idempotency_key": "fuzz-1"]), expect: .toolRefusal(id: 124)),
            Case(name: "symbol is an array", line: call(125, "close_position", ["symbol": ["AAPL"]]), expect: .toolRefusal(id: 125)),
            Case(name: "a 5 MB symbol", line: call(126, "close_position", ["symbol": huge]), expect: .error(id: nil)),
            Case(name: "prices are strings", line: call(127, "execute_trade", ["symbol": "AAPL", "side": "long", "entry": "ten", "stop": "nine", "target": "twelve"]), expect: .toolRefusal(id: 127)),
            Case(name: "local tool: flag is a string", line: call(128, "run_watchdog", ["fix": "yes"]), expect: .toolRefusal(id: 128)),
            Case(name: "local tool: a value that looks like a flag", line: call(129, "log_activity", ["type": "--fix"]), expect: .toolRefusal(id: 129)),
            Case(name: "local tool: a NUL in an argument", line: call(130, "log_activity", ["type": "manual_check", "reasoning": "a\u{0}b"]), expect: .toolRefusal(id: 130)),
            Case(name: "local tool: a 5 MB argument", line: call(131, "log_activity", ["type": "manual_check", "reasoning": huge]), expect: .error(id: nil)),
            Case(name: "deeply nested arrays", line: #"{"jsonrpc":"2.0","id":132,"method":"ping","params":"# + deep + "}", expect: .error(id: nil)),
            Case(name: "deeply nested objects", line: #"{"jsonrpc":"2.0","id":133,"method":"ping","params":"# + deepObject + "}", expect: .error(id: nil)),
            Case(name: "an empty batch", line: "[]", expect: .errorOrSilence),
            Case(name: "a batch of garbage", line: "[1, 2, 3]", expect: .errorOrSilence),
            Case(name: "a batch with an unknown method", line: #"[{"jsonrpc":"2.0","id":134,"method":"tools/destroy"}]"#, expect: .errorOrSilence),
            Case(name: "a response the server never asked for", line: #"{"jsonrpc":"2.0","id":135,"result":{}}"#, expect: .errorOrSilence),
            Case(name: "an error the server never asked for", line: #"{"jsonrpc":"2.0","id":136,"error":{"code":1,"message":"x"}}"#, expect: .errorOrSilence),
            Case(
                name: "invalid UTF-8", bytes: Data(#"{"jsonrpc":"2.0","id":137,"method":"ping","params":{"x":""#.utf8) + Data([0xC3, 0x28, 0xFF]) + Data(#""}}"#.utf8),
                expect: .anyAnswer(id: 137)),
        ]
    }

    @Test func malformedJSONRPCIsAnsweredWithErrorsAndTheServerKeepsServing() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        try await APIHarness.with { h in
            let peer = try Peer(environment: [
                "DATABASE_URL": h.db.conninfo, "CATALYST_API_URL": h.url.absoluteString, "CATALYST_API_KEY": h.keys.agent, "CATALYST_LOG_LEVEL": "critical",
            ])
            defer { peer.stop() }
            let initialized = try await peer.request(
                1, "initialize", ["protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any], "clientInfo": ["name": "fuzz", "version": "1"]])
            try #require(initialized["result"] != nil, "\(initialized)")
            try peer.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
            let eventsBefore = try await h.count("SELECT count(*) FROM events")

            var sentinel = 10_000
            for c in Self.cases {
                sentinel += 1
                peer.input.fileHandleForWriting.write(c.line + Data("\n".utf8))
                // A valid request after every hostile line: the server must still answer it, and
                // everything it wrote before that answer belongs to the hostile line.
                try peer.send(["jsonrpc": "2.0", "id": sentinel, "method": "ping"])
                var before: [Any] = []
                var pong: [String: Any]?
                // A hang guard, not a timing assertion: a server that never answers is stopped, which
                // ends the read below and fails the case.
                let hangGuard = Task {
                    try await Task.sleep(for: .seconds(180))
                    peer.process.terminate()
                }
                defer { hangGuard.cancel() }
                while let line = await peer.nextLine() {
                    guard let message = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]) else {
                        Issue.record("\(c.name): the server wrote a line that is not JSON: \(line.prefix(200))")
                        continue
                    }
                    if let object = message as? [String: Any], object["id"] as? Int == sentinel {
                        pong = object
                    } else {
                        before.append(message)
                    }
                    // Requests are handled concurrently, so the answer to the hostile line (when it
                    // has an id) may come after the ping's: wait for both.
                    let answered = c.expectedID.map { id in before.contains { ($0 as? [String: Any])?["id"] as? Int == id } } ?? true
                    if pong != nil && answered { break }
                }
                #expect(pong?["result"] != nil, "\(c.name): the server stopped serving (ping \(sentinel) got \(String(describing: pong)))")
                #expect(peer.process.isRunning, "\(c.name): the server exited")
                Self.check(c, answers: before)
                if pong == nil || !peer.process.isRunning { break }
            }

            // Nothing of it reached the log, and a real request still works end to end.
            #expect(try await h.count("SELECT count(*) FROM events") == eventsBefore)
            try #require(peer.process.isRunning)
            let read = try await peer.request(99_999, "resources/read", ["uri": "positions://summary"])
            #expect(read["result"] != nil, "\(read)")
        }
    }

    /// The messages the server wrote for one hostile line match what the spec allows.
    static func check(_ c: Case, answers: [Any]) {
        let messages = answers.flatMap { ($0 as? [Any]) ?? [$0] }
        func isError(_ m: Any, id: Any?) -> Bool {
            guard let o = m as? [String: Any], o["jsonrpc"] as? String == "2.0", let e = o["error"] as? [String: Any],
                e["code"] is Int, e["message"] is String
            else { return false }
            guard let id else { return true }
            return (o["id"] as? Int) == (id as? Int)
        }
        switch c.expect {
        case .error(let id):
            #expect(messages.count == 1 && isError(messages[0], id: id), "\(c.name): expected one JSON-RPC error, got \(describe(messages))")
        case .toolRefusal(let id):
            let ok =
                messages.count == 1
                && (isError(messages[0], id: id)
                    || ((messages[0] as? [String: Any])?["id"] as? Int == id
                        && ((messages[0] as? [String: Any])?["result"] as? [String: Any])?["isError"] as? Bool == true))
            #expect(ok, "\(c.name): expected a refusal, got \(describe(messages))")
        case .silence:
            #expect(messages.isEmpty, "\(c.name): a notification got an answer: \(describe(messages))")
        case .errorOrSilence:
            #expect(messages.allSatisfy { isError($0, id: nil) }, "\(c.name): expected errors or nothing, got \(describe(messages))")
        case .anyAnswer(let id):
            #expect(
                messages.count <= 1 && messages.allSatisfy { isError($0, id: nil) || (($0 as? [String: Any])?["id"] as? Int == id) },
                "\(c.name): expected one answer at most, got \(describe(messages))")
        }
    }

    static func describe(_ messages: [Any]) -> String {
        messages.map { m in
            let text = (try? JSONSerialization.data(withJSONObject: m, options: [.fragmentsAllowed])).map { String(decoding: $0, as: UTF8.self) } ?? "\(m)"
            return String(text.prefix(300))
        }.joined(separator: " | ")
    }
}
