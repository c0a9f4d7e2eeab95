import Domain
import EventStore
import Foundation

/// `pipeline_status`: the rows behind `v_trade_pipeline_status`, Doctor Claude's one-row-per-cycle
/// view. Self-contained (a view may only read its own projection's tables): it folds the cycle, scan,
/// order and position events it needs into `pl_cycles`, `pl_orders` and `pl_positions`; the view
/// aggregates them per cycle and derives `pipeline_stage`.
///
/// Orders belong to the cycle they were requested for (an exit without a cycle id belongs to its
/// position's cycle); positions to the cycle named by their opening fill (or its order's cycle).
public struct PipelineStatusProjection: Projection {
    public let name = "pipeline_status"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = Set([
        Cycle.Started.eventType, Cycle.StageCompleted.eventType, Cycle.Completed.eventType, Cycle.Stopped.eventType, Cycle.Failed.eventType,
        Cycle.ScanCompleted.eventType, Cycle.SignalGenerated.eventType,
    ]).union(LedgerEvents.types(of: .order)).union(LedgerEvents.types(of: .position))

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var decoded: [(RecordedEvent, LedgerEvent)] = []
        var cycleKeys = Set<String>()
        var orderKeys = Set<String>()
        var positionKeys = Set<String>()
        for e in events {
            let event = try LedgerEvents.decode(e)
            decoded.append((e, event))
            switch event {
            case .cycle:
                if let id = LedgerEvents.streamID(e.streamID, category: .cycle) { cycleKeys.insert(id) }
            case .order(let o):
                orderKeys.insert(OrdersProjection.orderID(of: o).rawValue)
                if case .requested(let r) = o {
                    if let c = r.cycleID { cycleKeys.insert(c.rawValue) }
                    if let p = r.positionID { positionKeys.insert(p.rawValue) }
                }
            case .position(let p):
                positionKeys.insert(PositionsProjection.positionID(of: p).rawValue)
                if case .opened(let o) = p {
                    orderKeys.insert(o.orderID.rawValue)
                    if let c = o.cycleID { cycleKeys.insert(c.rawValue) }
                }
            default:
                break
            }
        }
        var orders: [String: PipelineOrderRow] = [:]
        for (id, r) in try context.loadRows(from: PipelineOrderRow.table, keyColumn: "order_id", keys: orderKeys) {
            orders[id] = PipelineOrderRow(r)
        }
        var positions: [String: PipelinePositionRow] = [:]
        for (id, r) in try context.loadRows(from: PipelinePositionRow.table, keyColumn: "position_id", keys: positionKeys) {
            positions[id] = PipelinePositionRow(r)
        }
        cycleKeys.formUnion(orders.values.map(\.cycleID))
        cycleKeys.formUnion(positions.values.map(\.cycleID))
        var cycles: [String: PipelineCycleRow] = [:]
        for (id, r) in try context.loadRows(from: PipelineCycleRow.table, keyColumn: "cycle_id", keys: cycleKeys) {
            cycles[id] = PipelineCycleRow(r)
        }
        var touchedCycles = Set<String>()
        var touchedOrders = Set<String>()
        var touchedPositions = Set<String>()

        func activity(_ cycle: String, _ recorded: RecordedEvent) {
            guard var c = cycles[cycle] else { return }
            c.lastActivity = max(c.lastActivity, recorded.occurredAt)
            c.lastGlobalPosition = recorded.position
            cycles[cycle] = c
            touchedCycles.insert(cycle)
        }

        for (recorded, event) in decoded {
            switch event {
            case .cycle(.started(let s)):
                guard cycles[s.cycleID.rawValue] == nil else { continue }
                cycles[s.cycleID.rawValue] = PipelineCycleRow(s)
                activity(s.cycleID.rawValue, recorded)
            case .cycle(let c):
                guard let id = LedgerEvents.streamID(recorded.streamID, category: .cycle), cycles[id] != nil else { continue }
                cycles[id]!.apply(c)
                activity(id, recorded)
            case .order(.requested(let r)):
                let cycle = r.cycleID.map(\.rawValue).flatMap { cycles[$0] == nil ? nil : $0 }
                    ?? r.positionID.flatMap { positions[$0.rawValue]?.cycleID }
                guard let cycle, orders[r.orderID.rawValue] == nil else { continue }
                orders[r.orderID.rawValue] = PipelineOrderRow(r, cycle: cycle)
                touchedOrders.insert(r.orderID.rawValue)
                activity(cycle, recorded)
            case .order(let o):
                let id = OrdersProjection.orderID(of: o).rawValue
                guard var row = orders[id] else { continue }
                if let status = o.statusAfter { row.status = status.rawValue }
                if case .submitted(let s) = o {
                    row.submittedAt = row.submittedAt ?? s.submittedAt
                    cycles[row.cycleID]?.lastOrderAt = s.submittedAt
                }
                row.updatedAt = recorded.occurredAt
                orders[id] = row
                touchedOrders.insert(id)
                activity(row.cycleID, recorded)
            case .position(.opened(let e)):
                let cycle = e.cycleID.map(\.rawValue).flatMap { cycles[$0] == nil ? nil : $0 } ?? orders[e.orderID.rawValue]?.cycleID
                guard let cycle else { continue }
                positions[e.positionID.rawValue] = PipelinePositionRow(e, cycle: cycle)
                touchedPositions.insert(e.positionID.rawValue)
                activity(cycle, recorded)
            case .position(let p):
                let id = PositionsProjection.positionID(of: p).rawValue
                guard var row = positions[id] else { continue }
                row.apply(p, at: recorded.occurredAt)
                positions[id] = row
                touchedPositions.insert(id)
                activity(row.cycleID, recorded)
            default:
                continue
            }
        }
        try context.upsert(
            into: PipelineCycleRow.table, columns: PipelineCycleRow.columns, key: ["cycle_id"],
            rows: touchedCycles.sorted().compactMap { cycles[$0]?.values })
        try context.upsert(
            into: PipelineOrderRow.table, columns: PipelineOrderRow.columns, key: ["order_id"],
            rows: touchedOrders.sorted().compactMap { orders[$0]?.values })
        try context.upsert(
            into: PipelinePositionRow.table, columns: PipelinePositionRow.columns, key: ["position_id"],
            rows: touchedPositions.sorted().compactMap { positions[$0]?.values })
    }
}
