import Domain
import EventStore
import Foundation
import PostgresClient

/// `principals`: who may act, one row per principal (no key digests), and one row per refused attempt.
/// The fold is the domain's own `Principal.evolve`, so the view cannot disagree with what the
/// authority gate decides from the stream.
public struct PrincipalsProjection: Projection {
    public let name = "principals"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = LedgerEvents.types(of: .principal)

    static let columns = ["principal_id", "name", "kind", "roles", "keys", "added_at", "revoked_at", "revoke_reason", "denied_attempts", "last_position"]

    public init() {}

    struct KeyWindow: Codable {
        var key_id: String
        var created_at: Date
        var valid_until: Date?
    }

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var states: [String: (state: Principal.State, reason: String?, position: Int64)] = [:]
        var denied: [[String?]] = []
        let ids = Set(events.compactMap { LedgerEvents.streamID($0.streamID, category: .principal) })
        for (id, row) in try context.load(from: "principals", keyColumn: "principal_id", keys: ids) {
            states[id] = (try Self.state(row), row["revoke_reason"], Int64(row["last_position"] ?? "0") ?? 0)
        }
        for e in events {
            guard case .principal(let event) = try LedgerEvents.decode(e), let id = LedgerEvents.streamID(e.streamID, category: .principal) else { continue }
            var entry = states[id] ?? (Principal.initial, nil, 0)
            entry.state = Principal.evolve(entry.state, event)
            entry.position = e.position
            switch event {
            case .revoked(let r): entry.reason = r.reason
            case .accessDenied(let d):
                denied.append([String(e.position), id, d.capability.rawValue, d.action, SQLText.time(d.at)])
            default: break
            }
            states[id] = entry
        }
        let rows: [[String?]] = try states.sorted { $0.key < $1.key }.compactMap { id, entry in
            let s = entry.state
            guard let added = s.addedAt else { return nil }
            let keys = s.keys.map { KeyWindow(key_id: $0.keyID, created_at: $0.createdAt, valid_until: $0.validUntil) }
            return [
                id, s.name, s.kind.rawValue, SQLText.jsonArray(s.roles.sorted().map(\.rawValue)), String(decoding: try Self.encoder.encode(keys), as: UTF8.self),
                SQLText.time(added), SQLText.time(s.revokedAt), entry.reason, String(s.deniedAttempts), String(entry.position),
            ]
        }
        try context.upsert(into: "principals", columns: Self.columns, key: ["principal_id"], rows: rows)
        try context.insert(into: "access_denied", columns: ["log_position", "principal_id", "capability", "action", "at"], rows: denied)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(PGTimestamp.format(date))
        }
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = PGTimestamp.parse(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text)) }
            return date
        }
        return d
    }()

    /// A row back into the domain state (digests are not kept here, so keys carry none).
    static func state(_ row: [String: String]) throws -> Principal.State {
        var s = Principal.State()
        s.id = row["principal_id"].map(PrincipalID.init(rawValue:))
        s.name = row["name"] ?? ""
        s.kind = PrincipalKind(rawValue: row["kind"] ?? "") ?? .human
        s.roles = Set((try JSONDecoder().decode([String].self, from: Data((row["roles"] ?? "[]").utf8))).compactMap(Role.init(rawValue:)))
        s.keys = try decoder.decode([KeyWindow].self, from: Data((row["keys"] ?? "[]").utf8)).map {
            PrincipalKey(keyID: $0.key_id, digest: "", createdAt: $0.created_at, validUntil: $0.valid_until)
        }
        s.addedAt = row["added_at"].flatMap(PGTimestamp.parse)
        s.revokedAt = row["revoked_at"].flatMap(PGTimestamp.parse)
        s.deniedAttempts = Int(row["denied_attempts"] ?? "0") ?? 0
        return s
    }
}
