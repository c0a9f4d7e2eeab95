import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import LedgerSimulation
import Logging
import PostgresClient
import Projections
import Testing

/// `replay as-of`: a projection built into a scratch schema as of position P equals the live projection
/// as it was when its checkpoint stood at P (captured before the rest of the history was appended).
@Suite struct AsOfTests {
    /// Every read model (the audit seal's rows carry the sealing wall-clock time: its table is compared
    /// without that column).
    static let projections: [any Projection] = ProjectionCatalog.all()

    static func definitions() throws -> [(projection: any Projection, definition: ProjectionDefinition)] {
        try projections.map { p in (p, try ProjectionDefinition.load(p, from: TestCluster.repositoryRoot.appendingPathComponent("projections"))) }
    }

    static func projectLive(_ db: TestDatabase) async throws {
        var logger = Logger(label: "as-of-test")
        logger.logLevel = .critical
        for e in try ProjectionCatalog.engines(
            projections, files: ProjectFiles(root: TestCluster.repositoryRoot), conninfo: db.conninfo, waker: LogWaker(conninfo: nil), logger: logger)
        {
            try await e.rebuildNow()
        }
    }

    /// Row count and md5 of every table's rows, per table name, over the given schemas.
    static func checksums(_ db: TestDatabase, schemas: [String]) async throws -> [String: String] {
        try await db.session().withConnection { c in
            var out: [String: String] = [:]
            for schema in schemas {
                let tables = try c.query(
                    """
                    SELECT table_name FROM information_schema.tables
                    WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name NOT IN ('_checkpoint', '_as_of', 'audit_chain') ORDER BY 1
                    """, [schema])
                for i in 0..<tables.rowCount {
                    let t = tables.string(i, 0)!
                    let r = try c.query(
                        "SELECT count(*), md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM \(c.quoteIdentifier(schema)).\(c.quoteIdentifier(t)) x")
                    out[t] = "\(r.string(0, 0)!) rows, md5 \(r.string(0, 1)!)"
                }
                if try c.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'audit_chain'", [schema]).rowCount == 1 {
                    let r = try c.query(
                        "SELECT count(*), md5(coalesce(string_agg(seq || ' ' || global_position || ' ' || hash, E'\\n' ORDER BY seq), '')) FROM \(c.quoteIdentifier(schema)).audit_chain")
                    out["audit_chain"] = "\(r.string(0, 0)!) rows, md5 \(r.string(0, 1)!)"
                }
            }
            return out
        }
    }

    static func append(_ batches: ArraySlice<SimulatedBatch>, to store: PostgresEventStore) async throws {
        for request in try Array(batches).appendRequests(codec: EventCodec(), maxEvents: 500) {
            guard case .appended = try await store.append(request) else { throw CancellationError() }
        }
    }

    @Test func asOfAPositionEqualsTheLiveProjectionWhenItStoodThere() async throws {
        let db = try await TestDatabase.create()
        let store = db.eventStore()
        let history = try LedgerSimulator.history(.small(seed: 9, days: 2))
        let half = history.count / 2
        try await Self.append(history[..<half], to: store)
        try await Self.projectLive(db)
        let live = Self.projections.map { "proj_\($0.name)" }
        let thenLive = try await Self.checksums(db, schemas: live)
        let p = try await db.session().withConnection { c in try c.query("SELECT max(global_position) FROM events").int64(0, 0)! }
        let recorded = try await db.session().withConnection { c in try c.query("SELECT recorded_at FROM events WHERE global_position = $1", [p]).date(0, 0)! }

        try await Self.append(history[half...], to: store)
        try await Self.projectLive(db)
        let nowLive = try await Self.checksums(db, schemas: live)
        #expect(nowLive != thenLive)
        #expect(thenLive.values.contains { !$0.hasPrefix("0 rows") } && thenLive["positions"]?.hasPrefix("0 rows") == false)

        let defs = try Self.definitions()
        let (atP, atT, atHead) = try await db.session().withConnection { c in
            (
                try AsOfBuilder.build(defs, into: "asof_p", limit: .position(p), on: c),
                try AsOfBuilder.build(defs, into: "asof_t", limit: .recordedAt(recorded), on: c),
                try AsOfBuilder.build(defs, into: "asof_head", limit: .recordedAt(Date.distantFuture), on: c)
            )
        }
        #expect(atP.last?.position == p && atT.last?.position == p)
        #expect(try await Self.checksums(db, schemas: ["asof_p_tables"]) == thenLive)
        #expect(try await Self.checksums(db, schemas: ["asof_t_tables"]) == thenLive)
        #expect(try await Self.checksums(db, schemas: ["asof_head_tables"]) == nowLive)
        #expect(atHead.events > atP.events)

        // The views come along, over the scratch tables; the live ones are untouched.
        let (scratch, public_) = try await db.session().withConnection { c in
            (
                try c.query("SELECT count(*) FROM asof_p.v_positions").int64(0, 0)!,
                try c.query("SELECT count(*) FROM public.v_positions").int64(0, 0)!
            )
        }
        #expect(scratch > 0 && scratch <= public_)
        let sealed = try await db.session(role: "catalyst_auditor").withConnection { c in try c.query("SELECT max(seq) FROM asof_p.audit_chain").int64(0, 0) }
        #expect(sealed == Int64(atP.events))
        #expect(try await Self.checksums(db, schemas: live) == nowLive)

        // Refusals: an existing schema without --replace, a reserved name, a position not in the log.
        try await db.session().withConnection { c in
            #expect(throws: AsOfBuilder.AsOfError.schemaExists("asof_p")) { try AsOfBuilder.build(defs, into: "asof_p", limit: .position(p), on: c) }
            #expect(throws: AsOfBuilder.AsOfError.badSchema("proj_positions")) { try AsOfBuilder.build(defs, into: "proj_positions", limit: .position(p), on: c) }
            #expect(throws: AsOfBuilder.AsOfError.positionNotInLog(999_999_999)) { try AsOfBuilder.build(defs, into: "asof_x", limit: .position(999_999_999), on: c) }
            _ = try AsOfBuilder.build(defs, into: "asof_p", limit: .position(p), replace: true, on: c)
        }
    }
}
