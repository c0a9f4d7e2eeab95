import Application
import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation

/// `catalyst principals …` and `catalyst whoami`: who may act on the ledger. Changes are events on the
/// principal's stream, made with an admin's key (`CATALYST_API_KEY`, else the local owner's).
struct PrincipalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "principals", abstract: "Add, list, show, change, rotate and revoke principals (people, services, agents).",
        discussion: """
            Roles: cron (service), agent (Doctor Claude, MCP), operator, risk_officer, admin (humans only), auditor. \
            A new or rotated key is printed once; the ledger keeps only its SHA-256. Changes need an admin's key \
            (CATALYST_API_KEY, else .catalyst/credentials/owner.key) and are recorded as that admin.
            """,
        subcommands: [Add.self, List.self, Show.self, Change.self, Rotate.self, Revoke.self])

    /// The log and the admin making the change.
    struct Admin {
        let log: EventLog
        let service: PrincipalService
        let principal: AuthenticatedPrincipal

        static func connect(action: String, configuration: CatalystConfiguration) async throws -> Admin {
            let log = try await PrincipalsCommand.log(configuration)
            let directory = PrincipalDirectory(log: log, cacheFor: .zero)
            try await PrincipalsCommand.bootstrapIfNone(log, configuration.credentials)
            let principal = try await directory.authenticate(try PrincipalsCommand.configuredToken(configuration.credentials))
            try await AuthorityGate(log: log, directory: directory).authorize(principal, .managePrincipals, action: action)
            return Admin(log: log, service: PrincipalService(log: log, directory: directory), principal: principal)
        }
    }

    static func log(_ configuration: CatalystConfiguration) async throws -> EventLog {
        let target = try await configuration.migratedDatabase()
        return EventLog(store: target.store(connections: 1))
    }

    /// Zero configuration: a ledger with no principal gets the local ones (and their key files) at first use.
    static func bootstrapIfNone(_ log: EventLog, _ credentials: LocalCredentials) async throws {
        for file in try await credentials.bootstrap(log: log) { Terminal.note("no principals yet: wrote the local key \(file.path) (mode 0600)") }
    }

    static func configuredToken(_ credentials: LocalCredentials) throws -> String {
        guard let token = credentials.token(.owner) else {
            throw CatalystError.setup("no credential: set CATALYST_API_KEY, or put an admin's key in \(credentials.folder.appendingPathComponent("owner.key").path)")
        }
        return token
    }

    static func id(_ text: String) throws -> PrincipalID {
        guard let id = PrincipalID(validating: text) else {
            throw CatalystError.invalidInput(field: "id", reason: "1–40 of a-z, 0-9 and -, not starting with -: \(text)")
        }
        return id
    }

    static func roles(_ text: [String]) throws -> Set<Role> {
        var out: Set<Role> = []
        for part in text.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let role = Role(rawValue: part) else {
                throw CatalystError.invalidInput(field: "role", reason: "unknown role \(part) (one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            out.insert(role)
        }
        return out
    }

    static func describe(_ s: Principal.State, now: Date = Date()) -> String {
        let status = s.revokedAt != nil ? "revoked" : (s.isActive(at: now) ? "active" : "no valid key")
        let keys = s.keys.map { k in "\(k.keyID)" + (k.validUntil.map { $0 > now ? " (until \(ISO8601DateFormatter().string(from: $0)))" : " (ended)" } ?? "") }
        return "\(s.id?.rawValue ?? "?")\t\(s.kind.rawValue)\t\(s.roles.sorted().map(\.rawValue).joined(separator: ","))\t\(status)\t\(s.name)\tkeys: \(keys.joined(separator: " "))"
    }

    static func printIssued(_ issued: PrincipalService.Issued, what: String) {
        print("\(what) \(describe(issued.state))")
        print("key (shown once; store it now, the ledger keeps only its SHA-256):")
        print(issued.credential.token)
    }

    struct Add: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Add a principal and print its first key (once).")
        @Argument(help: "Id: 1–40 of a-z, 0-9 and -.") var id: String
        @Option(help: "Display name.") var name: String
        @Option(help: "human, service or agent.") var kind: String
        @Option(name: .customLong("role"), help: "A role (repeat, or comma-separated).") var role: [String]

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard let kind = PrincipalKind(rawValue: kind) else { throw CatalystError.invalidInput(field: "kind", reason: "human, service or agent") }
            let (id, roles) = (try PrincipalsCommand.id(id), try PrincipalsCommand.roles(role))
            let admin = try await Admin.connect(action: "principals add \(id)", configuration: configuration)
            printIssued(try await admin.service.add(id: id, name: name, kind: kind, roles: roles, by: admin.principal.actor), what: "added")
        }
    }

    struct List: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "List every principal: id, kind, roles, status, name, key ids.")
        func execute(_ configuration: CatalystConfiguration) async throws {
            let log = try await PrincipalsCommand.log(configuration)
            for s in try await PrincipalDirectory(log: log).all() { print(PrincipalsCommand.describe(s)) }
        }
    }

    struct Show: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "One principal, with its capabilities and refused attempts.")
        @Argument var id: String
        func execute(_ configuration: CatalystConfiguration) async throws {
            let id = try PrincipalsCommand.id(id)
            let s = try await PrincipalDirectory(log: try await PrincipalsCommand.log(configuration)).state(id)
            guard s.exists else { throw CatalystError.invalidInput(field: "id", reason: "no principal \(id)") }
            print(PrincipalsCommand.describe(s))
            print("capabilities: \(s.capabilities.sorted().map(\.rawValue).joined(separator: ", "))")
            print("refused attempts: \(s.deniedAttempts)")
        }
    }

    struct Change: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Change a principal's name and/or roles (the roles given replace its roles).")
        @Argument var id: String
        @Option(help: "New display name.") var name: String?
        @Option(name: .customLong("role"), help: "The new roles (repeat, or comma-separated).") var role: [String] = []
        func execute(_ configuration: CatalystConfiguration) async throws {
            let id = try PrincipalsCommand.id(id)
            let roles = role.isEmpty ? nil : try PrincipalsCommand.roles(role)
            let admin = try await Admin.connect(action: "principals change \(id)", configuration: configuration)
            print("changed \(PrincipalsCommand.describe(try await admin.service.change(id: id, name: name, roles: roles, by: admin.principal.actor)))")
        }
    }

    struct Rotate: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Give a principal a new key; its current keys stay valid for --grace seconds.")
        @Argument var id: String
        @Option(help: "Seconds the current keys stay valid (0 = end now; at most 30 days).") var grace: Int = 3600
        func execute(_ configuration: CatalystConfiguration) async throws {
            let id = try PrincipalsCommand.id(id)
            let admin = try await Admin.connect(action: "principals rotate \(id)", configuration: configuration)
            printIssued(try await admin.service.rotate(id: id, grace: TimeInterval(grace), by: admin.principal.actor), what: "rotated")
        }
    }

    struct Revoke: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a principal: every key ends now, in every running process within a second.")
        @Argument var id: String
        @Option(help: "Why (recorded).") var reason: String
        func execute(_ configuration: CatalystConfiguration) async throws {
            let id = try PrincipalsCommand.id(id)
            let admin = try await Admin.connect(action: "principals revoke \(id)", configuration: configuration)
            print("revoked \(PrincipalsCommand.describe(try await admin.service.revoke(id: id, reason: reason, by: admin.principal.actor)))")
        }
    }
}

struct WhoAmI: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Which principal the configured key is (CATALYST_API_KEY, else the local owner's), and what it may do.")
    @Option(help: "Which local key to check when CATALYST_API_KEY is unset: owner, agent or cron.") var local = "owner"

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard let role = LocalCredentials.Role(rawValue: local + ".key") else {
            throw CatalystError.invalidInput(field: "local", reason: "owner, agent or cron")
        }
        let log = try await PrincipalsCommand.log(configuration)
        let credentials = configuration.credentials
        try await PrincipalsCommand.bootstrapIfNone(log, credentials)
        guard let token = credentials.token(role) else {
            throw CatalystError.setup("no credential: set CATALYST_API_KEY, or put the key in \(credentials.folder.appendingPathComponent(role.rawValue).path)")
        }
        let p = try await PrincipalDirectory(log: log).authenticate(token)
        print("\(p.id.rawValue) (\(p.kind.rawValue)) \(p.name)")
        print("roles: \(p.roles.sorted().map(\.rawValue).joined(separator: ", "))")
        print("capabilities: \(p.capabilities.sorted().map(\.rawValue).joined(separator: ", "))")
        print("key: \(p.keyID)")
    }
}
