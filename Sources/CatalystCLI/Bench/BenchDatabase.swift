import CatalystApp
import EventStore
import Foundation
import PostgresClient

/// A scratch database (`catalyst_bench`) on the configured server, recreated and migrated for each run,
/// so benchmarks never touch the ledger's own data.
struct BenchDatabase {
    let conninfo: String
    static let name = "catalyst_bench"

    /// Recreates and migrates the scratch database `name` (default `catalyst_bench`); with `before`, only the
    /// migrations whose names sort before it (`"0003"`: the log as it was before partitioning).
    static func fresh(name: String = BenchDatabase.name, before: String? = nil, configuration: CatalystConfiguration) async throws -> BenchDatabase {
        let target = try configuration.database
        try await target.ensureAvailable()
        let admin = target.session("bench-admin")
        try await admin.withConnection { c -> Void in
            try c.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try c.execute("CREATE DATABASE \(name)")
        }
        await admin.close()
        let conninfo = Self.conninfo(replacingDatabaseIn: target, with: name)
        var migrator = try Migrator(directory: try configuration.files.migrations)
        if let before { migrator = Migrator(migrations: migrator.migrations.filter { $0.name < before }) }
        _ = try await PGSession(conninfo: conninfo, name: "bench-migrate").withConnection { c in try migrator.apply(on: c) }
        return BenchDatabase(conninfo: conninfo)
    }

    private static func conninfo(replacingDatabaseIn target: DatabaseTarget, with name: String) -> String {
        switch target {
        case .embedded(let cluster): cluster.conninfo(database: name)
        // libpq: a later dbname= overrides the one in the URL/string.
        case .external(let url): url.contains("://") ? appendQuery(url, "dbname=\(name)") : url + " dbname=\(name)"
        }
    }

    private static func appendQuery(_ url: String, _ item: String) -> String { url + (url.contains("?") ? "&" : "?") + item }
}

/// Events shaped like a fill: ~256 bytes of JSON payload.
enum BenchEvents {
    static let payload = Data(
        #"{"order_id":"ord-000000000001","execution_id":"exe-0000000000000001","symbol":"ACME","side":"buy","qty":"100","price":"12.3400","cumulative_qty":"100","venue":"paper","liquidity":"taker","fee":"0","filled_at":"2026-11-21T14:31:07.123456789Z","pad":"0123456789abcdef"}"#
            .utf8)
    static let metadata = Data(#"{"actor":"system","correlation_id":"6f1c2d3e-0000-4000-8000-000000000001"}"#.utf8)

    /// `writers` concurrent writers, each appending `perWriter` one-event transactions over 100 streams of its own.
    static func appendConcurrently(_ store: PostgresEventStore, writers: Int, perWriter: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        let s = "writer\(w)-\(i % 100)"
                        _ = try await store.append(to: s, expected: .any, events: make(stream: s, count: 1))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func make(stream: String, count: Int, at: Date = Date(timeIntervalSince1970: 1_790_000_000)) -> [NewEvent] {
        (0..<count).map { _ in
            NewEvent(eventID: UUID(), streamID: stream, eventType: "order.filled", schemaVersion: 1, payload: payload, metadata: metadata, occurredAt: at)
        }
    }
}

struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

func rate(_ n: Int, _ seconds: Double) -> String {
    let r = Double(n) / seconds
    return String(format: "%10.0f ev/s  (%d events in %.2f s)", r, n, seconds)
}
