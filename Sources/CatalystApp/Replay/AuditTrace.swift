import Domain
import EventStore
import Foundation
import PostgresClient
import Projections

/// `audit trace`: the causal chain of one order, cycle or workflow, in log order, each step with its
/// actor and its correlation/causation/command ids. Keys are looked up in the `event_index` read model
/// (`v_event_index`; the projector must have caught up — `catalyst project`), the events themselves are
/// read from `events`.
///
/// - `--correlation ID`: every event of the workflow (one cron trigger or one operator command).
/// - `--cycle ID`: the cycle's events (trigger, stages, scan, signals), its risk decisions, its orders with
///   their fills, and the positions they opened until closed; marks and candidate observations left out.
/// - `--order CLIENT_ORDER_ID`: the order's own chain — the cycle's lifecycle and the scan/signal/risk
///   events of the order's symbol from the same workflow, the order and its fills, the position it opened
///   with its exit orders, until the position closed.
public struct AuditTrace: Sendable {
    public enum Key: Sendable, Hashable {
        case order(String)
        case cycle(String)
        case correlation(String)
    }

    public struct Step: Sendable, Codable, Hashable {
        public var position: Int64
        public var occurredAt: String
        public var eventType: String
        public var streamID: String
        public var actor: String
        public var correlationID: String?
        public var causationID: String?
        public var commandID: String?
        public var summary: String

        enum CodingKeys: String, CodingKey {
            case position = "global_position", occurredAt = "occurred_at", eventType = "event_type", streamID = "stream_id", actor, summary
            case correlationID = "correlation_id", causationID = "causation_id", commandID = "command_id"
        }
    }

    let store: PostgresEventStore
    let codec = EventCodec()

    public init(store: PostgresEventStore) { self.store = store }

    static let noise: Set<String> = [Position.Marked.eventType, Risk.MarksRecorded.eventType, Observation.CandidatePrices.eventType]
    static let lifecycle: Set<String> = [
        Cycle.Started.eventType, Cycle.StageCompleted.eventType, Cycle.Completed.eventType, Cycle.Stopped.eventType, Cycle.Failed.eventType,
        Cycle.ScanCompleted.eventType,
    ]

    public func trace(_ key: Key) async throws -> [Step] {
        var events: [Int64: RecordedEvent] = [:]
        func add(_ list: [RecordedEvent]) { for e in list where !Self.noise.contains(e.eventType) { events[e.position] = e } }
        switch key {
        case .correlation(let id):
            add(try await indexed("correlation", id.lowercased()))
        case .cycle(let id):
            let cycle = try await indexed("cycle", id)
            add(cycle)
            for e in cycle where e.eventType == Position.Opened.eventType {
                if case .position(.opened(let o)) = try decode(e) { add(try await positionLife(o, stream: e.streamID)) }
            }
        case .order(let coid):
            let own = try await indexed("client_order", coid)
            guard let requested = try own.lazy.compactMap({ e -> (RecordedEvent, Order.Requested)? in
                guard e.eventType == Order.Requested.eventType, case .order(.requested(let r)) = try decode(e) else { return nil }
                return (e, r)
            }).first else { return [] }
            add(own)
            let symbol = requested.1.intent.symbol
            if let corr = try metadata(requested.0)?.correlationID {
                for e in try await indexed("correlation", corr.uuidString.lowercased()) where try relevant(e, symbol: symbol) { add([e]) }
            }
            let opened = try await indexed("cycle", requested.1.cycleID?.rawValue ?? "").filter { $0.eventType == Position.Opened.eventType }
            for e in opened {
                if case .position(.opened(let o)) = try decode(e), o.orderID == requested.1.orderID { add(try await positionLife(o, stream: e.streamID)) }
            }
        }
        return try events.keys.sorted().map { try step(events[$0]!) }
    }

    /// Events whose global position is indexed under `kind`/`key`, in log order.
    func indexed(_ kind: String, _ key: String) async throws -> [RecordedEvent] {
        let positions = try await ViewReader(pool: store.pool).table(EventIndexQuery.positions(kind: kind, key: key)).compactMap { $0["global_position"].flatMap { Int64($0) } }
        return try await store.events(atPositions: positions)
    }

    /// The position opened by `opened`, from that event to its close, and every order that changed it.
    func positionLife(_ opened: Position.Opened, stream: String) async throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        var orders = Set<OrderID>()
        for e in try await store.readStream(stream) {
            guard let event = try? decode(e), case .position(let p) = event, let ids = Self.ids(p), ids.position == opened.positionID else { continue }
            out.append(e)
            if let o = ids.order { orders.insert(o) }
        }
        orders.remove(opened.orderID)
        for o in orders.sorted() { out += try await store.readStream(StreamName.order(o).rawValue) }
        return out
    }

    static func ids(_ p: Position.Event) -> (position: PositionID, order: OrderID?)? {
        switch p {
        case .opened(let e): (e.positionID, e.orderID)
        case .increased(let e): (e.positionID, e.orderID)
        case .reduced(let e): (e.positionID, e.orderID)
        case .closed(let e): (e.positionID, e.orderID)
        case .marked(let e): (e.positionID, nil)
        case .exitRequested(let e): (e.positionID, nil)
        case .protectionChanged(let e): (e.positionID, nil)
        case .adjusted(let e): (e.positionID, nil)
        }
    }

    /// For an order trace: the cycle's lifecycle, and the scan, signal and risk events of the order's symbol.
    func relevant(_ e: RecordedEvent, symbol: Symbol) throws -> Bool {
        if Self.lifecycle.contains(e.eventType) { return true }
        switch e.eventType {
        case Cycle.CandidateEvaluated.eventType, Cycle.SignalGenerated.eventType, Risk.Approved.eventType, Risk.Denied.eventType,
            Order.Requested.eventType:
            return try Self.symbol(of: decode(e)) == symbol
        default:
            return false
        }
    }

    static func symbol(of event: LedgerEvent) -> Symbol? {
        switch event {
        case .cycle(.candidateEvaluated(let c)): c.evaluation.features.symbol
        case .cycle(.signalGenerated(let s)): s.proposal.symbol
        case .risk(.approved(let a)): a.intent.symbol
        case .risk(.denied(let d)): d.symbol
        case .order(.requested(let r)): r.intent.symbol
        default: nil
        }
    }

    func decode(_ e: RecordedEvent) throws -> LedgerEvent {
        try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)
    }

    func metadata(_ e: RecordedEvent) throws -> EventMetadata? { try? JSONDecoder().decode(EventMetadata.self, from: e.metadata) }

    func step(_ e: RecordedEvent) throws -> Step {
        let m = try metadata(e)
        return Step(
            position: e.position, occurredAt: e.occurredAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), eventType: e.eventType, streamID: e.streamID,
            actor: m?.actor.description ?? "?", correlationID: m?.correlationID.uuidString.lowercased(),
            causationID: m?.causationID?.uuidString.lowercased(), commandID: m?.commandID?.uuidString.lowercased(),
            summary: (try? decode(e)).map(TraceSummary.describe) ?? "")
    }
}
