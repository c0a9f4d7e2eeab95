import Foundation
import PostgresClient

/// What the server the log lives on says about its replication, in one query: whether it is a primary,
/// its standbys (as `pg_stat_replication` shows them) and which of them are synchronous. A commit is
/// acknowledged only once a synchronous standby has it, which is what "no acknowledged write is lost in
/// a failover" rests on (docs/high-availability.md).
public struct ReplicationReading: Sendable, Equatable, Encodable {
    public struct Standby: Sendable, Equatable, Codable {
        public var name: String
        /// `streaming`, `catchup`, `startup`, …
        public var state: String
        /// `sync`, `quorum`, `potential` or `async`.
        public var syncState: String
        /// WAL the standby has not replayed yet, in bytes (nil when this role may not see it).
        public var replayLagBytes: Int64?

        enum CodingKeys: String, CodingKey {
            case name, state
            case syncState = "sync_state"
            case replayLagBytes = "replay_lag_bytes"
        }

        /// A standby whose name (`application_name`, from its `cluster_name`) starts with `read_replica` is
        /// declared a read replica (`catalyst db standby` names its standby so): it serves readers and is not a
        /// failover target, so its being asynchronous puts no acknowledged write at risk.
        public var isReadReplica: Bool { name.hasPrefix("read_replica") }

        public init(name: String, state: String, syncState: String, replayLagBytes: Int64?) {
            self.name = name
            self.state = state
            self.syncState = syncState
            self.replayLagBytes = replayLagBytes
        }
    }

    /// False on a hot standby.
    public var isPrimary: Bool
    public var standbys: [Standby]
    /// The connection string names several hosts: the deployment means to survive a failover.
    public var multiHost: Bool

    /// A standby acknowledges every commit before the client hears of it.
    public var synchronous: Bool { standbys.contains { ($0.syncState == "sync" || $0.syncState == "quorum") && $0.state == "streaming" } }

    /// The deployment is meant to fail over (several hosts, or standbys attached that are not declared read
    /// replicas) but commits are not waiting for any standby: a failover now could lose acknowledged writes.
    /// Not claimed when this role may not see the standbys' sync state (`pg_stat_replication` hides it from
    /// unprivileged roles).
    public var writesUnprotected: Bool {
        isPrimary && (multiHost || standbys.contains { !$0.isReadReplica }) && standbys.allSatisfy { !$0.syncState.isEmpty } && !synchronous
    }

    enum CodingKeys: String, CodingKey {
        case isPrimary = "is_primary"
        case standbys, multiHost = "multi_host", synchronous
        case writesUnprotected = "writes_unprotected"
    }

    public init(isPrimary: Bool, standbys: [Standby], multiHost: Bool) {
        self.isPrimary = isPrimary
        self.standbys = standbys
        self.multiHost = multiHost
    }

    /// Encoded for `/health`, with the two judgements beside the facts they are drawn from.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(isPrimary, forKey: .isPrimary)
        try c.encode(standbys, forKey: .standbys)
        try c.encode(multiHost, forKey: .multiHost)
        try c.encode(synchronous, forKey: .synchronous)
        try c.encode(writesUnprotected, forKey: .writesUnprotected)
    }

    /// Reads it on `c` (whose connection string tells whether several hosts were named).
    public static func read(on c: PGConnection) throws -> ReplicationReading {
        let r = try c.query(
            """
            SELECT NOT pg_is_in_recovery(),
                   coalesce((SELECT json_agg(json_build_object(
                                 'name', application_name, 'state', coalesce(state, ''), 'sync_state', coalesce(sync_state, ''),
                                 'replay_lag_bytes', CASE WHEN pg_is_in_recovery() THEN NULL
                                                          ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint END)
                                 ORDER BY application_name)
                             FROM pg_stat_replication), '[]')::text
            """)
        let standbys = try JSONDecoder().decode([Standby].self, from: Data((r.string(0, 1) ?? "[]").utf8))
        return ReplicationReading(isPrimary: r.bool(0, 0) ?? true, standbys: standbys, multiHost: c.hostCount > 1)
    }

    /// One line for people: the role and each standby.
    public var summary: String {
        let role = isPrimary ? "primary" : "standby"
        if standbys.isEmpty { return "\(role), no standby attached" }
        return "\(role), standbys: " + standbys.map { "\($0.name) \($0.syncState) \($0.state)" + ($0.replayLagBytes.map { ", \($0) bytes behind" } ?? "") }
            .joined(separator: "; ")
    }
}
