import CatalystTestKit
import Foundation
import Subprocess
import SystemPackage

/// A real `catalyst project --only NAME` process (the debug build), started with swift-subprocess,
/// which the test can SIGKILL at any moment.
struct ProjectorProcess: Sendable {
    let pid: Int32
    private let signals: AsyncStream<Signal>.Continuation
    private let exit: Task<TerminationStatus, any Error>

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CATALYST_BIN"] { return URL(fileURLWithPath: path) }
        return TestCluster.repositoryRoot.appendingPathComponent(".build/debug/catalyst")
    }

    static func start(_ projection: String, db: TestDatabase) async throws -> ProjectorProcess {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestFailure("\(binary.path) is missing: run `swift build` first (or set CATALYST_BIN)")
        }
        let (pids, pidOut) = AsyncStream<Int32>.makeStream()
        let (signals, signalIn) = AsyncStream<Signal>.makeStream()
        let environment: Environment = .inherit.updating([
            "DATABASE_URL": db.conninfo, "CATALYST_SHARE": TestCluster.repositoryRoot.path, "CATALYST_LOG_LEVEL": "error",
        ])
        let exit = Task {
            try await Subprocess.run(
                .path(FilePath(binary.path)), arguments: ["project", "--only", projection], environment: environment, input: .none,
                output: .discarded, error: .discarded
            ) { execution in
                pidOut.yield(execution.processIdentifier.value)
                pidOut.finish()
                for await signal in signals { try? execution.send(signal: signal) }
            }.terminationStatus
        }
        var it = pids.makeAsyncIterator()
        guard let pid = await it.next() else {
            _ = try await exit.value
            throw TestFailure("catalyst project did not start")
        }
        return ProjectorProcess(pid: pid, signals: signalIn, exit: exit)
    }

    /// SIGKILL: no shutdown handler runs; the open transaction (if any) dies with the connection.
    @discardableResult
    func kill() async throws -> TerminationStatus { try await stop(.kill) }

    /// SIGTERM: graceful, after the current batch.
    @discardableResult
    func terminate() async throws -> TerminationStatus { try await stop(.terminate) }

    private func stop(_ signal: Signal) async throws -> TerminationStatus {
        signals.yield(signal)
        signals.finish()
        return try await exit.value
    }
}
