import Domain
import EventStore
import Foundation

/// `cycles`: one row per trading cycle with mode, trigger, status and stage, and the counts of
/// candidates, signals, approvals, denials, orders and fills. Approvals and denials name their cycle;
/// orders name it when requested, and `cycle_orders` remembers that so their fills count too.
public struct CyclesProjection: Projection {
    public let name = "cycles"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = [
        Cycle.Started.eventType, Cycle.StageCompleted.eventType, Cycle.Completed.eventType, Cycle.Stopped.eventType, Cycle.Failed.eventType,
        Cycle.ScanCompleted.eventType, Cycle.SignalGenerated.eventType, Risk.Approved.eventType, Risk.Denied.eventType,
        Order.Requested.eventType, Order.PartiallyFilled.eventType, Order.Filled.eventType,
    ]

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var decoded: [(RecordedEvent, LedgerEvent)] = []
        var cycleKeys = Set<String>()
        var orderKeys = Set<String>()
        for e in events {
            let event = try LedgerEvents.decode(e)
            decoded.append((e, event))
            switch event {
            case .cycle:
                if let id = LedgerEvents.streamID(e.streamID, category: .cycle) { cycleKeys.insert(id) }
            case .risk(.approved(let a)): if let c = a.cycleID { cycleKeys.insert(c.rawValue) }
            case .risk(.denied(let d)): if let c = d.cycleID { cycleKeys.insert(c.rawValue) }
            case .order(.requested(let r)): if let c = r.cycleID { cycleKeys.insert(c.rawValue) }
            case .order(.filled(let f)): orderKeys.insert(f.execution.orderID.rawValue)
            case .order(.partiallyFilled(let f)): orderKeys.insert(f.execution.orderID.rawValue)
            default: break
            }
        }
        var orderCycle = try context.loadRows(from: "cycle_orders", keyColumn: "order_id", keys: orderKeys).compactMapValues { $0.string("cycle_id") }
        cycleKeys.formUnion(orderCycle.values)
        var rows: [String: CycleRow] = [:]
        for (id, r) in try context.loadRows(from: CycleRow.table, keyColumn: "cycle_id", keys: cycleKeys) {
            guard let row = CycleRow(r) else { throw ProjectionApplyError(event: events[0], reason: "unreadable cycles row \(id)") }
            rows[id] = row
        }
        var touched = Set<String>()
        var newOrders: [[String?]] = []

        // Events for a cycle never started (no row) are ignored: the read model does not invent cycles.
        func update(_ id: String?, _ recorded: RecordedEvent, _ change: (inout CycleRow) -> Void) {
            guard let id, var row = rows[id] else { return }
            change(&row)
            row.touch(recorded.occurredAt, recorded.position)
            rows[id] = row
            touched.insert(id)
        }

        func countFill(_ x: Order.Execution, _ recorded: RecordedEvent) {
            update(orderCycle[x.orderID.rawValue], recorded) {
                $0.fills += 1
                $0.filledQty += x.quantity.shares
            }
        }

        for (recorded, event) in decoded {
            switch event {
            case .cycle(.started(let s)):
                guard rows[s.cycleID.rawValue] == nil else { continue }
                rows[s.cycleID.rawValue] = CycleRow(s)
                update(s.cycleID.rawValue, recorded) { _ in }
            case .cycle(let c):
                update(LedgerEvents.streamID(recorded.streamID, category: .cycle), recorded) { $0.apply(c) }
            case .risk(.approved(let a)):
                update(a.cycleID?.rawValue, recorded) { $0.approvals += 1 }
            case .risk(.denied(let d)):
                update(d.cycleID?.rawValue, recorded) { $0.denials += 1 }
            case .order(.requested(let r)):
                guard let cycle = r.cycleID?.rawValue, rows[cycle] != nil, orderCycle[r.orderID.rawValue] == nil else { continue }
                orderCycle[r.orderID.rawValue] = cycle
                newOrders.append([r.orderID.rawValue, cycle])
                update(cycle, recorded) {
                    $0.orders += 1
                    if r.intent.purpose.isOpening { $0.entryOrders += 1 }
                }
            case .order(.filled(let f)):
                countFill(f.execution, recorded)
            case .order(.partiallyFilled(let f)):
                countFill(f.execution, recorded)
            default:
                continue
            }
        }
        try context.upsert(into: CycleRow.table, columns: CycleRow.columns, key: ["cycle_id"], rows: touched.sorted().map { rows[$0]!.values })
        try context.insert(into: "cycle_orders", columns: ["order_id", "cycle_id"], rows: newOrders)
    }
}
