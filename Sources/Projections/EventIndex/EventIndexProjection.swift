import Domain
import EventStore
import Foundation
import PostgresClient

/// `event_index`: for auditors, every event's global position under the keys they trace by —
/// correlation id, causation id, command id (from metadata), client order id and cycle id (from the
/// payload, or from the stream the event is on) — so `audit trace` reads an index instead of scanning
/// `events` (the correlation index was taken off the write path on purpose).
///
/// An order's later events (fills, cancels) do not repeat its client order id or cycle: `ei_orders`
/// remembers them from `order.requested`, and every event of that order stream is indexed under both.
public struct EventIndexProjection: Projection {
    public let name = "event_index"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = nil

    static let metadataKeys: Set<String> = ["correlation_id", "causation_id", "command_id"]
    static let columns = ["key_kind", "key", "global_position", "stream_id", "event_type", "occurred_at"]

    public init() {}

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        var orderKeys = Set<String>()
        for e in events {
            if let id = LedgerEvents.streamID(e.streamID, category: .order) { orderKeys.insert(id) }
        }
        var orders: [String: (coid: String?, cycle: String?)] = [:]
        for (id, r) in try context.loadRows(from: "ei_orders", keyColumn: "order_id", keys: orderKeys) {
            orders[id] = (r.string("client_order_id"), r.string("cycle_id"))
        }
        var newOrders: [[String?]] = []
        // The keys of every event, decided first (orders learnt from `order.requested` included), then written
        // straight into the COPY stream.
        var keyed: [(event: Int, keys: [(String, String)])] = []
        keyed.reserveCapacity(events.count)
        for (index, e) in events.enumerated() {
            var keys: [(String, String)] = []
            let meta = MetadataScanner.strings(in: e.metadata, keys: Self.metadataKeys)
            // UUIDs are case-insensitive (Foundation writes them upper-case, PostgreSQL prints lower-case):
            // the index keeps the lower-case form, as `uuid::text` gives it.
            if let v = meta["correlation_id"] { keys.append(("correlation", v.lowercased())) }
            if let v = meta["causation_id"] { keys.append(("causation", v.lowercased())) }
            if let v = meta["command_id"] { keys.append(("command", v.lowercased())) }
            if let cycle = LedgerEvents.streamID(e.streamID, category: .cycle) ?? LedgerEvents.streamID(e.streamID, category: .observations) {
                keys.append(("cycle", cycle))
            }
            if let orderID = LedgerEvents.streamID(e.streamID, category: .order) {
                if e.eventType == Order.Requested.eventType, case .order(.requested(let r)) = try LedgerEvents.decode(e), orders[orderID] == nil {
                    let entry = (r.intent.clientOrderID?.rawValue, r.cycleID?.rawValue)
                    orders[orderID] = entry
                    newOrders.append([orderID, entry.0, entry.1])
                }
                if let coid = orders[orderID]?.coid { keys.append(("client_order", coid)) }
                if let cycle = orders[orderID]?.cycle { keys.append(("cycle", cycle)) }
            }
            switch e.eventType {
            case Risk.Approved.eventType, Risk.Denied.eventType, Position.Opened.eventType, Approval.Requested.eventType:
                switch try LedgerEvents.decode(e) {
                case .risk(.approved(let a)):
                    if let c = a.cycleID { keys.append(("cycle", c.rawValue)) }
                    if let coid = a.intent.clientOrderID { keys.append(("client_order", coid.rawValue)) }
                case .risk(.denied(let d)):
                    if let c = d.cycleID { keys.append(("cycle", c.rawValue)) }
                case .position(.opened(let o)):
                    if let c = o.cycleID { keys.append(("cycle", c.rawValue)) }
                case .approval(.requested(let a)):
                    if let c = a.cycleID { keys.append(("cycle", c.rawValue)) }
                    if let coid = a.intent.clientOrderID { keys.append(("client_order", coid.rawValue)) }
                default: break
                }
            default: break
            }
            if !keys.isEmpty { keyed.append((index, keys)) }
        }
        try context.insert(into: "ei_orders", columns: ["order_id", "client_order_id", "cycle_id"], rows: newOrders)
        guard !keyed.isEmpty else { return }
        try context.insert(into: "event_index", columns: Self.columns) { w in
            for (index, keys) in keyed {
                let e = events[index]
                let position = String(e.position)
                let occurred = PGTimestamp.iso8601(micros: e.occurredAtMicros)
                // An event has a handful of keys: a pair met before on the same event is skipped.
                for (i, (kind, key)) in keys.enumerated() where !keys[..<i].contains(where: { $0 == kind && $1 == key }) {
                    // The columns of `Self.columns`, in order.
                    w.field(kind)
                    w.endField()
                    w.field(key)
                    w.endField()
                    w.field(position)
                    w.endField()
                    w.field(e.streamID)
                    w.endField()
                    w.field(e.eventType)
                    w.endField()
                    w.field(occurred)
                    try w.endRow()
                }
            }
        }
    }
}
