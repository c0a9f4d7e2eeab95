import Application
import Domain
import EventStore
import Foundation

/// `audit statement`: one New York date's positions, fills, cash flows, realized and unrealized P&L and
/// fees, folded from the day's events (business time within the date, log order) — the ledger's side of a
/// broker statement. Money is summed exactly and rounded to cents only for the totals.
public struct AuditStatement: Sendable, Codable {
    public struct Fill: Sendable, Codable, Hashable {
        public var at: String
        public var orderID: String
        public var executionID: String
        public var symbol: String
        public var side: String
        public var quantity: String
        public var price: String
        public var fee: String
        /// Cash effect: −(qty × price) − fee for a buy, +(qty × price) − fee for a sell.
        public var cash: String
    }

    public struct PositionLine: Sendable, Codable, Hashable {
        public var positionID: String
        public var symbol: String
        public var side: String
        public var openedAt: String?
        public var closedAt: String?
        public var entryPrice: String?
        public var exitPrice: String?
        public var quantity: String
        public var realizedPnL: String
        public var unrealizedPnL: String?
        public var lastMark: String?
        public var exitReason: String?
        /// open | closed
        public var state: String
    }

    public var date: String
    public var fills: [Fill] = []
    public var positions: [PositionLine] = []
    public var bought = "0"
    public var sold = "0"
    public var fees = "0"
    public var netCash = "0"
    public var realizedPnL = "0"
    public var unrealizedPnL = "0"
    public var events = 0
    /// The statement checked against the broker's executions (nil: no broker configured; see `note`).
    public var brokerReconciliation: StatementReconciliation?
    public var note: String?

    /// Folds the day's events.
    public static func build(date: NYDate, events: [RecordedEvent], codec: EventCodec) throws -> AuditStatement {
        var s = AuditStatement(date: date.description)
        var bought = Decimal(0), sold = Decimal(0), fees = Decimal(0), realized = Decimal(0)
        var lines: [PositionID: PositionLine] = [:]
        var order: [PositionID] = []
        var unrealized: [PositionID: Decimal] = [:]
        func ts(_ d: Date) -> String { d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        func fill(_ x: Order.Execution) {
            let gross = x.quantity.shares * x.price.value
            let cash = (x.side == .buy ? -gross : gross) - x.fee.amount
            if x.side == .buy { bought += gross } else { sold += gross }
            fees += x.fee.amount
            s.fills.append(
                Fill(
                    at: ts(x.executedAt), orderID: x.orderID.rawValue, executionID: x.executionID.rawValue, symbol: x.symbol.rawValue,
                    side: x.side.rawValue, quantity: "\(x.quantity)", price: "\(x.price)", fee: "\(x.fee)", cash: DecimalText.format(cash)))
        }
        for e in events {
            s.events += 1
            guard Self.types.contains(e.eventType) else { continue }
            switch try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload) {
            case .order(.filled(let f)): fill(f.execution)
            case .order(.partiallyFilled(let f)): fill(f.execution)
            case .position(.opened(let o)):
                order.append(o.positionID)
                lines[o.positionID] = PositionLine(
                    positionID: o.positionID.rawValue, symbol: o.symbol.rawValue, side: o.side.rawValue, openedAt: ts(o.openedAt),
                    entryPrice: "\(o.price)", quantity: "\(o.quantity)", realizedPnL: "0", state: "open")
            case .position(.increased(let p)):
                lines[p.positionID]?.quantity = "\(p.quantityAfter)"
                lines[p.positionID]?.entryPrice = "\(p.averageEntryPrice)"
            case .position(.reduced(let p)):
                realized += p.realizedPnL.amount
                lines[p.positionID]?.quantity = "\(p.quantityAfter)"
                if let l = lines[p.positionID] { lines[p.positionID]?.realizedPnL = DecimalText.format((Decimal(string: l.realizedPnL) ?? 0) + p.realizedPnL.amount) }
            case .position(.marked(let m)):
                unrealized[m.positionID] = m.unrealizedPnL.amount
                lines[m.positionID]?.lastMark = "\(m.price)"
                lines[m.positionID]?.unrealizedPnL = "\(m.unrealizedPnL)"
            case .position(.closed(let c)):
                realized += c.realizedPnL.amount
                unrealized[c.positionID] = nil
                if lines[c.positionID] == nil {
                    // Opened on an earlier date: the statement still shows its close.
                    order.append(c.positionID)
                    lines[c.positionID] = PositionLine(positionID: c.positionID.rawValue, symbol: "?", side: c.side.rawValue, quantity: "0", realizedPnL: "0", state: "closed")
                }
                let before = Decimal(string: lines[c.positionID]!.realizedPnL) ?? 0
                lines[c.positionID]?.realizedPnL = DecimalText.format(before + c.realizedPnL.amount)
                lines[c.positionID]?.closedAt = ts(c.closedAt)
                lines[c.positionID]?.exitPrice = c.price.map(\.description)
                lines[c.positionID]?.exitReason = c.exitReason.rawValue
                lines[c.positionID]?.unrealizedPnL = nil
                lines[c.positionID]?.state = "closed"
            default:
                break
            }
        }
        s.positions = order.compactMap { lines[$0] }
        s.bought = cents(bought)
        s.sold = cents(sold)
        s.fees = cents(fees)
        s.netCash = cents(sold - bought - fees)
        s.realizedPnL = cents(realized)
        s.unrealizedPnL = cents(unrealized.values.reduce(0, +))
        return s
    }

    static let types: Set<String> = [
        Order.Filled.eventType, Order.PartiallyFilled.eventType, Position.Opened.eventType, Position.Increased.eventType,
        Position.Reduced.eventType, Position.Marked.eventType, Position.Closed.eventType,
    ]

    static func cents(_ d: Decimal) -> String { DecimalText.format(DecimalText.round(d, scale: 2)) }

    /// The day's events from the log, as `DayReport` reads them (business time within the New York date).
    public static func load(date: NYDate, store: any EventStore, codec: EventCodec = EventCodec()) async throws -> AuditStatement {
        let events = try await DayReport.events(of: date, in: store)
        return try build(date: date, events: events, codec: codec)
    }
}
