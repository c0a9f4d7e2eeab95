import CatalystTestKit
import FakeAlpaca
import Foundation
import HTTPAPI
import PostgresClient
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Secrets given to the processes — broker keys, a database password, the SMTP password, the API keys —
/// never come back out: not in stdout/stderr (at debug level), not in an HTTP answer (errors, /health,
/// /metrics), not in the event log. Each secret is a distinctive marker; every failure path we can
/// provoke is exercised: bad requests, a refused key, a broker that refuses the keys, an unreachable
/// database, an unreachable SMTP server.
@Suite(.serialized) struct SecretsTests {
    static let tag = UUID().uuidString.prefix(8).lowercased()
    static let markers = [
        "APCA_API_KEY_ID": "PKMARKERKEYID\(tag)", "APCA_API_SECRET_KEY": "marker-apca-secret-\(tag)", "SMTP_PASSWORD": "marker-smtp-password-\(tag)",
        "DB_PASSWORD": "marker-db-password-\(tag)", "API_KEY_A": "marker-api-key-a-\(tag)", "API_KEY_B": "marker-api-key-b-\(tag)",
        "WRONG_KEY": "marker-wrong-key-\(tag)",
    ]
    static var marker: [String] { Array(markers.values) }

    /// Every marker absent from `text`; the message names the place.
    static func expectClean(_ text: String, _ place: String) {
        for m in marker { #expect(!text.contains(m), "\(place) contains the secret \(m)") }
    }

    /// `postgresql://postgres:<password>@/db?host=…` for a test database (the test cluster trusts its
    /// socket, so the password is carried and ignored — exactly what must not leak).
    static func url(with password: String, _ db: TestDatabase) -> String {
        db.cluster.url(database: db.name).replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:\(password)@")
    }

    /// A child process with stdout and stderr captured to files.
    final class Child: @unchecked Sendable {
        let process = Process()
        let out: URL
        let err: URL

        init(_ arguments: [String], environment: [String: String]) throws {
            let dir = FileManager.default.temporaryDirectory
            out = dir.appendingPathComponent("secrets-\(UUID().uuidString).out")
            err = dir.appendingPathComponent("secrets-\(UUID().uuidString).err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.executableURL = MCPStdioTests.binary
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            for k in ["DATABASE_URL", "CATALYST_API_KEY", "APCA_API_KEY_ID", "APCA_API_SECRET_KEY", "SMTP_HOST", "SMTP_PASSWORD"] { env[k] = nil }
            // Local credentials a command writes (serve, migrate on an empty ledger) go to a scratch folder.
            env["CATALYST_HOME"] = dir.appendingPathComponent("secrets-home-\(UUID().uuidString)").path
            process.environment = env.merging(environment) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var output: String {
            ((try? String(contentsOf: out, encoding: .utf8)) ?? "") + "\n" + ((try? String(contentsOf: err, encoding: .utf8)) ?? "")
        }

        /// The URL `catalyst serve` logs once it listens (nil if it exited first, or after a
        /// generous hang guard — not a timing assertion).
        func listeningURL() async throws -> URL? {
            for _ in 0..<1200 where process.isRunning {
                if let range = output.range(of: #"url=http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                    return URL(string: String(output[range].dropFirst(4)))
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            return nil
        }

        /// Waits for a command to end by itself (a hang guard stops it after two minutes), then its output.
        func completion() async throws -> String {
            for _ in 0..<1200 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return await finish()
        }

        /// Stops the process if it still runs, and returns everything it wrote.
        func finish() async -> String {
            if process.isRunning { process.terminate() }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                Thread {
                    self.process.waitUntilExit()
                    c.resume()
                }.start()
            }
            defer {
                try? FileManager.default.removeItem(at: out)
                try? FileManager.default.removeItem(at: err)
            }
            return output
        }
    }

    static func fetch(_ url: URL, method: String = "GET", body: String? = nil, key: String? = nil) async throws -> (Int, String) {
        var r = URLRequest(url: url)
        r.httpMethod = method
        if let body {
            r.httpBody = Data(body.utf8)
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let key { r.setValue(key, forHTTPHeaderField: "X-API-Key") }
        let (data, response) = try await URLSession.shared.data(for: r)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test func serveNeverShowsItsSecrets() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let db = try await TestDatabase.create()
        let m = Self.markers
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = [
            "DATABASE_URL": Self.url(with: m["DB_PASSWORD"]!, db), "CATALYST_HOME": home.path,
            "APCA_API_KEY_ID": m["APCA_API_KEY_ID"]!, "APCA_API_SECRET_KEY": m["APCA_API_SECRET_KEY"]!, "APCA_API_BASE_URL": "http://127.0.0.1:9",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "SMTP_USERNAME": "alerts", "SMTP_PASSWORD": m["SMTP_PASSWORD"]!, "SMTP_FROM": "a@example.com",
            "SMTP_TO": "b@example.com", "CATALYST_LOG_LEVEL": "debug",
        ]
        let serve = try Child(["serve", "--simulate", "--port", "0", "--speed", "0", "--date", "2025-03-14", "--symbols", "50"], environment: environment)
        let url = try await serve.listeningURL()
        guard let url else {
            let log = await serve.finish()
            Issue.record("serve did not start: \(log.suffix(2000))")
            return
        }
        // The owner's key, which serve wrote when it found a ledger with no principals.
        let key = try String(contentsOf: home.appendingPathComponent("credentials/owner.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var answers: [(String, Int, String)] = []
        func record(_ what: String, _ a: (Int, String)) { answers.append((what, a.0, a.1)) }
        let api = url.appendingPathComponent("api/v1")
        record("no key", try await Self.fetch(api.appendingPathComponent("workflow/start"), method: "POST", body: "{}"))
        record("wrong key", try await Self.fetch(api.appendingPathComponent("workflow/start"), method: "POST", body: "{}", key: m["WRONG_KEY"]!))
        record("events, wrong key", try await Self.fetch(api.appendingPathComponent("events"), key: m["WRONG_KEY"]!))
        record("malformed", try await Self.fetch(api.appendingPathComponent("workflow/start"), method: "POST", body: "{\"mode\":", key: key))
        record("invalid field", try await Self.fetch(api.appendingPathComponent("workflow/start"), method: "POST", body: #"{"max_positions": "x"}"#, key: key))
        record("unknown route", try await Self.fetch(url.appendingPathComponent("nothing")))
        record("unknown cycle", try await Self.fetch(api.appendingPathComponent("cycles/nope")))
        record("trade", try await Self.fetch(api.appendingPathComponent("trades"), method: "POST", body: #"{"symbol":"ZZZZ","side":"long","entry":10,"stop":9,"target":12}"#, key: key))
        record("start", try await Self.fetch(api.appendingPathComponent("workflow/start"), method: "POST", body: #"{"mode":"normal"}"#, key: key))
        record("halt", try await Self.fetch(api.appendingPathComponent("emergency-stop"), method: "POST", body: #"{"reason":"secrets drill"}"#, key: key))
        record("events", try await Self.fetch(api.appendingPathComponent("events"), key: key))
        record("health", try await Self.fetch(url.appendingPathComponent("health")))
        record("metrics", try await Self.fetch(url.appendingPathComponent("metrics")))
        let log = await serve.finish()

        #expect(answers.first { $0.0 == "wrong key" }?.1 == 401)
        #expect(answers.first { $0.0 == "start" }.map { [200, 201].contains($0.1) } == true, "\(answers)")
        for (what, _, body) in answers {
            Self.expectClean(body, "the answer to \(what)")
            #expect(!body.contains(String(key.suffix(64))), "the answer to \(what) shows the owner's key")
        }
        Self.expectClean(log, "serve's stdout/stderr")
        #expect(!log.contains(String(key.suffix(64))), "serve's log shows the owner's key")
        #expect(log.contains("refused credential"), "the refused key was logged (without the key)")
        try await Self.expectLogClean(db)
    }

    @Test func failuresOfTheBrokerTheDatabaseAndSMTPDoNotShowSecrets() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let db = try await TestDatabase.create()
        let m = Self.markers
        let database = Self.url(with: m["DB_PASSWORD"]!, db)
        let smtp = [
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "SMTP_USERNAME": "alerts", "SMTP_PASSWORD": m["SMTP_PASSWORD"]!, "SMTP_FROM": "a@example.com",
            "SMTP_TO": "b@example.com",
        ]
        var outputs: [(String, String)] = []

        // A broker that refuses the keys (the fake Alpaca knows other keys), with SMTP unreachable: the
        // watchdog reports and records a broker error and fails to send its alert.
        let fake = FakeAlpacaServer(groups: FakeAlpacaServer.tradingGroups(FakeTradingState(now: Date())))
        let brokerOutputs: [(String, String)] = try await fake.withRunning { alpaca in
            var outputs: [(String, String)] = []
            let broker = [
                "DATABASE_URL": database, "APCA_API_KEY_ID": m["APCA_API_KEY_ID"]!, "APCA_API_SECRET_KEY": m["APCA_API_SECRET_KEY"]!,
                "APCA_API_BASE_URL": alpaca.absoluteString, "CATALYST_LOG_LEVEL": "debug",
            ].merging(smtp) { $1 }
            let check = try Child(["doctor", "check", "--json", "--no-audit"], environment: broker)
            let checked = try await check.completion()
            #expect(checked.contains("BROKER_"), "the refused keys are reported: \(checked.prefix(2000))")
            outputs.append(("doctor check, broker refusing the keys", checked))
            let fix = try Child(["doctor", "check", "--json", "--no-audit", "--fix"], environment: broker)
            outputs.append(("doctor check --fix, broker refusing, SMTP unreachable", try await fix.completion()))
            let serve = try Child(["serve", "--port", "0"], environment: broker)
            _ = try await serve.listeningURL()
            outputs.append(("live serve, broker refusing the keys", await serve.finish()))
            return outputs
        }
        outputs += brokerOutputs

        // An unreachable database, given with a password.
        let unreachable = "postgresql://ledger:\(m["DB_PASSWORD"]!)@127.0.0.1:9/ledger"
        for arguments in [["positions"], ["events", "--limit", "1"], ["migrate"], ["db", "status"], ["doctor", "check", "--json"], ["serve", "--simulate", "--port", "0"]] {
            let run = try Child(arguments, environment: ["DATABASE_URL": unreachable, "CATALYST_API_KEY": m["API_KEY_A"]!].merging(smtp) { $1 })
            let output: String
            if arguments.first == "serve" {
                _ = try await run.listeningURL()
                output = await run.finish()
            } else {
                output = try await run.completion()
            }
            #expect(!output.isEmpty, "\(arguments): says why it failed")
            outputs.append(("\(arguments.joined(separator: " ")) with an unreachable DATABASE_URL", output))
        }
        // A malformed URL that still carries a password.
        let malformed = try Child(["positions"], environment: ["DATABASE_URL": "postgresql://ledger:\(m["DB_PASSWORD"]!)@/ledger?sslmode=bogus&host="])
        outputs.append(("positions with a malformed DATABASE_URL", try await malformed.completion()))

        for (what, output) in outputs { Self.expectClean(output, what) }
        try await Self.expectLogClean(db)
    }

    /// Every mutating route of the router (not a hand-kept list) refuses a request without a key, or
    /// with a wrong one, before it touches anything.
    @Test func everyMutatingRouteRefusesWithoutAKey() async throws {
        try await APIHarness.with { h in
            let routes = APIServer(configuration: .init(), backend: h.backend, logger: .init(label: "t")).buildRouter().routes
            let mutating = routes.filter { "\($0.method)" != "GET" && "\($0.method)" != "HEAD" }
            #expect(mutating.count >= 9, "\(mutating.map(\.path))")
            let before = try await h.count("SELECT count(*) FROM events")
            for route in mutating {
                let path = "\(route.path)".split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "x" : String($0) }.joined(separator: "/")
                let body = #"{"reason": "r", "symbol": "AAPL", "side": "long", "entry": 10, "stop": 9, "target": 12}"#
                let forged = "ctl.craig.0badc0de." + String(repeating: "0", count: 64)
                for headers in [APIHarness.anonymous, ["X-API-Key": "not-the-key"], ["X-API-Key": ""], APIHarness.bearer(forged)] as [[String: String]] {
                    let a = try await h.request("\(route.method)", "/" + path, body: body, headers: headers)
                    #expect(a.status == 401 && a.errorCode == "unauthorized", "\(route.method) \(path) \(headers): \(a.status) \(a.text)")
                }
            }
            #expect(try await h.count("SELECT count(*) FROM events") == before)
        }
    }

    /// No event's payload or metadata holds a marker.
    static func expectLogClean(_ db: TestDatabase) async throws {
        let dump = try await db.session().withConnection { c in
            try c.query("SELECT coalesce(string_agg(payload::text || metadata::text, E'\\n'), '') FROM events").scalar ?? ""
        }
        expectClean(dump, "the event log")
        let count = try await db.session().withConnection { c in try c.query("SELECT count(*) FROM events").scalar }
        #expect(Int(count ?? "0") ?? 0 > 0, "the runs recorded events, so the scan above looked at something")
    }

    /// The roles that must not write: `catalyst_doctor` (Doctor's read-only connection) and
    /// `catalyst_auditor` are refused INSERT, UPDATE and DELETE on the events table, on every
    /// projection table and on the projection status table (the events table's own refusals, triggers
    /// included, are in EventStoreTests.ImmutabilityTests).
    @Test(arguments: ["catalyst_doctor", "catalyst_auditor"])
    func readOnlyRolesCannotWriteProjections(role: String) async throws {
        try await APIHarness.with { h in
            let start = try await h.post("/api/v1/workflow/start", WorkflowAPITests.cronBody)
            #expect(start.status == 201, "\(start.text)")
            await h.settle()
            let tables = try await h.db.session().withConnection { c in
                try c.query(
                    """
                    SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                    WHERE schemaname LIKE 'proj\\_%' OR (schemaname = 'public' AND tablename IN ('events', 'projection_status'))
                    ORDER BY 1
                    """
                ).dictionaries().compactMap { $0.values.first }
            }
            #expect(tables.count > 10, "\(tables)")
            let rowsBefore = try await h.count("SELECT count(*) FROM events")
            for table in tables {
                let column = try await firstColumn(table, h)
                for sql in ["INSERT INTO \(table) DEFAULT VALUES", "UPDATE \(table) SET \(column) = \(column)", "DELETE FROM \(table)"] {
                    let refused: String? = try await h.db.session(role: role).withConnection { c in
                        do {
                            _ = try c.execute(sql)
                            return nil
                        } catch let e as PGError { return e.sqlState ?? "\(e)" } catch { return "\(error)" }
                    }
                    #expect(refused == "42501" || refused == "CL403", "\(role): \(sql) → \(refused ?? "accepted")")
                }
            }
            // The role can still read what it is for.
            let readable = try await h.db.session(role: role).withConnection { c in try c.query("SELECT count(*) FROM v_cycles").scalar }
            #expect(Int(readable ?? "0") ?? 0 >= 1)
            #expect(try await h.count("SELECT count(*) FROM events") == rowsBefore)
        }
    }

    func firstColumn(_ table: String, _ h: APIHarness) async throws -> String {
        try await h.db.session().withConnection { c in
            try c.query("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1", [table]).scalar ?? "1"
        }
    }
}
