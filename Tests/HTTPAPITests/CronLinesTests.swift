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
            var ids: [String] = []
            for line in lines {
                let command = line.replacingOccurrences(of: "http://localhost:5006", with: h.url.absoluteString) + " --silent --show-error"
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/bash")
                process.arguments = ["-c", command]
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
}
