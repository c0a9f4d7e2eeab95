import CatalystTestKit
import Foundation
import PostgresClient
import Testing

/// The libpq wrapper's batch and notification paths against a real server.
@Suite struct PostgresClientTests {
    @Test func bindsAreNeverPastedIntoSQL() async throws {
        let db = try await TestDatabase.create()
        let hostile = "x'); DROP TABLE events; --"
        let echoed = try await db.session().withConnection { c in try c.query("SELECT $1::text", [hostile]).scalar }
        #expect(echoed == hostile)
        let exists = try await db.session().withConnection { c in try c.query("SELECT to_regclass('events') IS NOT NULL").bool(0, 0) }
        #expect(exists == true)
    }

    @Test func pipelineRunsManyStatementsInOneRoundTripAndStopsAtTheFirstError() async throws {
        let db = try await TestDatabase.create()
        let session = db.session()
        try await session.withConnection { c in
            try c.execute("CREATE TABLE p (n int PRIMARY KEY)")
            let results = try c.pipeline((1...500).map { PGStatement("INSERT INTO p VALUES ($1)", [$0], preparedName: "ins_p") })
            #expect(results.count == 500)
            #expect(try c.query("SELECT count(*) FROM p").int64(0, 0) == 500)
            #expect(throws: PGError.self) {
                try c.transaction {
                    try c.pipeline([PGStatement("INSERT INTO p VALUES (1000)"), PGStatement("INSERT INTO p VALUES (1)"), PGStatement("INSERT INTO p VALUES (1001)")])
                }
            }
            #expect(try c.query("SELECT count(*) FROM p").int64(0, 0) == 500)
        }
    }

    @Test func copyInAndOutRoundTripsAwkwardText() async throws {
        let db = try await TestDatabase.create()
        let awkward = ["tab\there", "new\nline", "back\\slash", "quote\"s", "ünïcødé", ""]
        let out = try await db.session().withConnection { c -> [String] in
            try c.execute("CREATE TABLE cp (i int, t text)")
            let n = try c.copyIn("COPY cp (i, t) FROM STDIN") { w in
                for (i, s) in awkward.enumerated() {
                    try w.write(String(i).utf8)
                    w.endField()
                    w.field(s)
                    try w.endRow()
                }
            }
            #expect(n == awkward.count)
            let r = try c.query("SELECT t FROM cp ORDER BY i")
            var rows: [String] = []
            try c.copyOut("COPY (SELECT i FROM cp ORDER BY i) TO STDOUT") { rows.append(String(decoding: $0, as: UTF8.self)) }
            #expect(rows.count == awkward.count)
            return (0..<r.rowCount).map { r.string($0, 0)! }
        }
        #expect(out == awkward)
    }

    @Test func listenReceivesNotifications() async throws {
        let db = try await TestDatabase.create()
        let listener = db.session()
        try await listener.withConnection { c in try c.listen("catalyst_test") }
        try await db.session().withConnection { c in try c.notify("catalyst_test", payload: "hello") }
        let notes = try await listener.withConnection { c in try c.waitForNotifications(timeoutMilliseconds: 5000) }
        #expect(notes.map(\.payload) == ["hello"])
        #expect(notes.first?.channel == "catalyst_test")
    }

    @Test func timestampsRoundTripWithMicroseconds() async throws {
        let db = try await TestDatabase.create()
        let t = Date(timeIntervalSince1970: 1_790_000_123.456789)
        let back = try await db.session().withConnection { c in try c.query("SELECT $1::timestamptz", [t]).date(0, 0) }
        #expect(abs(back!.timeIntervalSince1970 - t.timeIntervalSince1970) < 0.000001)
        #expect(PGTimestamp.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31 23:59:58.500000+00")
    }
}
