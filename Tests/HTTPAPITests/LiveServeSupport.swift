import CatalystTestKit
import Domain
import FakeAlpaca
import Foundation
import PostgresClient
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the live fault drills share: the fake Alpaca (trading and market data, one tradable symbol, an
/// open session around the wall clock), a project folder with `config/sectors.csv`, a real
/// `catalyst serve` process that a test can SIGKILL, and the end-of-drill proofs (projections equal a
/// clean rebuild, the audit chain verifies).
enum LiveDrill {
    static let symbol = "AAA"

    /// A fake whose market is open now: one session over the whole New York day (and the next, so
    /// `/v2/clock` has a next open), the symbol priced at 100.
    /// The fake's session is the whole New York day (its calendar cannot cross midnight), so its close is
    /// 23:59 and the position monitor's flatten window (15 minutes before the close) cancels a resting
    /// entry from 23:44 on. A drill that would start inside that window waits for the next day instead.
    static func outsideTheFlattenWindow() async {
        let now = Date()
        let minute = NewYork.minuteOfDay(now)
        guard minute >= 23 * 60 + 30 else { return }
        let midnight = NYDate(now).adding(days: 1).at(hour: 0, minute: 0)
        try? await Task.sleep(for: .seconds(midnight.timeIntervalSince(now) + 5))
    }

    static func fake(faults: FaultScript = FaultScript()) -> (FakeAlpacaServer, FakeTradingState, FakeMarketDataState) {
        let now = Date()
        let trading = FakeTradingState(now: now)
        trading.setPrice(symbol, 100)
        let data = FakeMarketDataState()
        data.setAssets([FakeAsset(symbol: symbol, name: "Aaa Corp"), FakeAsset(symbol: "BBB", name: "Bbb Inc")])
        trading.setPrice("BBB", 100)
        let today = NYDate(now)
        let sessions = [today, today.adding(days: 1)].map { d in
            TradingSession(date: d, open: d.at(hour: 0, minute: 0), close: d.at(hour: 23, minute: 59))
        }
        data.setClock(now: now, sessions: sessions)
        let server = FakeAlpacaServer(faults: faults, groups: FakeAlpacaServer.tradingGroups(trading) + FakeAlpacaServer.marketDataGroups(data))
        return (server, trading, data)
    }

    /// A project folder: the checkout's migrations and projections, its config plus a sector map, and
    /// risk rules that do not depend on the hour (no entry cut-off before the fake's midnight close).
    static func project() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("live-drill-\(UUID().uuidString)")
        let config = root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        for name in ["migrations", "projections"] {
            try FileManager.default.createSymbolicLink(
                at: root.appendingPathComponent(name), withDestinationURL: TestCluster.repositoryRoot.appendingPathComponent(name))
        }
        for name in ["trading_config.yaml", "risk_parameters.yaml", "doctor_rules.yaml"] {
            let source = TestCluster.repositoryRoot.appendingPathComponent("config/\(name)")
            if FileManager.default.fileExists(atPath: source.path) { try FileManager.default.copyItem(at: source, to: config.appendingPathComponent(name)) }
        }
        let risk = config.appendingPathComponent("risk_parameters.yaml")
        let text = try String(contentsOf: risk, encoding: .utf8).replacingOccurrences(
            of: "entry_cutoff_minutes_before_close: 15", with: "entry_cutoff_minutes_before_close: 0")
        try Data(text.utf8).write(to: risk)
        try Data("symbol,sector\n\(symbol),Information Technology\nBBB,Health Care\n".utf8).write(to: config.appendingPathComponent("sectors.csv"))
        return root
    }

    static func environment(fake url: URL, db: TestDatabase, project: URL) -> [String: String] {
        [
            "APCA_API_KEY_ID": FakeAlpacaServer.testKeyID, "APCA_API_SECRET_KEY": FakeAlpacaServer.testSecret,
            "APCA_API_BASE_URL": url.absoluteString, "APCA_DATA_BASE_URL": url.absoluteString, "DATABASE_URL": db.conninfo,
            "CATALYST_SHARE": project.path, "CATALYST_LOG_LEVEL": "info", "CATALYST_HOME": project.appendingPathComponent(".catalyst").path,
        ]
    }

    /// The owner's key that `catalyst serve` wrote when it found a ledger with no principals.
    static func ownerKey(_ project: URL) throws -> String {
        try String(contentsOf: project.appendingPathComponent(".catalyst/credentials/owner.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A manual trade (placed at once when risk approves and a human operator's key sends it): 10 shares at 100, stop 97, target 106.
    static let tradeBody = trade("AAA")
    static func trade(_ symbol: String) -> String {
        #"{"symbol": "\#(symbol)", "side": "long", "quantity": 10, "entry": 100, "stop": 97, "target": 106}"#
    }

    static func poll(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw DrillFailure("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func rows(_ db: TestDatabase, _ sql: String) async throws -> [[String: String]] {
        try await db.session().withConnection { c in try c.query(sql).dictionaries() }
    }

    /// Waits until every live projection has applied every committed event.
    static func waitCaughtUp(_ db: TestDatabase) async throws {
        try await poll("every projection to catch up") {
            try await db.session().withConnection { c in
                let total = try c.query("SELECT count(*) FROM events").int64(0, 0) ?? 0
                let schemas = try c.query(
                    "SELECT table_schema FROM information_schema.tables WHERE table_name = '_checkpoint' AND table_schema LIKE 'proj\\_%' AND table_schema NOT LIKE '%\\_next'")
                guard schemas.rowCount >= 5 else { return false }
                for i in 0..<schemas.rowCount {
                    let applied = try c.query("SELECT events_applied FROM \(c.quoteIdentifier(schemas.string(i, 0)!))._checkpoint").int64(0, 0) ?? -1
                    if applied != total { return false }
                }
                return true
            }
        }
    }

    /// Every projection table's row count and content hash (checkpoints excluded).
    static func projectionChecksums(_ db: TestDatabase) async throws -> [String: String] {
        try await db.session().withConnection { c in
            let tables = try c.query(
                """
                SELECT table_schema, table_name FROM information_schema.tables
                WHERE table_schema LIKE 'proj\\_%' AND table_schema NOT LIKE '%\\_next' AND table_name <> '_checkpoint' AND table_type = 'BASE TABLE'
                ORDER BY 1, 2
                """)
            var out: [String: String] = [:]
            for i in 0..<tables.rowCount {
                let q = "\(c.quoteIdentifier(tables.string(i, 0)!)).\(c.quoteIdentifier(tables.string(i, 1)!))"
                // `audit_chain.sealed_at` is when the seal was computed, not a fact of the log: a rebuild differs there only.
                let r = try c.query(
                    "SELECT count(*), md5(coalesce(string_agg((to_jsonb(x) - 'sealed_at')::text, E'\\n' ORDER BY (to_jsonb(x) - 'sealed_at')::text), '')) FROM \(q) x")
                out[q] = "\(r.string(0, 0)!) rows, md5 \(r.string(0, 1)!)"
            }
            return out
        }
    }

    /// The end of every drill: the live projections equal a rebuild from zero (`catalyst projections
    /// rebuild --all`), and `catalyst audit verify` passes. Call with no projector running.
    static func expectRebuildEqualsLiveAndChainVerifies(_ db: TestDatabase, project: URL) async throws {
        let live = try await projectionChecksums(db)
        #expect(live.count >= 10, "\(live.keys.sorted())")
        let env = ["DATABASE_URL": db.conninfo, "CATALYST_SHARE": project.path]
        let rebuild = try await CLIAndTradeTests.catalyst(["projections", "rebuild", "--all"], environment: env)
        #expect(rebuild.status == 0, "\(rebuild.err)")
        let rebuilt = try await projectionChecksums(db)
        for (table, sum) in live.sorted(by: { $0.key < $1.key }) { #expect(rebuilt[table] == sum, "\(table) differs after a rebuild") }
        let verify = try await CLIAndTradeTests.catalyst(["audit", "verify"], environment: env)
        #expect(verify.status == 0, "audit verify: \(verify.out) \(verify.err)")
    }
}

struct DrillFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A real `catalyst serve` (the debug build) in its own process, its log in a file; SIGKILL or SIGTERM it.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let log: URL

    init(environment: [String: String], arguments: [String] = ["serve", "--port", "0"]) throws {
        guard FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path) else {
            throw DrillFailure("\(MCPStdioTests.binary.path) is missing: run `swift build` first")
        }
        log = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = MCPStdioTests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// A drill that fails before it stops the process must not leave a `serve` running (it would hold its
    /// port and trade against the fake until the test run ends).
    deinit {
        if process.isRunning { _ = Foundation.kill(pid, SIGKILL) }
    }

    var pid: Int32 { process.processIdentifier }
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The URL it listens on, from its "catalyst serve listening" log line.
    func url(timeout: Duration = .seconds(60)) async throws -> URL {
        var found: URL?
        try await LiveDrill.poll("catalyst serve to listen", timeout: timeout) {
            guard process.isRunning else { throw DrillFailure("catalyst serve exited: \(logText)") }
            if let r = logText.range(of: #"url=http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                found = URL(string: String(logText[r].dropFirst(4)))
            }
            return found != nil
        }
        return found!
    }

    /// SIGKILL: no handler runs, nothing is flushed; then waits until the process is gone.
    func kill() async throws { try await stop(SIGKILL) }
    func terminate() async throws { try await stop(SIGTERM) }

    private func stop(_ signal: Int32) async throws {
        if process.isRunning { _ = Foundation.kill(pid, signal) }
        try await LiveDrill.poll("catalyst serve to exit") { !process.isRunning }
    }
}

/// Plain HTTP for the drills (the server is another process).
enum DrillHTTP {
    struct Answer: Sendable {
        var status: Int
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    }

    static func request(_ method: String, _ url: URL, _ path: String, body: String? = nil, key: String? = nil, timeout: TimeInterval = 60) async throws -> Answer {
        var r = URLRequest(url: URL(string: url.absoluteString + path)!)
        r.httpMethod = method
        r.timeoutInterval = timeout
        if let key { r.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            r.httpBody = Data(body.utf8)
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: r)
        return Answer(status: (response as! HTTPURLResponse).statusCode, body: data)
    }
}
