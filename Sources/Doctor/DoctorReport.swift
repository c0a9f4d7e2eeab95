import Domain
import Foundation

/// The watchdog's JSON contract (`catalyst doctor check --json`). The original's contract changed
/// silently between versions and auto-fix stopped without anyone noticing; this one carries its
/// `version`, and a golden file in the tests pins every key. Bump `contractVersion` on any change.
public struct DoctorReport: Sendable, Codable, Equatable {
    public static let contractVersion = "1.0"

    public var version: String
    public var timestamp: Date
    public var durationMs: Int
    public var brokerConnected: Bool
    /// `paper`, `live`, or nil when no broker is configured.
    public var brokerMode: String?
    /// Today's newest `v_trade_pipeline_status` row (column → text value), nil when there is no cycle today.
    public var pipeline: [String: String?]?
    public var issues: [DoctorIssue]
    public var summary: Summary
    /// Set only when the check itself failed (status ERROR).
    public var error: String?

    public struct Summary: Sendable, Codable, Equatable {
        public var totalIssues: Int
        public var critical: Int
        public var warnings: Int
        public var info: Int
        public var status: WatchdogStatus

        public init(issues: [DoctorIssue]) {
            totalIssues = issues.count
            critical = issues.filter { $0.severity == .critical }.count
            warnings = issues.filter { $0.severity == .warning }.count
            info = issues.filter { $0.severity == .info }.count
            status = critical > 0 ? .critical : warnings > 0 ? .warning : .ok
        }

        enum CodingKeys: String, CodingKey {
            case critical, warnings, info, status
            case totalIssues = "total_issues"
        }
    }

    public init(
        timestamp: Date, durationMs: Int, brokerConnected: Bool, brokerMode: String?, pipeline: [String: String?]?, issues: [DoctorIssue]
    ) {
        self.version = Self.contractVersion
        self.timestamp = timestamp
        self.durationMs = durationMs
        self.brokerConnected = brokerConnected
        self.brokerMode = brokerMode
        self.pipeline = pipeline
        self.issues = issues
        self.summary = Summary(issues: issues)
    }

    /// The report of a check that could not run (exit 3).
    public static func failure(_ error: String, at: Date, durationMs: Int) -> DoctorReport {
        var r = DoctorReport(timestamp: at, durationMs: durationMs, brokerConnected: false, brokerMode: nil, pipeline: nil, issues: [])
        r.summary.status = .error
        r.error = error
        return r
    }

    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 ERROR (the original's exit codes).
    public var exitCode: Int32 {
        switch summary.status {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .error: 3
        }
    }

    enum CodingKeys: String, CodingKey {
        case version, timestamp, pipeline, issues, summary, error
        case durationMs = "duration_ms"
        case brokerConnected = "broker_connected"
        case brokerMode = "broker_mode"
    }

    /// Every key of the contract is always written, `null` when empty (no cycle today, no broker, no
    /// failure), so a consumer can read each one without checking that it exists.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(timestamp, forKey: .timestamp)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encode(brokerConnected, forKey: .brokerConnected)
        try c.encode(brokerMode, forKey: .brokerMode)
        try c.encode(pipeline, forKey: .pipeline)
        try c.encode(issues, forKey: .issues)
        try c.encode(summary, forKey: .summary)
        try c.encode(error, forKey: .error)
    }

    public func json(pretty: Bool) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        enc.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(DoctorTime.iso(date))
        }
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    public static func decode(_ json: Data) throws -> DoctorReport {
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .iso8601
        return try dec.decode(DoctorReport.self, from: json)
    }
}

/// One issue: what, how bad, the ids involved, and the fix as a named command (never SQL).
public struct DoctorIssue: Sendable, Codable, Hashable {
    public var type: String
    public var severity: Severity
    public var message: String
    /// The ids involved, by name: `order_id`, `broker_order_id`, `position_id`, `symbol`, `cycle_id`, `projection` …
    public var ids: [String: String]
    /// Type-specific figures (db/broker status or quantity, minutes pending, difference %), as text.
    public var details: [String: String]
    public var proposedFix: ProposedFix?

    public init(type: IssueType, severity: Severity, message: String, ids: [String: String] = [:], details: [String: String] = [:], fix: ProposedFix? = nil) {
        self.type = type.rawValue
        self.severity = severity
        self.message = message
        self.ids = ids
        self.details = details
        self.proposedFix = fix
    }

    enum CodingKeys: String, CodingKey {
        case type, severity, message, ids, details
        case proposedFix = "proposed_fix"
    }

    // Severities are upper-case on the wire (CRITICAL, WARNING, INFO), as the original's readers expect.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        let raw = try c.decode(String.self, forKey: .severity)
        guard let s = Severity(rawValue: raw.lowercased()) else {
            throw DecodingError.dataCorruptedError(forKey: .severity, in: c, debugDescription: "unknown severity \(raw)")
        }
        severity = s
        message = try c.decode(String.self, forKey: .message)
        ids = try c.decode([String: String].self, forKey: .ids)
        details = try c.decodeIfPresent([String: String].self, forKey: .details) ?? [:]
        proposedFix = try c.decodeIfPresent(ProposedFix.self, forKey: .proposedFix)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(severity.rawValue.uppercased(), forKey: .severity)
        try c.encode(message, forKey: .message)
        try c.encode(ids, forKey: .ids)
        try c.encode(details, forKey: .details)
        try c.encode(proposedFix, forKey: .proposedFix)
    }

    /// The form recorded in `doctor.watchdog_ran`.
    public var watchdogIssue: WatchdogIssue {
        WatchdogIssue(
            type: type, severity: severity, message: message, ids: ids.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
            proposedFix: proposedFix?.description)
    }
}

/// A fix as a named command and its target (e.g. `cancel_order` on `ord-…`).
public struct ProposedFix: Sendable, Codable, Hashable, CustomStringConvertible {
    public var command: FixCommand
    public var target: String

    public init(_ command: FixCommand, _ target: String) {
        self.command = command
        self.target = target
    }

    public var description: String { "\(command.rawValue) \(target)" }
}

/// The commands Doctor may propose. Whether one may run unattended is the rules file's decision.
public enum FixCommand: String, Sendable, Codable, CaseIterable {
    /// Apply the broker's status to our order (through status sync).
    case syncOrderStatus = "sync_order_status"
    /// The broker does not know the order: record it expired, with that evidence.
    case markOrderExpired = "mark_order_expired"
    /// Request cancellation of an order that stays open (a request, confirmed by the broker).
    case cancelOrder = "cancel_order"
    /// The broker holds nothing: record our position closed externally, with the broker's evidence.
    case recordPositionClosedExternally = "record_position_closed_externally"
    /// Set our quantity to the broker's (a reconciliation adjustment). Money: escalated by default.
    case adjustPositionQuantity = "adjust_position_quantity"
    /// Run a reconciliation with the broker.
    case reconcile
    /// Rebuild a projection.
    case rebuildProjection = "rebuild_projection"
}

/// The issue taxonomy (original names, plus the checks the ledger makes possible).
public enum IssueType: String, Sendable, Codable, CaseIterable {
    case stuckOrder = "STUCK_ORDER"
    case orderStatusMismatch = "ORDER_STATUS_MISMATCH"
    case orderNotFound = "ORDER_NOT_FOUND"
    case phantomPosition = "PHANTOM_POSITION"
    case orphanPosition = "ORPHAN_POSITION"
    case qtyMismatch = "QTY_MISMATCH"
    case unlinkedOrder = "UNLINKED_ORDER"
    case cycleStale = "CYCLE_STALE"
    case stalePositionData = "STALE_POSITION_DATA"
    case brokerConnectionError = "BROKER_CONNECTION_ERROR"
    case brokerAPIError = "BROKER_API_ERROR"
    case reconciliationSkipped = "RECONCILIATION_SKIPPED"
    case projectionLag = "PROJECTION_LAG"
    case projectionFailed = "PROJECTION_FAILED"
    case missedCycle = "MISSED_CYCLE"
    case tradingHalted = "TRADING_HALTED"
    case commandsRejected = "COMMANDS_REJECTED"
    case auditChainBroken = "AUDIT_CHAIN_BROKEN"
    /// Stored transaction ids are not below the cluster's: readers stop short (a logical dump restored by hand).
    case readerHorizonStalled = "READER_HORIZON_STALLED"
    /// Replication is set up (several hosts, or standbys) but no standby is synchronous.
    case writesUnprotected = "WRITES_UNPROTECTED"
    case dailyLossWarning = "DAILY_LOSS_WARNING"
}

enum DoctorTime {
    /// ISO 8601 in UTC with milliseconds.
    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
