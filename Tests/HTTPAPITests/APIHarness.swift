import Application
import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import HTTPAPI
import Logging
import Projections
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real server on an ephemeral loopback port, over a fresh migrated database, with the simulated
/// system of `catalyst serve --simulate` (2025-03-14, seed 13, 300 symbols), every projector running in
/// process, and the clock at the session open (tests move it with `driver.step`).
struct APIHarness: Sendable {
    let url: URL
    let db: TestDatabase
    let sim: ServeRole.Simulated
    /// Principals of the test ledger and their keys: `craig` (human: admin, operator, risk officer),
    /// `claude` (agent), `cron` (service), `audrey` (human auditor).
    let keys: TestKeys
    var backend: APIBackend { sim.backend }
    var driver: SimulatedClockDriver { sim.driver }

    static let date = NYDate("2025-03-14")!

    /// One harness at a time in the test process: each holds ~25 connections (projectors, pools) to the
    /// shared test cluster, and every other suite of the process needs connections too.
    static let gate = HarnessGate()

    /// `database`: a prepared database (e.g. one on a small disk); default a fresh one. `configure` adjusts the serve options.
    static func with(
        readsNeedCredential: Bool = false, database: TestDatabase? = nil, configure: @Sendable (inout ServeRole.Options) -> Void = { _ in },
        _ body: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        await gate.acquire()
        do {
            try await run(readsNeedCredential: readsNeedCredential, database: database, configure: configure, body)
            await gate.release()
        } catch {
            await gate.release()
            throw error
        }
    }

    private static func run(
        readsNeedCredential: Bool, database: TestDatabase?, configure: @Sendable (inout ServeRole.Options) -> Void, _ body: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let db: TestDatabase
        if let database { db = database } else { db = try await TestDatabase.create() }
        let store = db.eventStore(connections: 4)
        let files = ProjectFiles(root: TestCluster.repositoryRoot)
        var logger = Logger(label: "http-api-test")
        logger.logLevel = .critical
        var options = ServeRole.Options(server: .init(host: "127.0.0.1", port: 0, privateReads: readsNeedCredential))
        options.date = date
        options.seed = 13
        options.speed = 0
        options.symbolCount = 300
        options.healthMaxAge = .zero  // tests change the database and look at once
        configure(&options)
        let sim = try await ServeRole.simulated(options, store: store, files: files, logger: logger)
        let waker = LogWaker(conninfo: db.conninfo)
        let engines = try ProjectionCatalog.engines(ProjectionCatalog.all(), files: files, conninfo: db.conninfo, waker: waker, logger: logger)
        try await sim.driver.open()
        let server = APIServer(configuration: options.server, backend: sim.backend, logger: logger)
        let keys = try await TestKeys.make(sim.system.log)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // As under `catalyst serve`: a projector that stops (its database could not write) starts again.
            let log = logger
            for engine in engines { group.addTask { try? await ProjectorService(engine: engine, retryInterval: .seconds(1), logger: log).run() } }
            let cycles = sim.backend.cycles
            group.addTask { try await cycles.run() }
            try await sim.backend.waitUntilReady()
            await sim.backend.settle(sim.backend.projections, timeout: .seconds(30))
            try await server.withRunning { url in
                try await body(APIHarness(url: url, db: db, sim: sim, keys: keys))
                await sim.backend.cycles.waitIdle()
            }
            group.cancelAll()
        }
        await waker.stop()
    }

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var contentType: String?
        /// The answer's headers, names in lower case.
        var headers: [String: String] = [:]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
        var errorField: String? { ((object["error"] as? [String: Any])?["details"] as? [String: Any])?["field"] as? String }
    }

    /// Sends a request. Mutations carry the owner's key (`craig`) unless `headers` give a credential
    /// (`Authorization` or `X-API-Key`; an empty value sends none), as the local CLI does.
    func request(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var headers = headers
        if method != "GET", headers["Authorization"] == nil, headers["X-API-Key"] == nil { headers["Authorization"] = "Bearer \(keys.owner)" }
        headers = headers.filter { !$0.value.isEmpty }
        var r = URLRequest(url: URL(string: url.absoluteString + path)!)
        r.httpMethod = method
        if let body {
            r.httpBody = Data(body.utf8)
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: r)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { if let k = k as? String, let v = v as? String { fields[k.lowercased()] = v } }
        return Answer(status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"), headers: fields)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Answer { try await request("GET", path, headers: headers) }

    /// The `Authorization` header of a principal's key.
    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }
    /// No credential at all.
    static let anonymous = ["Authorization": ""]
    func post(_ path: String, _ body: String = "{}", headers: [String: String] = [:]) async throws -> Answer {
        try await request("POST", path, body: body, headers: headers)
    }

    /// Waits for the cycles started so far and for every projection to apply the log.
    func settle() async {
        await backend.cycles.waitIdle()
        await backend.settle(backend.projections, timeout: .seconds(30))
    }

    func count(_ sql: String) async throws -> Int {
        Int(try await db.session().withConnection { c in try c.query(sql).scalar } ?? "0") ?? 0
    }
}

/// A first-come, first-served lock across tasks.
actor HarnessGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// The principals every API test ledger has, added through the application's service as an admin
/// would, with their one-time keys.
struct TestKeys: Sendable {
    var owner: String
    var agent: String
    var cron: String
    var auditor: String

    static func make(_ log: EventLog) async throws -> TestKeys {
        let service = PrincipalService(log: log, directory: PrincipalDirectory(log: log))
        let by = Actor(.system, name: "test")
        func add(_ id: PrincipalID, _ kind: PrincipalKind, _ roles: Set<Role>) async throws -> String {
            try await service.add(id: id, name: id.rawValue, kind: kind, roles: roles, by: by).credential.token
        }
        return TestKeys(
            owner: try await add("craig", .human, [.admin, .operator, .riskOfficer]), agent: try await add("claude", .agent, [.agent]),
            cron: try await add("cron", .service, [.cron]), auditor: try await add("audrey", .human, [.auditor]))
    }
}
