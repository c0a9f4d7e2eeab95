import Domain
import Foundation

/// Adding, changing, rotating and revoking principals: each is a command on the principal's stream,
/// decided by `Principal.decide` (which never lets an agent or a service hold a human role). A new key
/// is returned once, as a token; the ledger keeps only its digest.
public struct PrincipalService: Sendable {
    let log: EventLog
    let directory: PrincipalDirectory

    public init(log: EventLog, directory: PrincipalDirectory) {
        self.log = log
        self.directory = directory
    }

    public struct Issued: Sendable {
        public var state: Principal.State
        /// The new key's token: show it once, store it nowhere in the ledger.
        public var credential: Credential
    }

    func context(_ actor: Actor) -> CommandContext {
        CommandContext(actor: actor, commandID: UUID(), correlationID: UUID(), now: directory.now())
    }

    func run(_ id: PrincipalID, by actor: Actor, _ command: @escaping @Sendable (Date) -> Principal.Command) async throws -> Principal.State {
        let context = context(actor)
        defer { directory.invalidate(id) }
        do {
            return try await DeciderRunner(log: log).run(Principal.self, Principal.stream(id), context: context) { _ in command(context.now) }.state
        } catch let refusal as any CommandRefusal { throw refusal.asApplicationError }
    }

    public func add(id: PrincipalID, name: String, kind: PrincipalKind, roles: Set<Role>, by actor: Actor) async throws -> Issued {
        let credential = Credential.generate(for: id)
        let state = try await run(id, by: actor) { at in .add(id: id, name: name, kind: kind, roles: roles, key: credential.key(createdAt: at), at: at) }
        guard state.keys.contains(where: { $0.keyID == credential.keyID }) else {
            throw ApplicationError.refused(code: "already_exists", message: "principal \(id) already exists")
        }
        return Issued(state: state, credential: credential)
    }

    public func change(id: PrincipalID, name: String?, roles: Set<Role>?, by actor: Actor) async throws -> Principal.State {
        try await run(id, by: actor) { at in .change(name: name, roles: roles, at: at) }
    }

    /// A new key; the keys valid now stay valid for `grace` seconds more.
    public func rotate(id: PrincipalID, grace: TimeInterval, by actor: Actor) async throws -> Issued {
        let credential = Credential.generate(for: id)
        let state = try await run(id, by: actor) { at in .rotate(newKey: credential.key(createdAt: at), grace: grace, at: at) }
        return Issued(state: state, credential: credential)
    }

    public func revoke(id: PrincipalID, reason: String, by actor: Actor) async throws -> Principal.State {
        try await run(id, by: actor) { at in .revoke(reason: reason, at: at) }
    }

    /// The local installation's principals, made once when the ledger has none: the owner (a human with
    /// admin, operator and risk officer), Doctor Claude's agent (for `catalyst mcp` and Doctor's fixes)
    /// and cron (a service). Returns their credentials, or nothing when any principal exists already.
    public func bootstrapLocal(ownerName: String) async throws -> [String: Credential] {
        guard try await directory.all().isEmpty else { return [:] }
        let actor = Actor(.system, name: "bootstrap")
        var out: [String: Credential] = [:]
        for (file, id, name, kind, roles) in Self.local(ownerName: ownerName) {
            out[file] = try await add(id: id, name: name, kind: kind, roles: roles, by: actor).credential
        }
        return out
    }

    /// File name (under the state folder's `credentials/`), id, name, kind and roles of the local principals.
    public static func local(ownerName: String) -> [(String, PrincipalID, String, PrincipalKind, Set<Role>)] {
        [
            ("owner.key", "owner", ownerName, .human, [.admin, .operator, .riskOfficer]),
            ("agent.key", "claude", "Doctor Claude (MCP)", .agent, [.agent]),
            ("cron.key", "cron", "cron", .service, [.cron]),
        ]
    }
}
