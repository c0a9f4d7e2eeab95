import EmbeddedPostgres
import EventStore
import Foundation

extension TestCluster {
    /// A dedicated primary with one migrated database and a hot standby streaming from it
    /// (`EmbeddedCluster.startStandby`), for `body`; both clusters are stopped and deleted before this
    /// returns, whatever happens (a task started in a `defer` would not finish before the test process
    /// exits, and the standby would outlive it).
    public static func withStandby(
        _ label: String, _ body: (_ primary: EmbeddedCluster, _ db: TestDatabase, _ standby: EmbeddedCluster) async throws -> Void
    ) async throws {
        let primary = try await dedicated("\(label)-primary")
        let db = try await TestDatabase.create(on: primary)
        let standby = try EmbeddedCluster(
            home: FileManager.default.temporaryDirectory.appendingPathComponent("catalyst-\(label)-standby-\(getpid())"), database: db.name,
            port: primary.port + 1, tools: primary.tools)
        do {
            try await standby.startStandby(of: primary)
            try await body(primary, db, standby)
        } catch {
            await discard(standby)
            await discard(primary)
            throw error
        }
        await discard(standby)
        await discard(primary)
    }
}

extension PostgresEventStore {
    /// The whole log in reader order, page by page, once no other test's open transaction hides any of it
    /// (tests share clusters, and the reader horizon is cluster-wide).
    public func wholeLog(pageSize: Int = 500) async throws -> [RecordedEvent] {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await head().invisibleEvents > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        var out: [RecordedEvent] = []
        var cursor = LogCursor(transactionID: 0, position: 0)
        while true {
            let page = try await readAll(after: cursor, limit: pageSize)
            guard let last = page.last else { return out }
            out += page
            cursor = last.cursor
        }
    }
}
