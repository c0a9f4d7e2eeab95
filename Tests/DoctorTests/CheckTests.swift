import Domain
import DoctorClaude
import EventStore
import Foundation
import Testing

/// The checks as pure functions: each issue type from a hand-built snapshot, with its severity and the
/// exit code of a report holding only it.
@Suite struct CheckTests {
    static let now = NYDate("2025-03-14")!.at(hour: 11, minute: 0)
    static let t = DoctorRules.Thresholds()

    static func snapshot(_ edit: (inout DoctorSnapshot) -> Void) -> DoctorSnapshot {
        var s = DoctorSnapshot(now: now)
        s.broker = .connected(.init(mode: "paper", positions: [:], orders: [:]))
        edit(&s)
        return s
    }

    static func order(_ id: String, status: String = "new", minutesAgo: Double, broker: String? = nil, purpose: String = "entry", filled: Decimal = 0, linked: Bool = true, leg: String? = nil) -> DoctorSnapshot.OrderRow {
        DoctorSnapshot.OrderRow(
            orderID: id, symbol: "AAPL", side: "buy", purpose: purpose, status: status, brokerOrderID: broker, quantity: 10, filledQuantity: filled,
            requestedAt: now.addingTimeInterval(-minutesAgo * 60), submittedAt: now.addingTimeInterval(-minutesAgo * 60),
            isTerminal: ["filled", "canceled", "expired", "rejected", "replaced"].contains(status), legRole: leg, linked: linked)
    }

    static func only(_ s: DoctorSnapshot) -> [DoctorIssue] { Watchdog.issues(s, thresholds: t) }

    static func report(_ s: DoctorSnapshot) -> DoctorReport { Watchdog.report(s, thresholds: t, durationMs: 1) }

    @Test func stuckOrderAfterFiveMinutesIsAWarning() {
        let s = Self.snapshot { $0.orders = [Self.order("ord-1", minutesAgo: 6), Self.order("ord-2", minutesAgo: 4)] }
        let issues = Self.only(s)
        #expect(issues.map(\.type) == ["STUCK_ORDER"])
        #expect(issues[0].severity == .warning)
        #expect(issues[0].ids["order_id"] == "ord-1")
        #expect(issues[0].proposedFix == ProposedFix(.cancelOrder, "ord-1"))
        #expect(Self.report(s).exitCode == 1)
    }

    @Test func restingBracketLegIsNotStuck() {
        let s = Self.snapshot { $0.orders = [Self.order("leg", status: "held", minutesAgo: 60, purpose: "stop_loss", leg: "stop_loss")] }
        #expect(Self.only(s).isEmpty)
        #expect(Self.report(s).exitCode == 0)
    }

    @Test func unlinkedFilledEntryIsCritical() {
        let s = Self.snapshot { $0.orders = [Self.order("ord-1", status: "filled", minutesAgo: 2, filled: 10, linked: false)] }
        #expect(Self.only(s).map(\.type) == ["UNLINKED_ORDER"])
        #expect(Self.only(s)[0].severity == .critical)
        #expect(Self.report(s).exitCode == 2)
    }

    @Test func positionsAgainstTheBroker() {
        let s = Self.snapshot {
            $0.positions = [
                .init(positionID: "pos-a", symbol: "AAA", quantity: 10, lastMarkAt: Self.now, updatedAt: Self.now),
                .init(positionID: "pos-b", symbol: "BBB", quantity: 100, lastMarkAt: Self.now, updatedAt: Self.now),
                .init(positionID: "pos-c", symbol: "CCC", quantity: 100, lastMarkAt: Self.now, updatedAt: Self.now),
            ]
            $0.broker = .connected(.init(mode: "paper", positions: ["BBB": 95, "CCC": 50, "DDD": 7], orders: [:]))
        }
        let issues = Self.only(s)
        let byType = Dictionary(grouping: issues, by: \.type)
        #expect(byType["PHANTOM_POSITION"]?.map { $0.ids["symbol"] } == ["AAA"])
        #expect(byType["PHANTOM_POSITION"]?.first?.severity == .critical)
        #expect(byType["ORPHAN_POSITION"]?.map { $0.ids["symbol"] } == ["DDD"])
        #expect(byType["ORPHAN_POSITION"]?.first?.proposedFix == nil)
        let qty = byType["QTY_MISMATCH"] ?? []
        // 5 % apart is a warning, 50 % apart critical (the original's 10 % line).
        #expect(qty.first { $0.ids["symbol"] == "BBB" }?.severity == .warning)
        #expect(qty.first { $0.ids["symbol"] == "CCC" }?.severity == .critical)
        #expect(qty.first { $0.ids["symbol"] == "CCC" }?.details["difference_pct"] == "50")
    }

    @Test func orderStatusAgainstTheBroker() {
        let s = Self.snapshot {
            $0.orders = [Self.order("ord-1", status: "new", minutesAgo: 1, broker: "b-1"), Self.order("ord-2", status: "new", minutesAgo: 1, broker: "b-2")]
            $0.broker = .connected(.init(mode: "paper", positions: [:], orders: ["b-1": .found(status: "filled"), "b-2": .notFound]))
        }
        let issues = Self.only(s)
        #expect(issues.map(\.type).sorted() == ["ORDER_NOT_FOUND", "ORDER_STATUS_MISMATCH"])
        #expect(issues.allSatisfy { $0.severity == .warning })
        #expect(issues.first { $0.type == "ORDER_NOT_FOUND" }?.proposedFix == ProposedFix(.markOrderExpired, "ord-2"))
        #expect(issues.first { $0.type == "ORDER_STATUS_MISMATCH" }?.details["broker_status"] == "filled")
    }

    @Test func brokerStates() {
        #expect(Self.only(Self.snapshot { $0.broker = .notConfigured }).map(\.type) == ["RECONCILIATION_SKIPPED"])
        #expect(Self.report(Self.snapshot { $0.broker = .notConfigured }).exitCode == 0)
        #expect(Self.report(Self.snapshot { $0.broker = .notConfigured }).summary.info == 1)
        let conn = Self.only(Self.snapshot { $0.broker = .connectionError(mode: "paper", message: "refused") })
        #expect(conn.map(\.type) == ["BROKER_CONNECTION_ERROR"] && conn[0].severity == .warning)
        let api = Self.only(Self.snapshot { $0.broker = .apiError(mode: "live", message: "500") })
        #expect(api.map(\.type) == ["BROKER_API_ERROR"] && api[0].severity == .critical)
    }

    @Test func staleCycleAndStalePositionData() {
        let s = Self.snapshot {
            $0.cycles = [
                .init(cycleID: "cyc-1", status: "running", startedAt: Self.now.addingTimeInterval(-3600), lastActivity: Self.now.addingTimeInterval(-31 * 60)),
                .init(cycleID: "cyc-2", status: "completed", startedAt: Self.now.addingTimeInterval(-7200), lastActivity: Self.now.addingTimeInterval(-7000)),
            ]
            $0.positions = [.init(positionID: "pos-a", symbol: "AAA", quantity: 10, lastMarkAt: Self.now.addingTimeInterval(-11 * 60), updatedAt: Self.now.addingTimeInterval(-11 * 60))]
            $0.broker = .connected(.init(mode: "paper", positions: ["AAA": 10], orders: [:]))
        }
        let issues = Self.only(s)
        #expect(issues.map(\.type) == ["CYCLE_STALE", "STALE_POSITION_DATA"])
        #expect(issues.map(\.severity) == [.warning, .info])
        #expect(issues[0].ids["cycle_id"] == "cyc-1")
    }

    @Test func missedCycleIsASlotWithNoCycle() {
        let s = Self.snapshot {
            // Slots 09:30, 10:00, 10:55 (not yet past its grace at 11:00). Only 09:30 ran.
            $0.scheduledSlots = [570, 600, 655]
            $0.cycles = [.init(cycleID: "cyc-1", status: "completed", startedAt: NYDate("2025-03-14")!.at(hour: 9, minute: 30), lastActivity: nil)]
        }
        let issues = Self.only(s)
        #expect(issues.map(\.type) == ["MISSED_CYCLE"])
        #expect(issues[0].ids["slot"] == "10:00")
    }

    @Test func ledgerChecks() {
        let s = Self.snapshot {
            $0.projections = [
                .init(name: "orders", state: "live", lagEvents: 5, lagSeconds: 0.2, error: nil),
                .init(name: "risk", state: "live", lagEvents: 5_000, lagSeconds: 3, error: nil),
                .init(name: "positions", state: "failed", lagEvents: 10, lagSeconds: 1, error: "bad event"),
                .init(name: "zz_new", state: "not built", lagEvents: 0, lagSeconds: 0, error: nil),
            ]
            $0.audit = .broken(seq: 7, globalPosition: 9, reason: "hash mismatch")
        }
        let issues = Self.only(s)
        #expect(issues.map(\.type) == ["AUDIT_CHAIN_BROKEN", "PROJECTION_FAILED", "PROJECTION_LAG", "PROJECTION_LAG"])
        #expect(issues.map(\.severity) == [.critical, .critical, .warning, .warning])
        #expect(issues.map { $0.ids["projection"] }.suffix(2).sorted { ($0 ?? "") < ($1 ?? "") } == ["risk", "zz_new"])
        #expect(issues[1].proposedFix == ProposedFix(.rebuildProjection, "positions"))
        #expect(issues[2].ids["projection"] == "risk")
    }

    /// WRITES_UNPROTECTED: only where failover is meant (several hosts, or standbys that are not declared read
    /// replicas), only when no standby is synchronous, and never on a sync state this role may not see.
    @Test func writesWithoutASynchronousStandby() {
        typealias R = ReplicationReading
        func standby(_ sync: String, _ state: String = "streaming", name: String = "node2") -> R.Standby {
            .init(name: name, state: state, syncState: sync, replayLagBytes: 0)
        }
        let cases: [(R?, Bool)] = [
            (nil, false),
            (R(isPrimary: true, standbys: [], multiHost: false), false),  // one server, as the embedded cluster
            (R(isPrimary: true, standbys: [], multiHost: true), true),  // a formation that lost its standby
            (R(isPrimary: true, standbys: [standby("async")], multiHost: false), true),
            (R(isPrimary: true, standbys: [standby("sync")], multiHost: true), false),
            (R(isPrimary: true, standbys: [standby("quorum")], multiHost: true), false),
            (R(isPrimary: true, standbys: [standby("sync", "catchup")], multiHost: true), true),
            (R(isPrimary: true, standbys: [standby("")], multiHost: true), false),  // hidden from this role
            (R(isPrimary: false, standbys: [], multiHost: true), false),  // reading a standby
            // A declared read replica (`catalyst db standby`) alone is not a failover target; beside another standby it changes nothing.
            (R(isPrimary: true, standbys: [standby("async", name: "read_replica_5433")], multiHost: false), false),
            (R(isPrimary: true, standbys: [standby("async", name: "read_replica_5433"), standby("async")], multiHost: false), true),
            (R(isPrimary: true, standbys: [standby("async", name: "read_replica_5433")], multiHost: true), true),
        ]
        for (reading, critical) in cases {
            let issues = Self.only(Self.snapshot { $0.replication = reading }).filter { $0.type == "WRITES_UNPROTECTED" }
            #expect(issues.count == (critical ? 1 : 0), "\(String(describing: reading))")
            #expect(issues.allSatisfy { $0.severity == .critical })
        }
        #expect(DoctorPolicy.forbidden.contains("WRITES_UNPROTECTED"))
    }

    @Test func riskChecks() {
        let warned = Self.snapshot {
            $0.risk = .init(halted: false, haltReason: nil, haltedBy: nil, dailyPnL: -1_600, maxDailyLoss: 2_000, warningFraction: Decimal(string: "0.75"))
            $0.rejectionsLastHour = ["max_positions": 12, "sector_exposure": 2]
        }
        let issues = Self.only(warned)
        #expect(issues.map(\.type) == ["COMMANDS_REJECTED", "DAILY_LOSS_WARNING", "COMMANDS_REJECTED"])
        #expect(issues.map(\.severity) == [.warning, .warning, .info])
        let halted = Self.snapshot { $0.risk = .init(halted: true, haltReason: "daily loss limit", haltedBy: "system", dailyPnL: -2_100, maxDailyLoss: 2_000, warningFraction: nil) }
        #expect(Self.only(halted).map(\.type) == ["TRADING_HALTED"])
        #expect(Self.report(halted).exitCode == 2)
        let fine = Self.snapshot { $0.risk = .init(halted: false, haltReason: nil, haltedBy: nil, dailyPnL: -1_000, maxDailyLoss: 2_000, warningFraction: Decimal(string: "0.75")) }
        #expect(Self.only(fine).isEmpty)
    }

    @Test func errorReportExitsThree() {
        let r = DoctorReport.failure("connection refused", at: Self.now, durationMs: 3)
        #expect(r.exitCode == 3)
        #expect(r.summary.status == .error)
    }
}
