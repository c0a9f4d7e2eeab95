import Application
import Domain
import Foundation

/// The zero-configuration credentials: when the ledger has no principal yet, the first `catalyst serve`
/// (or `principals`, `whoami`, `doctor`) adds the owner (a human: admin, operator, risk officer), Doctor Claude's agent
/// and cron, and write their keys to `<state folder>/credentials/{owner,agent,cron}.key` (folder 0700,
/// files 0600). The local CLI reads `owner.key`; `catalyst mcp` and Doctor read `agent.key` (never the
/// owner's, so an MCP client cannot lift a halt or skip an approval even with zero configuration); the
/// crontab's lines read `cron.key`. `CATALYST_API_KEY` overrides the file for any of them.
///
/// `CatalystConfiguration.credentials` builds it: the folder is `<catalyst.home>/credentials`.
public struct LocalCredentials: Sendable {
    public enum Role: String, Sendable {
        case owner = "owner.key"
        case agent = "agent.key"
        case cron = "cron.key"
    }

    /// Where the key files are.
    public let folder: URL
    /// `CATALYST_API_KEY`: presented instead of any file.
    public let override: String?
    /// The owner principal's name at bootstrap (the local user).
    public let ownerName: String

    public init(folder: URL, override: String? = nil, ownerName: String = "owner") {
        self.folder = folder
        self.override = override.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        self.ownerName = ownerName.isEmpty ? "owner" : ownerName
    }

    /// Adds the local principals when the ledger has none, and writes their keys. Returns the files written.
    @discardableResult
    public func bootstrap(log: EventLog) async throws -> [URL] {
        let service = PrincipalService(log: log, directory: PrincipalDirectory(log: log))
        let issued = try await service.bootstrapLocal(ownerName: ownerName)
        guard !issued.isEmpty else { return [] }
        try makePrivateFolder(folder)
        var written: [URL] = []
        for (file, credential) in issued.sorted(by: { $0.key < $1.key }) { written.append(try write(credential, file: file)) }
        return written
    }

    /// The key folder, mode 0700. Only it: the state folder above keeps its ordinary mode, because the
    /// embedded cluster's server (run as `postgres` when we are root) must reach `pgdata/` inside it.
    private func makePrivateFolder(_ dir: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
    }

    /// Writes a key file (folder 0700, file 0600), replacing an older one.
    @discardableResult
    public func write(_ credential: Credential, file: String) throws -> URL {
        let fm = FileManager.default
        let dir = folder
        try makePrivateFolder(dir)
        let url = dir.appendingPathComponent(file)
        try? fm.removeItem(at: url)
        guard fm.createFile(atPath: url.path, contents: Data((credential.token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CatalystError.setup("cannot write \(url.path)")
        }
        return url
    }

    /// After a restore into a new state folder: the local principals whose key file is missing here get a
    /// new key (the old one ends at once; both recorded), so the restored ledger can be operated. Whoever
    /// runs the restore has the database itself, so this grants nothing they do not hold already.
    public func reissueMissing(log: EventLog) async throws -> [URL] {
        let directory = PrincipalDirectory(log: log, cacheFor: .zero)
        let service = PrincipalService(log: log, directory: directory)
        if try await directory.all().isEmpty { return try await bootstrap(log: log) }
        var written: [URL] = []
        for (file, id, _, _, _) in PrincipalService.local(ownerName: ownerName) {
            let url = folder.appendingPathComponent(file)
            guard !FileManager.default.fileExists(atPath: url.path) else { continue }
            let state = try await directory.state(id)
            guard state.exists, state.revokedAt == nil else { continue }
            let issued = try await service.rotate(id: id, grace: 0, by: Actor(.system, name: "restore"))
            written.append(try write(issued.credential, file: file))
        }
        return written
    }

    /// The token a local front end uses: `CATALYST_API_KEY`, else the role's file; nil when neither exists.
    public func token(_ role: Role) -> String? {
        if let override { return override }
        let url = folder.appendingPathComponent(role.rawValue)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
