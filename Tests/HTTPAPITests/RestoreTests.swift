import CatalystTestKit
import Foundation
import Testing

/// Backups that restore: a simulated day on one embedded cluster, backed up with `tools/backup.sh`
/// (`pg_dump`), restored with `catalyst restore` into a brand-new cluster, and the next day traded on it.
/// Every projection stays current, the chain continues from the restored head with no tamper alarm, and
/// the labels of both days are byte-identical to the same two days run without a restore. A dump
/// restored by hand (no transaction-id move) is refused by every role with the one message.
@Suite(.serialized) struct RestoreTests {
    /// A scratch folder the cluster's `postgres` user can enter (the embedded cluster runs as it under root).
    static func scratch() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp").appendingPathComponent("catalyst-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return url
    }

    struct Home {
        let url: URL
        var env: [String: String] { ["CATALYST_HOME": url.path, "DATABASE_URL": "", "CATALYST_API_KEY": ""] }
        @discardableResult
        func run(_ arguments: [String], expect status: Int32? = 0) async throws -> CLIAndTradeTests.Run {
            let r = try await CLIAndTradeTests.catalyst(arguments, environment: env)
            if let status { #expect(r.status == status, "catalyst \(arguments.joined(separator: " ")): \(r.out.suffix(1500)) \(r.err.suffix(1500))") }
            return r
        }
        func sql(_ query: String) async throws -> String {
            try await run(["db", "psql", "--", "-tAc", query]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func stop() async { _ = try? await CLIAndTradeTests.catalyst(["db", "stop"], environment: env) }
    }

    static let day1 = ["session", "run", "--simulate", "--date", "2025-11-18", "--seed", "7", "--symbols", "200", "--speed", "max"]
    /// The next day: `session run` without `--date` runs the day after the ledger's last.
    static let day2 = ["session", "run", "--simulate", "--seed", "7", "--symbols", "200", "--speed", "max"]

    /// A hash of every projection's rows, for comparing the live tables with a rebuild.
    static let projectionDigest = """
        SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
            SELECT 'cycles:' || md5(string_agg(to_jsonb(c)::text, ',' ORDER BY cycle_id)) AS t FROM v_cycles c
            UNION ALL SELECT 'orders:' || md5(string_agg(to_jsonb(o)::text, ',' ORDER BY order_id)) FROM v_orders o
            UNION ALL SELECT 'positions:' || md5(string_agg(to_jsonb(p)::text, ',' ORDER BY position_id)) FROM v_positions p
            UNION ALL SELECT 'risk:' || md5(string_agg(to_jsonb(r)::text, ',' ORDER BY trading_date)) FROM v_risk_state r
            UNION ALL SELECT 'candidates:' || count(*)::text FROM v_candidates) x
        """

    @Test func aDumpRestoredWithCatalystRestoreTradesTheNextDayAndEverythingCarriesOn() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let old = Home(url: root.appendingPathComponent("old")), new = Home(url: root.appendingPathComponent("new"))
        let straight = Home(url: root.appendingPathComponent("straight")), byHand = Home(url: root.appendingPathComponent("by-hand"))
        let archived = Home(url: root.appendingPathComponent("archived"))
        do {
            try await Self.drill(root: root, old: old, new: new, straight: straight, byHand: byHand, archived: archived)
        } catch {
            for h in [old, new, straight, byHand, archived] { await h.stop() }
            throw error
        }
        for h in [old, new, straight, byHand, archived] { await h.stop() }
    }

    static func drill(root: URL, old: Home, new: Home, straight: Home, byHand: Home, archived: Home) async throws {

        // Day 1 on the old machine, backed up with the project's own script.
        for h in [old, straight] {
            try await h.run(["db", "start"])
            try await h.run(["migrate"])
            try await h.run(Self.day1)
        }
        let backups = root.appendingPathComponent("backups")
        let backup = try await CLIAndTradeTests.run(
            TestCluster.repositoryRoot.appendingPathComponent("tools/backup.sh").path, [],
            environment: old.env.merging(["CATALYST": MCPStdioTests.binary.path, "CATALYST_BACKUP_DIR": backups.path]) { $1 })
        #expect(backup.status == 0, "\(backup.out) \(backup.err)")
        let stamp = try #require(try FileManager.default.contentsOfDirectory(atPath: backups.path).first)
        let dump = backups.appendingPathComponent(stamp).appendingPathComponent("catalyst.dump")
        let oldHead = try await old.sql("SELECT count(*) FROM events")
        // The same day as an LZ4 archive (the simulated day was recorded today: archive up to tomorrow).
        let tomorrow = try await old.sql("SELECT ((now() AT TIME ZONE 'America/New_York')::date + 1)::text")
        let archive = root.appendingPathComponent("archive")
        try await old.run(["archive", "export", "--before", tomorrow, "--dir", archive.path])
        await old.stop()

        // Restored on a new machine, then day 2 there.
        let restored = try await new.run(["restore", dump.path])
        #expect(restored.out.contains("moved the cluster's next transaction id"), "\(restored.out)")
        #expect(try await new.sql("SELECT count(*) FROM events WHERE event_type = 'maintenance.restored'") == "1")
        let keys = try FileManager.default.contentsOfDirectory(atPath: new.url.appendingPathComponent("credentials").path).sorted()
        #expect(keys == ["agent.key", "cron.key", "owner.key"], "the restore gave the local principals keys for this folder")
        let who = try await new.run(["whoami"])
        #expect(who.out.contains("owner (human)"), "\(who.out)")
        try await new.run(Self.day2)
        try await straight.run(Self.day2)
        // The archive imported into a fresh store, then day 2 there too.
        try await archived.run(["db", "start"])
        try await archived.run(["migrate"])
        let imported = try await archived.run(["archive", "import", archive.path])
        #expect(imported.out.contains("equals the archive's chain end"), "\(imported.out)")
        try await archived.run(Self.day2)
        let archivedVerify = try await archived.run(["audit", "verify"])
        #expect(archivedVerify.out.hasPrefix("OK"), "\(archivedVerify.out)")

        // Every cycle of the log is projected, the chain verifies from the restored head on, no alarm.
        #expect(try await new.sql("SELECT count(*) FROM v_cycles") == (try await new.sql("SELECT count(DISTINCT stream_id) FROM events WHERE stream_id LIKE 'cycle-%'")))
        #expect(Int(try await new.sql("SELECT count(*) FROM v_cycles")) == 26)
        let verify = try await new.run(["audit", "verify"])
        let total = try await new.sql("SELECT count(*) FROM events")
        #expect(verify.out.hasPrefix("OK  \(total) events verified"), "\(verify.out)")
        #expect(Int(total)! > Int(oldHead)!)
        let doctor = try await new.run(["doctor", "check", "--json", "--no-record"], expect: nil)
        #expect(!doctor.out.contains("AUDIT_CHAIN") && !doctor.out.contains("PROJECTION_STALLED"), "\(doctor.out.prefix(3000))")
        let live = try await new.sql(Self.projectionDigest)
        try await new.run(["projections", "rebuild", "--all"])
        #expect(try await new.sql(Self.projectionDigest) == live, "every projection equals a clean rebuild")

        // The labels of both days are those of the same two days without a restore.
        func labels(_ h: Home) async throws -> String {
            let out = root.appendingPathComponent("labels-\(h.url.lastPathComponent).csv")
            try await h.run(["replay", "label", "--out", out.path])
            return try String(contentsOf: out, encoding: .utf8)
        }
        // Byte for byte, but for `event_seq`: the log position, which the restore's own events (the recorded
        // restore, the new local keys) move for every later event, on purpose.
        func withoutPosition(_ csv: String) -> [String] {
            csv.split(separator: "\n").map { line in
                let f = line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
                return f.count == 4 ? "\(f[0]),\(f[1]),\(f[3])" : String(line)
            }
        }
        let a = try await labels(new), b = try await labels(straight), c = try await labels(archived)
        #expect(a.split(separator: "\n").count > 1000)
        #expect(withoutPosition(c) == withoutPosition(b), "replay label differs after the archive import")
        let (ra, rb) = (withoutPosition(a), withoutPosition(b))
        #expect(ra.count == rb.count && ra == rb, "replay label differs after the restore: \(zip(ra, rb).first { $0 != $1 }.map { "\($0.0.prefix(200)) vs \($0.1.prefix(200))" } ?? "row counts")")

        // By hand (pg_restore alone): every role refuses, naming the cause and the fix, and appends nothing.
        try await byHand.run(["db", "start"])
        _ = try await byHand.run(
            ["db", "psql", "--", "-qc", "DO $$ BEGIN CREATE ROLE catalyst_app LOGIN; CREATE ROLE catalyst_projector LOGIN; CREATE ROLE catalyst_auditor LOGIN; CREATE ROLE catalyst_doctor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"],
            expect: nil)
        let url = try await byHand.run(["db", "url"]).out.split(separator: "\n").last.map(String.init) ?? ""
        let manual = try await CLIAndTradeTests.run("/usr/bin/env", ["pg_restore", "--no-owner", "--dbname", url, dump.path])
        #expect(manual.status == 0, "\(manual.err)")
        let before = try await byHand.sql("SELECT count(*) FROM events")
        // Doctor reports it, as what it is (never a tamper alarm), and records nothing.
        let doctorHere = try await byHand.run(["doctor", "check", "--json"], expect: 2)
        #expect(doctorHere.out.contains("READER_HORIZON_STALLED") && !doctorHere.out.contains("AUDIT_CHAIN_BROKEN"), "\(doctorHere.out.prefix(2000))")
        for arguments in [["migrate"], ["audit", "verify"], Self.day2, ["project", "--only", "cycles"], ["principals", "list"]] {
            let r = try await byHand.run(arguments, expect: nil)
            #expect(r.status != 0 && r.err.contains("restored from a logical dump") && r.err.contains("catalyst restore"), "\(arguments): \(r.err.suffix(600))")
            #expect(!r.out.contains("BROKEN"), "no tamper alarm: \(r.out)")
        }
        #expect(try await byHand.sql("SELECT count(*) FROM events") == before)
    }

    /// A shell script as the cluster's user (`postgres` under root, where the embedded cluster runs as it).
    static func asServer(_ script: String) async throws -> CLIAndTradeTests.Run {
        let bin = "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
        let full = "export PATH=\"\(bin):$PATH\"; " + script
        if geteuid() == 0 { return try await CLIAndTradeTests.run("/usr/sbin/runuser", ["-u", "postgres", "--", "/bin/bash", "-c", full]) }
        return try await CLIAndTradeTests.run("/bin/bash", ["-c", full])
    }

    /// A folder the cluster's user may write to.
    static func serverFolder(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        if geteuid() == 0, let pw = getpwnam("postgres") { _ = chown(url.path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
    }

    /// A physical copy's own settings: its socket folder (the embedded cluster's port is the same in every home).
    static func prepareCopy(_ h: Home, settings: [String] = []) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: h.url.appendingPathComponent("run"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = fm.createFile(atPath: h.url.appendingPathComponent("postgres.log").path, contents: nil)
        let conf = h.url.appendingPathComponent("pgdata/postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((["", "unix_socket_directories = '\(h.url.appendingPathComponent("run").path)'", "archive_mode = off"] + settings + [""]).joined(separator: "\n").utf8))
        try handle.close()
        if geteuid() == 0, let pw = getpwnam("postgres") {
            for path in [h.url.path, h.url.appendingPathComponent("run").path, h.url.appendingPathComponent("postgres.log").path] {
                _ = chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid)
            }
        }
    }

    /// Physical paths keep the transaction-id space: a base backup, point-in-time recovery to the middle of
    /// a day, and a promoted streaming replica each start, pass the start-up check, verify the chain and
    /// trade on, with no restore step at all.
    @Test func aBaseBackupPointInTimeRecoveryAndAPromotedReplicaCarryOnWithNoRestoreStep() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: MCPStdioTests.binary.path), "build the catalyst binary first")
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let homes = ["primary", "base", "pitr", "replica"].map { Home(url: root.appendingPathComponent($0)) }
        do {
            try await Self.physical(root: root, primary: homes[0], base: homes[1], pitr: homes[2], replica: homes[3])
        } catch {
            for h in homes { await h.stop() }
            throw error
        }
        for h in homes { await h.stop() }
    }

    static func physical(root: URL, primary: Home, base: Home, pitr: Home, replica: Home) async throws {
        let wal = root.appendingPathComponent("wal")
        let small = ["--seed", "7", "--symbols", "100", "--speed", "max"]
        // The primary archives its WAL, as a PITR setup does.
        try await primary.run(["db", "start"])
        let conf = primary.url.appendingPathComponent("pgdata/postgresql.conf")
        let settings = "\nwal_level = replica\narchive_mode = on\narchive_command = 'cp %p \(wal.path)/%f'\n"
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
        try Self.serverFolder(wal)
        try await primary.run(["db", "stop"])
        try await primary.run(["db", "start"])
        try await primary.run(["migrate"])
        try await primary.run(["session", "run", "--simulate", "--date", "2025-11-18"] + small)
        let day1 = Int(try await primary.sql("SELECT count(*) FROM events"))!

        // A base backup after day 1, and a streaming replica of the primary.
        let socket = primary.url.appendingPathComponent("run").path
        for (h, extra) in [(base, ""), (replica, "-R")] {
            try Self.serverFolder(h.url)
            let backup = try await Self.asServer("pg_basebackup -h \(socket) -p 5432 -U postgres -D \(h.url.path)/pgdata -X stream -c fast \(extra)")
            #expect(backup.status == 0, "\(backup.err)")
        }
        // PITR copies the base backup before day 2 happens.
        try Self.serverFolder(pitr.url)
        let copy = try await Self.asServer("cp -a \(base.url.path)/pgdata \(pitr.url.path)/pgdata")
        #expect(copy.status == 0, "\(copy.err)")

        // Day 2 on the primary; the recovery target is three quarters into it.
        try await primary.run(["session", "run", "--simulate"] + small)
        let target = try await primary.sql("SELECT recorded_at FROM events ORDER BY global_position OFFSET (SELECT count(*) * 3 / 4 FROM events) LIMIT 1")
        let expected = Int(try await primary.sql("SELECT count(*) FROM events WHERE recorded_at <= '\(target)'"))!
        let total = Int(try await primary.sql("SELECT count(*) FROM events"))!
        #expect(expected > day1 && expected < total)
        let walNow = try await primary.sql("SELECT pg_walfile_name(pg_current_wal_lsn())")
        _ = try await primary.sql("SELECT pg_switch_wal()")
        try await LiveDrill.poll("the primary to archive \(walNow)") { FileManager.default.fileExists(atPath: wal.appendingPathComponent(walNow).path) }

        // The base backup: starts as day 1 left it, trades day 2 exactly as the primary did.
        try Self.prepareCopy(base)
        try await base.run(["db", "start"])
        #expect(Int(try await base.sql("SELECT count(*) FROM events")) == day1)
        try await base.run(["session", "run", "--simulate"] + small)
        let verified = try await base.run(["audit", "verify"])
        #expect(verified.out.hasPrefix("OK"), "\(verified.out)")
        let days = "SELECT md5(string_agg(event_type || payload::text, '|' ORDER BY global_position)) FROM events WHERE occurred_at < '2026-01-01'"
        #expect(try await base.sql(days) == (try await primary.sql(days)), "day 2 on the restored base backup is the primary's day 2")

        // Point in time: the ledger as committed at the target, in the middle of day 2; then day 3 on it.
        try Self.prepareCopy(
            pitr, settings: ["restore_command = 'cp \(wal.path)/%f %p'", "recovery_target_time = '\(target)'", "recovery_target_action = 'promote'"])
        #expect(try await Self.asServer("touch \(pitr.url.path)/pgdata/recovery.signal").status == 0)
        try await pitr.run(["db", "start"])
        try await LiveDrill.poll("recovery to end") { (try? await pitr.sql("SELECT pg_is_in_recovery()")) == "f" }
        let recovered = Int(try await pitr.sql("SELECT count(*) FROM events"))!
        #expect(recovered > day1 && recovered <= expected, "recovered \(recovered) events (day 1: \(day1), at the target: \(expected))")
        try await pitr.run(["session", "run", "--simulate", "--date", "2025-11-20"] + small)
        let pitrVerify = try await pitr.run(["audit", "verify"])
        #expect(pitrVerify.out.hasPrefix("OK"), "\(pitrVerify.out)")
        #expect(try await pitr.sql("SELECT count(*) FROM v_cycles") == (try await pitr.sql("SELECT count(DISTINCT stream_id) FROM events WHERE stream_id LIKE 'cycle-%'")))

        // The replica, promoted: the same transaction-id space, so the start-up check passes; it trades on.
        try Self.prepareCopy(replica)
        try await replica.run(["db", "start"])
        try await LiveDrill.poll("the replica to catch up") { (try? await replica.sql("SELECT count(*) FROM events")) == String(total) }
        let promote = try await Self.asServer("pg_ctl promote -w -D \(replica.url.path)/pgdata")
        #expect(promote.status == 0, "\(promote.err)")
        try await replica.run(["migrate"])
        try await replica.run(["session", "run", "--simulate", "--date", "2025-11-20"] + small)
        let replicaVerify = try await replica.run(["audit", "verify"])
        #expect(replicaVerify.out.hasPrefix("OK"), "\(replicaVerify.out)")
    }
}
