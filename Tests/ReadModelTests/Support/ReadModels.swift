import CatalystTestKit
import Domain
import EventStore
import Foundation
import LedgerSimulation
import Logging
import PostgresClient
import Projections

/// The read models under test, with their SQL from the repository's `projections/` folder.
enum ReadModels {
    static let all: [any Projection] = [
        OrdersProjection(), PositionsProjection(), CyclesProjection(), CandidatesProjection(), RiskProjection(), PipelineStatusProjection(),
        PerformanceProjection(), EventIndexProjection(),
    ]

    static let codec = EventCodec()

    static func definition(_ p: any Projection) throws -> ProjectionDefinition {
        try ProjectionDefinition.load(p, from: TestCluster.repositoryRoot.appendingPathComponent("projections"))
    }

    static func engine(_ db: TestDatabase, _ p: any Projection, batch: Int = 2_000) throws -> ProjectorEngine {
        var e = ProjectorEngine(
            projection: p, definition: try definition(p), conninfo: db.conninfo, waker: LogWaker(conninfo: db.conninfo), logger: Logger(label: "test"))
        e.liveBatchSize = batch
        e.rebuildBatchSize = batch
        e.pollInterval = .milliseconds(20)
        e.standbyInterval = .milliseconds(50)
        e.heartbeatInterval = .milliseconds(200)
        return e
    }

    /// Appends batches (each command's events stay atomic), grouping them into requests of about `chunk` events.
    static func append(_ batches: [SimulatedBatch], to store: PostgresEventStore, chunk: Int = 500) async throws {
        for request in try batches.appendRequests(codec: codec, maxEvents: chunk) {
            guard case .appended = try await store.append(request) else { throw TestFailure("append was not applied") }
        }
    }

    /// Builds `projections` from whatever is in the log and stops them once caught up.
    static func project(_ db: TestDatabase, _ projections: [any Projection] = all, batch: Int = 2_000) async throws {
        let engines = try projections.map { try engine(db, $0, batch: batch) }
        let runners = engines.map { e in Task { try await e.run() } }
        do {
            for p in projections { try await waitCaughtUp(db, p.name) }
        } catch {
            for r in runners { r.cancel() }
            throw error
        }
        for r in runners { r.cancel() }
        for r in runners { _ = await r.result }
    }

    /// Waits until `projection` has applied everything currently in the log.
    /// The bound is generous: on a loaded machine eleven projections applying one event per batch take
    /// minutes, and a test must not fail on the clock (the assertions are on the tables).
    static func waitCaughtUp(_ db: TestDatabase, _ projection: String, timeout: Duration = .seconds(600)) async throws {
        let pool = PGPool(conninfo: db.conninfo, size: 1)
        let head = try await pool.withConnection { c in try c.query("SELECT coalesce(max(global_position), 0) FROM events").int64(0, 0) ?? 0 }
        try await ProjectionWaiter(pool: pool).wait(for: projection, toReach: head, timeout: timeout)
    }

    /// One checksum per table of a projection's live schema (`_checkpoint` excluded): md5 of every row's
    /// text in a fixed order, and the row count.
    static func checksums(_ db: TestDatabase, _ projection: String) async throws -> [String: String] {
        try await db.session().withConnection { c in
            let schema = "proj_\(projection)"
            let tables = try c.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> '_checkpoint' ORDER BY 1", [schema])
            var out: [String: String] = [:]
            for i in 0..<tables.rowCount {
                let t = tables.string(i, 0)!
                let q = "\(c.quoteIdentifier(schema)).\(c.quoteIdentifier(t))"
                let r = try c.query("SELECT count(*), md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM \(q) x")
                out[t] = "\(r.string(0, 0)!) rows, md5 \(r.string(0, 1)!)"
            }
            return out
        }
    }

    /// Rows of a query as dictionaries (text values).
    static func rows(_ db: TestDatabase, _ sql: String, _ params: [any PGBindable] = []) async throws -> [[String: String]] {
        let values = params.map(\.pgValue)
        return try await db.session().withConnection { c in try c.query(sql, values).dictionaries() }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Dictionary where Key == String, Value == String {
    func decimal(_ k: String) -> Decimal? { self[k].flatMap { DecimalText.parse($0) } }
    func int(_ k: String) -> Int? { self[k].flatMap { Int($0) } }
    func bool(_ k: String) -> Bool? { self[k].map { $0 == "t" } }
}
