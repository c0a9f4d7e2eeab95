import CatalystTestKit
import Foundation
import Testing

/// Principals across processes, as an operator runs them: `catalyst serve` makes the local keys on a
/// ledger with none, `catalyst principals …` (another process) adds, rotates and revokes, and the
/// running server follows within a second with no restart. `catalyst replay as-of` shows who could
/// act at a past point of the log.
@Suite(.serialized) struct AuthorityProcessTests {
    struct Setup {
        let db: TestDatabase
        let home: URL
        var env: [String: String]
        func key(_ file: String) throws -> String {
            try String(contentsOf: home.appendingPathComponent("credentials/\(file)"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func cli(_ arguments: [String], _ env: [String: String], key: String? = nil) async throws -> CLIAndTradeTests.Run {
        try await CLIAndTradeTests.catalyst(arguments, environment: env.merging(["CATALYST_API_KEY": key ?? ""]) { $1 })
    }

    /// The token printed on the last line of `principals add` / `rotate`.
    static func token(_ run: CLIAndTradeTests.Run) -> String {
        run.out.split(separator: "\n").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
    }

    @Test func keysAreAddedRotatedAndRevokedWhileServeRunsAndAsOfShowsWhoCouldAct() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let db = try await TestDatabase.create()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("authority-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["DATABASE_URL": db.conninfo, "CATALYST_HOME": home.path, "CATALYST_LOG_LEVEL": "info"]
        let serve = try ServeProcess(
            environment: env, arguments: ["serve", "--simulate", "--port", "0", "--speed", "0", "--date", "2025-03-14", "--symbols", "50", "--seed", "3"])
        defer { _ = Foundation.kill(serve.pid, SIGKILL) }
        let url = try await serve.url()

        // Zero configuration: the ledger had no principal, so serve made the local ones, files 0600.
        let s = Setup(db: db, home: home, env: env)
        let owner = try s.key("owner.key"), agent = try s.key("agent.key"), cron = try s.key("cron.key")
        for file in ["owner.key", "agent.key", "cron.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent("credentials/\(file)").path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
        }
        let whoami = try await Self.cli(["whoami"], env, key: owner)
        #expect(whoami.status == 0 && whoami.out.contains("owner (human)") && whoami.out.contains("manage_principals"), "\(whoami.out) \(whoami.err)")
        let agentWho = try await Self.cli(["whoami"], env, key: agent)
        #expect(agentWho.out.contains("claude (agent)") && !agentWho.out.contains("resume_trading"), "\(agentWho.out)")

        // Only an admin adds principals; a machine is never given a human role.
        let byAgent = try await Self.cli(["principals", "add", "eve", "--name", "Eve", "--kind", "human", "--role", "admin"], env, key: agent)
        #expect(byAgent.status != 0 && byAgent.err.contains("manage_principals"), "\(byAgent.err)")
        let machineOperator = try await Self.cli(["principals", "add", "bot", "--name", "Bot", "--kind", "agent", "--role", "operator"], env, key: owner)
        #expect(machineOperator.status != 0 && machineOperator.err.contains("human"), "\(machineOperator.err)")
        let added = try await Self.cli(["principals", "add", "bob", "--name", "Bob", "--kind", "human", "--role", "operator"], env, key: owner)
        #expect(added.status == 0, "\(added.err)")
        let bob = Self.token(added)
        #expect(bob.hasPrefix("ctl.bob.") && bob.count == "ctl.bob.".count + 8 + 1 + 64, "\(added.out)")

        func stop(_ key: String) async throws -> Int {
            try await DrillHTTP.request("POST", url, "/api/v1/workflow/stop", body: #"{"cycle_id": "nope"}"#, key: key).status
        }
        #expect(try await stop(bob) == 404, "bob's new key works at once in the running server")

        // Rotation: the old key keeps working through its grace period, the new one at once.
        // A grace long enough that a loaded machine still makes both requests inside it.
        let rotated = try await Self.cli(["principals", "rotate", "cron", "--grace", "12"], env, key: owner)
        #expect(rotated.status == 0, "\(rotated.err)")
        let newCron = Self.token(rotated)
        #expect(try await stop(newCron) == 404)
        #expect(try await stop(cron) == 404, "the old key inside its grace period")
        try await Task.sleep(for: .seconds(13))
        #expect(try await stop(cron) == 401, "the old key after its grace period")
        #expect(try await stop(newCron) == 404)

        // Revocation: in force in the running server within a second, no restart.
        let beforeRevoke = try await LiveDrill.rows(db, "SELECT max(global_position)::text AS p FROM events").first?["p"] ?? "0"
        let revoked = try await Self.cli(["principals", "revoke", "bob", "--reason", "left the desk"], env, key: owner)
        #expect(revoked.status == 0, "\(revoked.err)")
        try await Task.sleep(for: .seconds(1))
        #expect(try await stop(bob) == 401, "a revoked key is refused within a second")
        let whoBob = try await Self.cli(["whoami"], env, key: bob)
        #expect(whoBob.status != 0, "\(whoBob.out)")

        // Who could act, then and now.
        let list = try await Self.cli(["principals", "list"], env)
        #expect(list.out.contains("bob\thuman\toperator\trevoked"), "\(list.out)")
        let asOf = try await Self.cli(["replay", "as-of", "--position", beforeRevoke, "--into", "before_revoke"], env)
        #expect(asOf.status == 0, "\(asOf.err)")
        let then = try await LiveDrill.rows(db, "SELECT principal_id, status FROM before_revoke.v_principals ORDER BY principal_id")
        #expect(then.first { $0["principal_id"] == "bob" }?["status"] == "active", "\(then)")
        try await LiveDrill.poll("the principals projection to apply the revocation") {
            try await LiveDrill.rows(db, "SELECT status FROM v_principals WHERE principal_id = 'bob'").first?["status"] == "revoked"
        }
        let changes = try await LiveDrill.rows(
            db, "SELECT event_type, metadata->>'principal_id' AS by FROM events WHERE stream_id IN ('principal-bob', 'principal-cron') ORDER BY global_position")
        #expect(changes.map { $0["event_type"] ?? "" } == ["principal.added", "principal.added", "principal.key_rotated", "principal.revoked"], "\(changes)")
        #expect(changes.dropFirst(1).allSatisfy { $0["by"] == "owner" }, "the admin who made each change is its actor: \(changes)")

        // No key was ever written to the log, the events or an answer.
        let log = serve.logText
        let dump = try await LiveDrill.rows(db, "SELECT coalesce(string_agg(payload::text || metadata::text, ''), '') AS t FROM events").first?["t"] ?? ""
        let health = try await DrillHTTP.request("GET", url, "/health").text
        for token in [owner, agent, cron, newCron, bob] {
            let secret = String(token.suffix(64))
            #expect(!log.contains(secret) && !dump.contains(secret) && !health.contains(secret), "a key's secret leaked")
        }
        try await serve.terminate()
    }
}
