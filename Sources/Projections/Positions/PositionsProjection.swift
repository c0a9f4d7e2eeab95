import Domain
import EventStore
import Foundation

/// `positions`: open and closed positions (one row per position id, flat to flat) with quantity,
/// average entry and exit, realized P&L from fills, unrealized P&L at the last price, the linked orders
/// and the exit reason; `position_fills` keeps every fill and adjustment that changed one.
public struct PositionsProjection: Projection {
    public let name = "positions"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = LedgerEvents.types(of: .position)

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var decoded: [(RecordedEvent, Position.Event)] = []
        decoded.reserveCapacity(events.count)
        var keys = Set<String>()
        for e in events {
            guard case .position(let p) = try LedgerEvents.decode(e) else { continue }
            decoded.append((e, p))
            keys.insert(Self.positionID(of: p).rawValue)
        }
        var rows: [String: PositionRow] = [:]
        for (id, r) in try context.loadRows(from: PositionRow.table, keyColumn: "position_id", keys: keys) {
            guard let row = PositionRow(r) else { throw ProjectionApplyError(event: events[0], reason: "unreadable positions row \(id)") }
            rows[id] = row
        }
        var touched = Set<String>()
        var fills: [[String?]] = []
        for (recorded, event) in decoded {
            let id = Self.positionID(of: event).rawValue
            switch event {
            case .opened(let e):
                var row = PositionRow.opened(e)
                row.lastGlobalPosition = recorded.position
                rows[id] = row
            case .adjusted(let e) where e.quantityBefore.isZero && !e.quantityAfter.isZero:
                var row = PositionRow.adjustedOpen(e)
                row.lastGlobalPosition = recorded.position
                rows[id] = row
            default:
                guard var row = rows[id] else {
                    throw ProjectionApplyError(event: recorded, reason: "event for unknown position \(id)")
                }
                row.apply(event, at: recorded.position)
                rows[id] = row
            }
            touched.insert(id)
            if let values = PositionFillRow.values(event, position: recorded.position) { fills.append(values) }
        }
        try context.upsert(
            into: PositionRow.table, columns: PositionRow.columns, key: ["position_id"], rows: touched.sorted().map { rows[$0]!.values })
        try context.insert(into: PositionFillRow.table, columns: PositionFillRow.columns, rows: fills)
    }

    static func positionID(of e: Position.Event) -> PositionID {
        switch e {
        case .opened(let p): p.positionID
        case .increased(let p): p.positionID
        case .reduced(let p): p.positionID
        case .closed(let p): p.positionID
        case .marked(let p): p.positionID
        case .exitRequested(let p): p.positionID
        case .protectionChanged(let p): p.positionID
        case .adjusted(let p): p.positionID
        }
    }
}
