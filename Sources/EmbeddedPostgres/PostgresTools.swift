import Foundation
import Subprocess
import SystemPackage

/// Locates and runs the PostgreSQL server programs (`initdb`, `pg_ctl`).
///
/// `initdb` refuses to run as root, so when we are root the tools run as the `postgres` system user via
/// `runuser`. They are started with swift-subprocess: `Foundation.Process.waitUntilExit()` was measured to
/// hang forever after `pg_ctl start` on this platform.
public struct PostgresTools: Sendable {
    public let binDirectory: URL
    public let runAsUser: String?

    public enum ToolError: Error, CustomStringConvertible {
        case notInstalled(String)
        case failed(tool: String, status: String, output: String)

        public var description: String {
            switch self {
            case .notInstalled(let what): "PostgreSQL server programs not found (\(what)); run `make deps` or install the postgresql package"
            case .failed(let tool, let status, let output):
                "\(tool) failed (\(status)): \(output.split(separator: "\n").suffix(3).joined(separator: " | "))"
            }
        }
    }

    /// `bin` when given (the `pg.bin` setting, `PG_BIN`), else the newest `/usr/lib/postgresql/<version>/bin`.
    public static func locate(bin explicit: URL? = nil) throws -> PostgresTools {
        let fm = FileManager.default
        var bin: URL? = explicit
        if bin == nil, let versions = try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            let newest = versions.compactMap { Int($0) }.max()
            bin = newest.map { URL(fileURLWithPath: "/usr/lib/postgresql/\($0)/bin") }
        }
        guard let bin, fm.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) else {
            throw ToolError.notInstalled("looked for initdb under /usr/lib/postgresql/*/bin and $PG_BIN")
        }
        let root = geteuid() == 0
        return PostgresTools(binDirectory: bin, runAsUser: root ? "postgres" : nil)
    }

    public struct Outcome: Sendable {
        public var exitCode: Int32
        public var output: String
    }

    /// Runs `tool` with `arguments`, returning its exit code and combined output. Server tools run as the
    /// server's user; `asClient` runs a client tool (`pg_restore`) as ourselves, so it can read our files.
    public func run(_ tool: String, _ arguments: [String], asClient: Bool = false) async throws -> Outcome {
        try await run(program: binDirectory.appendingPathComponent(tool).path, arguments, asClient: asClient)
    }

    /// Runs the program at `toolPath` (any path, e.g. `/bin/sh`), as the server's user unless `asClient`.
    public func run(program toolPath: String, _ arguments: [String], asClient: Bool = false) async throws -> Outcome {
        let executable: Executable
        let args: [String]
        if let user = runAsUser, !asClient {
            executable = .path(FilePath("/usr/sbin/runuser"))
            args = ["-u", user, "--", toolPath] + arguments
        } else {
            executable = .path(FilePath(toolPath))
            args = arguments
        }
        let result = try await Subprocess.run(
            executable, arguments: Arguments(args), environment: .inherit.updating(["LC_ALL": "C.UTF-8"]),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        let code: Int32
        switch result.terminationStatus {
        case .exited(let c): code = c
        case .signaled(let s): code = 128 + s
        }
        return Outcome(exitCode: code, output: result.standardOutput + result.standardError)
    }

    /// Runs `tool` and throws unless it exits 0.
    @discardableResult
    public func runChecked(_ tool: String, _ arguments: [String], asClient: Bool = false) async throws -> String {
        let o = try await run(tool, arguments, asClient: asClient)
        guard o.exitCode == 0 else { throw ToolError.failed(tool: tool, status: "exit \(o.exitCode)", output: o.output) }
        return o.output
    }

    /// Gives the server's user ownership of a directory it must write to.
    public func prepareOwnership(of directory: URL) throws {
        guard let user = runAsUser else { return }
        guard let pw = getpwnam(user) else { throw ToolError.notInstalled("system user \(user) does not exist") }
        let uid = pw.pointee.pw_uid
        let gid = pw.pointee.pw_gid
        guard chown(directory.path, uid, gid) == 0 else {
            throw ToolError.failed(tool: "chown", status: "errno \(errno)", output: directory.path)
        }
    }
}
