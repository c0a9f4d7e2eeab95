import Domain
import EventStore
import Foundation

/// `orders`: one row per order (entries, bracket legs linked to their parent, exits, replacements)
/// with status, fills, average price, timestamps and the last broker status; one row per execution in
/// `order_executions`. Position events link an order to the position its fill opened or changed.
public struct OrdersProjection: Projection {
    public let name = "orders"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = LedgerEvents.types(of: .order).union(Self.positionFillTypes)

    static let positionFillTypes: Set<String> = [
        Position.Opened.eventType, Position.Increased.eventType, Position.Reduced.eventType, Position.Closed.eventType,
    ]

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var decoded: [(RecordedEvent, LedgerEvent)] = []
        decoded.reserveCapacity(events.count)
        var keys = Set<String>()
        for e in events {
            let event = try LedgerEvents.decode(e)
            decoded.append((e, event))
            switch event {
            case .order(let o): keys.insert(Self.orderID(of: o).rawValue)
            case .position(let p): if let id = Self.linkedOrder(p)?.0 { keys.insert(id.rawValue) }
            default: break
            }
        }
        let stored = try context.loadRows(from: OrderRow.table, keyColumn: "order_id", keys: keys)
        var rows: [String: OrderRow] = [:]
        for (id, r) in stored {
            guard let row = OrderRow(r) else { throw ProjectionApplyError(event: events[0], reason: "unreadable orders row \(id)") }
            rows[id] = row
        }
        var touched = Set<String>()
        var executions: [[String?]] = []
        for (recorded, event) in decoded {
            switch event {
            case .order(let o):
                let id = Self.orderID(of: o).rawValue
                if case .requested(let r) = o, rows[id] == nil {
                    var row = OrderRow(r)
                    row.eventCount = 1
                    row.lastGlobalPosition = recorded.position
                    rows[id] = row
                } else if var row = rows[id] {
                    row.apply(o, position: recorded.position)
                    rows[id] = row
                } else {
                    // An update for an order never requested cannot happen in a valid log; refusing it
                    // keeps the read model from inventing an order.
                    throw ProjectionApplyError(event: recorded, reason: "update for unknown order \(id)")
                }
                touched.insert(id)
                switch o {
                case .partiallyFilled(let f): executions.append(ExecutionRow.values(f.execution, final: false, position: recorded.position))
                case .filled(let f): executions.append(ExecutionRow.values(f.execution, final: true, position: recorded.position))
                default: break
                }
            case .position(let p):
                // The first position an order's fill touched; a flip's second position keeps the first.
                guard let (orderID, positionID) = Self.linkedOrder(p), var row = rows[orderID.rawValue], row.positionID == nil else { continue }
                row.positionID = positionID.rawValue
                rows[orderID.rawValue] = row
                touched.insert(orderID.rawValue)
            default:
                continue
            }
        }
        try context.upsert(
            into: OrderRow.table, columns: OrderRow.columns, key: ["order_id"], rows: touched.sorted().map { rows[$0]!.values })
        try context.insert(into: ExecutionRow.table, columns: ExecutionRow.columns, rows: executions)
    }

    static func orderID(of e: Order.Event) -> OrderID {
        switch e {
        case .requested(let p): p.orderID
        case .submitted(let p): p.orderID
        case .submitOutcomeUnknown(let p): p.orderID
        case .outcomeResolved(let p): p.orderID
        case .accepted(let p): p.update.orderID
        case .pendingCancel(let p): p.update.orderID
        case .pendingReplace(let p): p.update.orderID
        case .statusChanged(let p): p.update.orderID
        case .cancelRequested(let p): p.orderID
        case .cancelRejected(let p): p.orderID
        case .replaceRequested(let p): p.orderID
        case .replaceRejected(let p): p.orderID
        case .replaced(let p): p.orderID
        case .partiallyFilled(let p): p.execution.orderID
        case .filled(let p): p.execution.orderID
        case .canceled(let p): p.update.orderID
        case .expired(let p): p.update.orderID
        case .rejected(let p): p.update.orderID
        }
    }

    /// The order and position a position fill event names.
    static func linkedOrder(_ e: Position.Event) -> (OrderID, PositionID)? {
        switch e {
        case .opened(let p): (p.orderID, p.positionID)
        case .increased(let p): (p.orderID, p.positionID)
        case .reduced(let p): (p.orderID, p.positionID)
        case .closed(let p): p.orderID.map { ($0, p.positionID) }
        default: nil
        }
    }
}
