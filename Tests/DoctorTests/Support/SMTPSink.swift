import CatalystTestKit
import Foundation

/// `tools/smtp_sink.py` (aiosmtpd) on a loopback port, writing each received message to a folder.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let folder: URL
    private let process: Process
    private let stdin: Pipe

    static var available: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import aiosmtpd"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", TestCluster.repositoryRoot.appendingPathComponent("tools/smtp_sink.py").path, String(port), folder.path]
            let out = Pipe()
            let input = Pipe()
            p.standardOutput = out
            p.standardInput = input
            p.standardError = FileHandle.nullDevice
            try p.run()
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            if line.hasPrefix("READY") {
                self.port = port
                self.process = p
                self.stdin = input
                return
            }
            p.terminate()
            lastError = HarnessError("smtp sink did not start on port \(port): \(line)")
        }
        throw lastError ?? HarnessError("smtp sink did not start")
    }

    /// The messages received so far, oldest first.
    func messages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }.sorted().map {
            try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
