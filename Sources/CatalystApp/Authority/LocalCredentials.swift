import Application
import Domain
import EmbeddedPostgres
import Foundation

/// The zero-configuration credentials: when the ledger has no principal yet, the first `catalyst serve`
/// (or `principals`, `whoami`, `doctor`) adds the owner (a human: admin, operator, risk officer), Doctor Claude's agent
/// and cron, and write their keys to `<state folder>/credentials/{owner,agent,cron}.key` (folder 0700,
/// files 0600). The local CLI reads `owner.key`; `catalyst mcp` and Doctor read `agent.key` (never the
/// owner's, so an MCP client cannot lift a halt or skip an approval even with zero configuration); the
/// crontab's lines read `cron.key`. `CATALYST_API_KEY` overrides the file for any of them.
public enum LocalCredentials {
    public enum Role: String, Sendable {
        case owner = "owner.key"
        case agent = "agent.key"
        case cron = "cron.key"
    }

    public static func folder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        EmbeddedCluster.defaultHome(environment: environment).appendingPathComponent("credentials")
    }

    /// Adds the local principals when the ledger has none, and writes their keys. Returns the files written.
    @discardableResult
    public static func bootstrap(log: EventLog, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> [URL] {
        let service = PrincipalService(log: log, directory: PrincipalDirectory(log: log))
        let owner = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "owner"
        let issued = try await service.bootstrapLocal(ownerName: owner)
        guard !issued.isEmpty else { return [] }
        let dir = folder(environment: environment)
        let fm = FileManager.default
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        var written: [URL] = []
        for (file, credential) in issued.sorted(by: { $0.key < $1.key }) { written.append(try write(credential, file: file, environment: environment)) }
        return written
    }

    /// Writes a key file (folder 0700, file 0600), replacing an older one.
    @discardableResult
    public static func write(_ credential: Credential, file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let fm = FileManager.default
        let dir = folder(environment: environment)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
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
    public static func reissueMissing(log: EventLog, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> [URL] {
        let directory = PrincipalDirectory(log: log, cacheFor: .zero)
        let service = PrincipalService(log: log, directory: directory)
        let owner = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "owner"
        if try await directory.all().isEmpty { return try await bootstrap(log: log, environment: environment) }
        var written: [URL] = []
        for (file, id, _, _, _) in PrincipalService.local(ownerName: owner) {
            let url = folder(environment: environment).appendingPathComponent(file)
            guard !FileManager.default.fileExists(atPath: url.path) else { continue }
            let state = try await directory.state(id)
            guard state.exists, state.revokedAt == nil else { continue }
            let issued = try await service.rotate(id: id, grace: 0, by: Actor(.system, name: "restore"))
            written.append(try write(issued.credential, file: file, environment: environment))
        }
        return written
    }

    /// The token a local front end uses: `CATALYST_API_KEY`, else the role's file; nil when neither exists.
    public static func token(_ role: Role, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let key = environment["CATALYST_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty { return key }
        let url = folder(environment: environment).appendingPathComponent(role.rawValue)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
