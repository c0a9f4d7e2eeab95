import CatalystTestKit
import Foundation
import PostgresClient
import Testing

/// One ledger per account (`config/accounts.yaml`, `CATALYST_ACCOUNT`): each account's commands land in
/// its own cluster only, a transaction held open in one account's cluster does not hold back the other's
/// readers, and a wrong or ambiguous account is refused before anything runs.
@Suite(.serialized) struct AccountsTests {
    @Test func eachAccountTradesInItsOwnClusterAndAHeldTransactionInOneDoesNotStallTheOther() async throws {
        let project = try LiveDrill.project()
        defer { try? FileManager.default.removeItem(at: project) }
        // `session run` follows the crontab's workflow lines.
        try FileManager.default.createSymbolicLink(at: project.appendingPathComponent("tools"), withDestinationURL: TestCluster.repositoryRoot.appendingPathComponent("tools"))
        try "accounts:\n  alpha: {}\n  beta:\n  gamma:\n    database_url_env: CATALYST_GAMMA_DATABASE_URL\n".write(
            to: project.appendingPathComponent("config/accounts.yaml"), atomically: true, encoding: .utf8)
        let home = project.appendingPathComponent(".catalyst")
        let base = ["CATALYST_SHARE": project.path, "CATALYST_HOME": home.path, "CATALYST_PROGRESS": "off"]
        func as_(_ account: String) -> [String: String] { base.merging(["CATALYST_ACCOUNT": account]) { $1 } }
        defer {
            Task {
                for a in ["alpha", "beta"] { _ = try? await CLIAndTradeTests.catalyst(["db", "stop"], environment: as_(a)) }
            }
        }

        for a in ["alpha", "beta"] {
            let m = try await CLIAndTradeTests.catalyst(["migrate"], environment: as_(a))
            #expect(m.status == 0, "\(a): \(m.err)")
        }
        let alpha = try await CLIAndTradeTests.catalyst(["session", "run", "--simulate", "--date", "2026-11-18", "--symbols", "10", "--json"], environment: as_("alpha"))
        #expect(alpha.status == 0, "\(alpha.err)")

        func count(_ account: String) async throws -> Int64 {
            let socket = home.appendingPathComponent("accounts/\(account)/run").path
            return try await PGSession(conninfo: "host=\(socket) dbname=catalyst user=postgres").withConnection { c in
                try c.query("SELECT count(*) FROM events").int64(0, 0) ?? -1
            }
        }
        let alphaEvents = try await count("alpha")
        #expect(alphaEvents > 100)
        #expect(try await count("beta") == 0, "alpha's day landed in alpha's cluster only")

        // A transaction held open in alpha's cluster (it has taken a transaction id): beta trades its day and
        // its projectors catch up all the same.
        let held = PGSession(conninfo: "host=\(home.appendingPathComponent("accounts/alpha/run").path) dbname=catalyst user=postgres")
        try await held.withConnection { c -> Void in
            try c.execute("BEGIN")
            try c.execute("SELECT pg_current_xact_id()")
        }
        let beta = try await CLIAndTradeTests.catalyst(["session", "run", "--simulate", "--date", "2026-11-18", "--symbols", "10", "--json"], environment: as_("beta"))
        #expect(beta.status == 0, "\(beta.err)")
        let report = (try? JSONSerialization.jsonObject(with: Data(beta.out.utf8))) as? [String: Any]
        #expect((report?["cycles"] as? Int ?? 0) > 0, "\(beta.out.prefix(500))")
        let status = try await CLIAndTradeTests.catalyst(["projections", "status"], environment: as_("beta"))
        #expect(status.status == 0 && !status.out.contains("catching_up") && !status.out.contains("failed"), "\(status.out)")
        try await held.withConnection { c -> Void in try c.execute("ROLLBACK") }
        await held.close()
        #expect(try await count("alpha") == alphaEvents, "beta's day did not touch alpha")
        #expect(try await count("beta") > 100)

        // Refused before anything runs: an account not in the file, one whose URL variable is unset, and an
        // account together with DATABASE_URL (which ledger was meant?).
        let unknown = try await CLIAndTradeTests.catalyst(["db", "status"], environment: as_("delta"))
        #expect(unknown.status != 0 && unknown.err.contains("delta is not in") && unknown.err.contains("alpha, beta, gamma"), "\(unknown.err)")
        let unset = try await CLIAndTradeTests.catalyst(["db", "status"], environment: as_("gamma"))
        #expect(unset.status != 0 && unset.err.contains("CATALYST_GAMMA_DATABASE_URL"), "\(unset.err)")
        let both = try await CLIAndTradeTests.catalyst(["db", "status"], environment: as_("alpha").merging(["DATABASE_URL": "postgresql://x@/y"]) { $1 })
        #expect(both.status != 0 && both.err.contains("DATABASE_URL"), "\(both.err)")
    }
}
