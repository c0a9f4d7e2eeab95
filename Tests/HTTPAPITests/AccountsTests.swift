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

    /// `catalyst serve --accounts alpha,beta`: one process, one port, two ledgers. Each account's commands land
    /// in its own cluster; one account's key is unknown to the other; a transaction held open in alpha's
    /// cluster does not hold back beta's projectors in the same process; `/health` answers for both; a path
    /// without an account, or with an unknown one, is a 404 naming the accounts.
    @Test func oneServeForTwoAccountsKeepsTheirLedgersKeysAndReadersApart() async throws {
        let project = try LiveDrill.project()
        defer { try? FileManager.default.removeItem(at: project) }
        try "accounts:\n  alpha: {}\n  beta: {}\n".write(to: project.appendingPathComponent("config/accounts.yaml"), atomically: true, encoding: .utf8)
        let home = project.appendingPathComponent(".catalyst")
        let base = ["CATALYST_SHARE": project.path, "CATALYST_HOME": home.path, "CATALYST_PROGRESS": "off"]
        func as_(_ account: String) -> [String: String] { base.merging(["CATALYST_ACCOUNT": account]) { $1 } }
        func key(_ account: String, _ who: String) throws -> String {
            try String(contentsOf: home.appendingPathComponent("accounts/\(account)/credentials/\(who).key"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func session(_ account: String) -> PGSession {
            PGSession(conninfo: "host=\(home.appendingPathComponent("accounts/\(account)/run").path) dbname=catalyst user=postgres")
        }
        for a in ["alpha", "beta"] {
            let m = try await CLIAndTradeTests.catalyst(["migrate"], environment: as_(a))
            try #require(m.status == 0, "\(a): \(m.err)")
        }
        // Refused before anything runs: CATALYST_ACCOUNT together with --accounts, and an account not in the file.
        let both = try await CLIAndTradeTests.catalyst(["serve", "--simulate", "--accounts", "alpha,beta", "--port", "0"], environment: as_("alpha"))
        #expect(both.status != 0 && both.err.contains("CATALYST_ACCOUNT"), "\(both.err)")
        let unknown = try await CLIAndTradeTests.catalyst(["serve", "--simulate", "--accounts", "alpha,zeta", "--port", "0"], environment: base)
        #expect(unknown.status != 0 && unknown.err.contains("zeta is not in") && unknown.err.contains("alpha, beta"), "\(unknown.err)")

        let serve = try ServeProcess(
            environment: base,
            arguments: ["serve", "--simulate", "--accounts", "alpha,beta", "--port", "0", "--date", "2026-11-18", "--speed", "0", "--symbols", "50"])
        defer { Task { for a in ["alpha", "beta"] { _ = try? await CLIAndTradeTests.catalyst(["db", "stop"], environment: as_(a)) } } }
        let url = try await serve.url(timeout: .seconds(180))

        let health = try await DrillHTTP.request("GET", url, "/health")
        let accounts = health.object["accounts"] as? [String: Any]
        #expect(health.status == 200 && accounts?.keys.sorted() == ["alpha", "beta"], "\(health.text)")

        // alpha's cron starts a cycle in alpha's ledger; beta's cron key means nothing to alpha.
        let start = #"{"mode": "normal", "scan_frequency": 300, "max_positions": 5, "idempotency_key": "alpha-open"}"#
        let stranger = try await DrillHTTP.request("POST", url, "/accounts/alpha/api/v1/workflow/start", body: start, key: try key("beta", "cron"))
        #expect(stranger.status == 401, "beta's key on alpha: \(stranger.status) \(stranger.text)")
        let a = try await DrillHTTP.request("POST", url, "/accounts/alpha/api/v1/workflow/start", body: start, key: try key("alpha", "cron"))
        try #require(a.status == 201, "\(a.text)")
        let alphaCycle = try #require(a.object["cycle_id"] as? String)
        let alphaStreams = try await session("alpha").withConnection { c in try c.query("SELECT count(*) FROM streams WHERE stream_id = $1", ["cycle-\(alphaCycle)"]).int64(0, 0) }
        let betaStreams = try await session("beta").withConnection { c in try c.query("SELECT count(*) FROM streams WHERE stream_id = $1", ["cycle-\(alphaCycle)"]).int64(0, 0) }
        #expect(alphaStreams == 1 && betaStreams == 0, "alpha's cycle is in alpha's ledger only")
        let betaHistory = try await DrillHTTP.request("GET", url, "/accounts/beta/api/v1/workflow/history")
        #expect(betaHistory.status == 200 && !betaHistory.text.contains(alphaCycle), "\(betaHistory.text)")

        // A transaction held open in alpha's cluster: beta's cycle still reaches beta's views in this process.
        let held = session("alpha")
        try await held.withConnection { c -> Void in
            try c.execute("BEGIN")
            try c.execute("SELECT pg_current_xact_id()")
        }
        let b = try await DrillHTTP.request(
            "POST", url, "/accounts/beta/api/v1/workflow/start", body: start.replacingOccurrences(of: "alpha-open", with: "beta-open"), key: try key("beta", "cron"))
        try #require(b.status == 201, "\(b.text)")
        let betaCycle = try #require(b.object["cycle_id"] as? String)
        try await LiveDrill.poll("beta's projectors to show beta's cycle while alpha's cluster holds a transaction", timeout: .seconds(60)) {
            try await DrillHTTP.request("GET", url, "/accounts/beta/api/v1/workflow/history").text.contains(betaCycle)
        }
        try await held.withConnection { c -> Void in try c.execute("ROLLBACK") }
        await held.close()
        try await LiveDrill.poll("alpha's projectors to show alpha's cycle", timeout: .seconds(60)) {
            try await DrillHTTP.request("GET", url, "/accounts/alpha/api/v1/workflow/history").text.contains(alphaCycle)
        }

        // The CLI's cron client reaches one account through CATALYST_API_URL ending in /accounts/<name> (a
        // trailing slash is dropped), with that account's local key.
        let viaCLI = try await CLIAndTradeTests.catalyst(
            ["cycle", "start", "--idempotency-key", "beta-cli"], environment: as_("beta").merging(["CATALYST_API_URL": url.absoluteString + "/accounts/beta/"]) { $1 })
        #expect(viaCLI.status == 0 && viaCLI.out.contains("cycle_id"), "\(viaCLI.out) \(viaCLI.err)")
        let cliCycle = (try? JSONSerialization.jsonObject(with: Data(viaCLI.out.utf8))) as? [String: Any]
        let betaOnly = try await session("beta").withConnection { c in
            try c.query("SELECT count(*) FROM events WHERE event_type = 'cycle.started' AND stream_id = $1", ["cycle-\(cliCycle?["cycle_id"] as? String ?? "?")"]).int64(0, 0)
        }
        #expect(betaOnly == 1, "the CLI's cycle is in beta's ledger")

        // No account, or an unknown one: a 404 naming the accounts.
        for path in ["/api/v1/workflow/history", "/accounts/zeta/api/v1/workflow/history", "/accounts//alpha/api/v1/workflow/history", "/accounts/"] {
            let lost = try await DrillHTTP.request("GET", url, path)
            let named = ((lost.object["error"] as? [String: Any])?["details"] as? [String: Any])?["accounts"] as? [String]
            #expect(lost.status == 404 && lost.errorCode == "unknown_account" && named == ["alpha", "beta"], "\(path): \(lost.text)")
        }
        try await serve.terminate()
        #expect(serve.process.terminationStatus == 0, "\(serve.logText.suffix(2000))")
    }
}
