import Domain
import EventStore
import Foundation
import PostgresClient
import Projections

/// Reads a snapshot's ledger side from the projected views (the same views Doctor Claude's read-only
/// role sees, through `WatchdogQuery`) plus projection status and the audit chain. The clock is an input, never read here.
public struct SnapshotReader: Sendable {
    /// Projections whose lag and failures are checked.
    public var projectionNames: [String]
    /// Recompute the audit chain (costs a pass over the sealed log; off for a quick check).
    public var verifyAudit: Bool
    /// Carried from pass to pass by `doctor watch`: only what was sealed since is verified, and the whole
    /// chain once in a while (`AuditProgress`). Nil: the whole chain every time.
    public var auditProgress: AuditProgress?

    public init(projectionNames: [String], verifyAudit: Bool = true, auditProgress: AuditProgress? = nil) {
        self.projectionNames = projectionNames
        self.verifyAudit = verifyAudit
        self.auditProgress = auditProgress
    }

    public func read(into s: inout DoctorSnapshot, on c: PGConnection) throws {
        let today = NYDate(s.now).description
        let now = PGTimestamp.format(s.now)
        // A view that does not exist yet belongs to a projection never built: its part of the snapshot
        // stays empty, and the projection check reports it (rather than the whole check failing).
        func has(_ view: String) throws -> Bool { try WatchdogQuery.viewExists(view).result(on: c).bool(0, 0) == true }
        if try has("v_trade_pipeline_status") {
            s.pipeline = try pipeline(today, c)
            s.cycles = try cycles(today, c)
        }
        if try has("v_orders"), try has("v_positions") { s.orders = try orders(now, c) }
        if try has("v_positions_current") { s.positions = try positions(c) }
        if try has("v_risk_state") { s.risk = try risk(today, c) }
        if try has("v_risk_denials") { s.rejectionsLastHour = try rejections(now, c) }
        s.transactionIDs = try TransactionIDCheck().read(on: c)
        s.replication = try? ReplicationReading.read(on: c)
        let statuses = try ProjectionStatusReport.load(names: projectionNames, on: c)
        s.projections = statuses.map {
            DoctorSnapshot.ProjectionRow(name: $0.name, state: $0.state, lagEvents: $0.lagEvents, lagSeconds: $0.lagSeconds, error: $0.error)
        }
        // Before the audit_seal projection has run there is no chain to verify yet.
        if verifyAudit, s.transactionIDs?.holds != false, try has("audit_chain") {
            let (from, full) = auditProgress?.start(now: s.now) ?? (nil, true)
            switch try AuditVerifier().verify(from: from, on: c) {
            case .ok(let head, _, _):
                s.audit = .ok
                auditProgress?.verified(head, full: full, at: s.now)
            case .broken(let seq, let position, let stream, let reason):
                s.audit = .broken(seq: seq, globalPosition: position, reason: "\(stream): \(reason)")
                auditProgress?.reset()
            case .unsealedInsideRange:
                s.audit = .notChecked  // no sealed event changed; READER_HORIZON_STALLED names the cause
                auditProgress?.reset()
            }
        }
    }

    func pipeline(_ today: String, _ c: PGConnection) throws -> [String: String?]? {
        let r = try WatchdogQuery.latestPipeline(on: today).result(on: c)
        guard r.rowCount > 0 else { return nil }
        var row: [String: String?] = [:]
        for i in 0..<r.columnCount { row[r.columnName(i)] = r.string(0, i) }
        return row
    }

    /// Open orders, and opening orders of the last day that filled (for UNLINKED_ORDER).
    func orders(_ now: String, _ c: PGConnection) throws -> [DoctorSnapshot.OrderRow] {
        let r = try WatchdogQuery.orders(now: now).result(on: c)
        return (0..<r.rowCount).map { i in
            DoctorSnapshot.OrderRow(
                orderID: r.string(i, 0)!, symbol: r.string(i, 1)!, side: r.string(i, 2)!, purpose: r.string(i, 3)!, status: r.string(i, 4)!,
                brokerOrderID: r.string(i, 5), quantity: r.decimal(i, 6) ?? 0, filledQuantity: r.decimal(i, 7) ?? 0, requestedAt: r.date(i, 8)!,
                submittedAt: r.date(i, 9), isTerminal: r.bool(i, 10) ?? false, legRole: r.string(i, 11), positionID: r.string(i, 12),
                cycleID: r.string(i, 13), linked: r.bool(i, 14) ?? false)
        }
    }

    func positions(_ c: PGConnection) throws -> [DoctorSnapshot.PositionRow] {
        let r = try WatchdogQuery.openPositions().result(on: c)
        return (0..<r.rowCount).map { i in
            let q = r.decimal(i, 3) ?? 0
            return DoctorSnapshot.PositionRow(
                positionID: r.string(i, 0)!, symbol: r.string(i, 1)!, quantity: r.string(i, 2) == "short" ? -q : q, lastMarkAt: r.date(i, 4),
                updatedAt: r.date(i, 5)!)
        }
    }

    func cycles(_ today: String, _ c: PGConnection) throws -> [DoctorSnapshot.CycleRow] {
        let r = try WatchdogQuery.cycles(on: today).result(on: c)
        return (0..<r.rowCount).map { i in
            DoctorSnapshot.CycleRow(cycleID: r.string(i, 0)!, status: r.string(i, 1)!, startedAt: r.date(i, 2)!, lastActivity: r.date(i, 3))
        }
    }

    func risk(_ today: String, _ c: PGConnection) throws -> DoctorSnapshot.RiskRow? {
        let r = try WatchdogQuery.risk(on: today).result(on: c)
        guard r.rowCount > 0 else { return nil }
        return DoctorSnapshot.RiskRow(
            halted: r.bool(0, 0) ?? false, haltReason: r.string(0, 1), haltedBy: r.string(0, 2), dailyPnL: r.decimal(0, 3) ?? 0,
            maxDailyLoss: r.decimal(0, 4), warningFraction: r.decimal(0, 5))
    }

    func rejections(_ now: String, _ c: PGConnection) throws -> [String: Int] {
        let r = try WatchdogQuery.denialReasons(now: now).result(on: c)
        var out: [String: Int] = [:]
        for i in 0..<r.rowCount { out[r.string(i, 0)!] = r.int(i, 1) ?? 0 }
        return out
    }
}
