/// The trading account (one Alpaca account, paper or live). Part of the position and risk stream names
/// so that limits are counted per account.
public struct AccountID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// The id of one risk decision (approved or denied). An order placed for an approval derives its own
/// id from it, so a retried placement lands on the same order stream.
public struct ApprovalID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One reconciliation run against the broker.
public struct ReconciliationRunID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One discrepancy found by a reconciliation run.
public struct DiscrepancyID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// A Doctor Claude session (`claude-YYYYMMDD`, the original's format).
public struct DoctorSessionID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One Doctor record (a watchdog run, a decision or an action).
public struct DoctorRecordID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

/// One alert, whether sent, suppressed or failed.
public struct AlertID: StringIdentifier { public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue } }

extension CycleID {
    /// The cycle id for a StartCycle idempotency key. Deterministic, so the same key always names the
    /// same cycle stream and a retried cron call cannot start a second cycle.
    public static func forIdempotencyKey(_ key: String) -> CycleID {
        CycleID(rawValue: "cyc-" + LedgerHash.sha256Hex(key).prefix(20))
    }
}

extension OrderID {
    /// The entry order placed for a risk approval. One approval → one order stream.
    public static func forApproval(_ approval: ApprovalID) -> OrderID { OrderID(rawValue: "ord-\(approval.rawValue)") }
}
