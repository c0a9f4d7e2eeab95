import CatalystTestKit
import Foundation
import Testing

/// The crontab's curl lines, run verbatim by bash and curl against the running server (only the host
/// and port are pointed at the test server, and the log redirection is dropped).
@Suite(.serialized) struct CronLinesTests {
    static func curlLines() throws -> [String] {
        let text = try String(contentsOf: TestCluster.repositoryRoot.appendingPathComponent("tools/catalyst.cron"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let start = line.range(of: "curl ") else { return nil }
            let command = line[start.lowerBound...]
            return String(command.components(separatedBy: " >>").first ?? String(command))
        }
    }

    @Test func theCrontabsCurlLinesRunVerbatim() async throws {
        let lines = try Self.curlLines()
        #expect(lines.count == 4)
        try await APIHarness.with { h in
            // The crontab's CATALYST_DIR, holding the cron key where `catalyst migrate` writes it.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cron-dir-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let credentials = dir.appendingPathComponent(".catalyst/credentials")
            try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
            try Data((h.keys.cron + "\n").utf8).write(to: credentials.appendingPathComponent("cron.key"))
            var ids: [String] = []
            for line in lines {
                let command = line.replacingOccurrences(of: "http://localhost:5006", with: h.url.absoluteString) + " --silent --show-error"
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/bash")
                process.arguments = ["-c", command]
                process.environment = ProcessInfo.processInfo.environment.merging(["CATALYST_DIR": dir.path]) { $1 }
                let out = Pipe()
                process.standardOutput = out
                try process.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
                ids.append(try #require(object["cycle_id"] as? String, "\(object)"))
            }
            // All fire in the 09:30 slot: the three normal lines are one cycle (the slot is the key); the
            // conservative close is another.
            #expect(Set(ids).count == 2)
            #expect(ids[0] == ids[1] && ids[1] == ids[2] && ids[3] != ids[0])
            await h.settle()
            #expect(try await h.count("SELECT count(*) FROM v_cycles") == 2)
            #expect(try await h.count("SELECT count(*) FROM v_cycles WHERE mode = 'conservative' AND max_positions = 3") == 1)
            // Recorded as the cron principal whose key the lines sent.
            #expect(try await h.count("SELECT count(*) FROM events WHERE event_type = 'cycle.started' AND metadata->>'principal_id' = 'cron' AND metadata->>'actor' = 'service'") == 2)
        }
    }

    @Test func theHealthCheckScriptReadsHealth() async throws {
        let script = TestCluster.repositoryRoot.appendingPathComponent("tools/health-check.sh").path
        try await APIHarness.with { h in
            let healthy = try await CLIAndTradeTests.run(script, [], environment: ["CATALYST_API_URL": h.url.absoluteString])
            #expect(healthy.status == 0 && healthy.out.contains("healthy"), "\(healthy.out) \(healthy.err)")
        }
        let down = try await CLIAndTradeTests.run(script, [], environment: ["CATALYST_API_URL": "http://127.0.0.1:9"])
        #expect(down.status == 3 && down.out.contains("UNREACHABLE"))
    }

    /// Run under the harness, so the audit seal projection exists as it does under `catalyst project`.
    @Test func theBackupScriptDumpsTheDatabaseAndAppliesRetention() async throws {
        try await APIHarness.with { h in
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalyst-backup-\(UUID().uuidString)")
            let old = root.appendingPathComponent("20200101T000000Z")
            try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -40 * 86_400)], ofItemAtPath: old.path)
            defer { try? FileManager.default.removeItem(at: root) }
            let run = try await CLIAndTradeTests.run(
                TestCluster.repositoryRoot.appendingPathComponent("tools/backup.sh").path, [],
                environment: [
                    "DATABASE_URL": h.db.conninfo, "CATALYST": MCPStdioTests.binary.path, "CATALYST_BACKUP_DIR": root.path,
                    "CATALYST_BACKUP_RETENTION_DAYS": "30",
                ])
            #expect(run.status == 0, "\(run.out) \(run.err)")
            // The old backup is gone, today's holds a dump (events recorded today are archived tomorrow).
            let kept = try FileManager.default.contentsOfDirectory(atPath: root.path)
            #expect(kept.count == 1 && !kept.contains("20200101T000000Z"), "\(kept)")
            let dump = root.appendingPathComponent(kept.first ?? "").appendingPathComponent("catalyst.dump")
            let size = (try FileManager.default.attributesOfItem(atPath: dump.path)[.size] as? Int) ?? 0
            #expect(size > 1000)
        }
    }
}
