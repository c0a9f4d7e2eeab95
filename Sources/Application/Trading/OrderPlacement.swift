import Broker
import Domain
import EventStore
import Foundation

/// Places orders. Every order is recorded as `order.requested` (with its bracket legs, in one batch)
/// **before** the broker is called, so an order can never exist at the broker without a trace in the
/// log — the original system's "lost orders" failure.
///
/// The request and the broker's answer are two commands with two command ids: the store treats a
/// second append under the same command id as a retry of the first and appends nothing, which would
/// silently drop `order.submitted`.
public struct OrderPlacement: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    /// The entry order for a risk approval (with the human grant when the approval was supervised).
    /// Idempotent: a second call for the same approval finds the order already requested and only
    /// continues where the first stopped.
    @discardableResult
    public func placeEntry(_ approved: Risk.Approved, grant: Approval.Granted? = nil, context: CommandContext) async throws -> Order.Record {
        let orderID = OrderID.forApproval(approved.approvalID)
        let request = Order.Request(
            orderID: orderID, intent: approved.intent, authorization: .approval(approved, grant: grant), cycleID: approved.cycleID, at: context.now)
        let record = try await recordRequest(request, context: context)
        return try await OrderSubmission(system: system).submitIfNeeded(record, context: context.followUp(commandID: system.ids.uuid()))
    }

    /// A market exit of (part of) an open position. Cancels the position's open exit legs first:
    /// the broker refuses to sell shares that are held for other orders.
    @discardableResult
    public func placeExit(
        symbol: Symbol, side: PositionSide, quantity: Quantity, positionID: PositionID?, reason: ExitReason, context: CommandContext
    ) async throws -> Order.Record {
        try await OrderCancellation(system: system).cancelOpenExits(symbol: symbol, reason: "exit \(reason.rawValue)", context: context)
        let orderID = OrderID(rawValue: "ord-x-\(context.commandID.lowercasedShort)")
        guard let client = ClientOrderID(orderID.rawValue) else { throw ApplicationError.invalid(field: "client_order_id", reason: "too long") }
        let intent = OrderIntent(
            clientOrderID: client, symbol: symbol, positionSide: side, purpose: .exit, quantity: quantity.magnitude, type: .market,
            timeInForce: .day)
        let exposure = Order.PositionExposure(positionID: positionID, symbol: symbol, side: side, quantity: quantity.magnitude)
        let request = Order.Request(orderID: orderID, intent: intent, authorization: .exit(exposure), positionID: positionID, at: context.now)
        let record = try await recordRequest(request, context: context, exitReason: reason)
        return try await OrderSubmission(system: system).submitIfNeeded(record, context: context.followUp(commandID: system.ids.uuid()))
    }

    /// Appends `order.requested` for the order and its legs in one batch; returns the order's record.
    func recordRequest(_ request: Order.Request, context: CommandContext, exitReason: ExitReason? = nil) async throws -> Order.Record {
        let stream = StreamName.order(request.orderID)
        for _ in 0..<3 {
            let current = try await system.log.load(Order.self, stream)
            if let existing = current.state.order { return existing }
            let events: [Order.Event]
            do { events = try Order.decide(.request(request), current.state) } catch { throw CommandRejected(error).asApplicationError }
            var batch = LedgerBatch()
            batch.add(stream, expected: .noStream, events)
            if case .requested(let requested)? = events.first {
                for leg in Order.legRequests(for: requested, at: request.at) {
                    let legEvents: [Order.Event]
                    do { legEvents = try Order.decide(.request(leg), .initial) } catch { throw CommandRejected(error).asApplicationError }
                    batch.add(.order(leg.orderID), expected: .noStream, legEvents)
                }
            }
            switch try await system.log.append(batch, context: context) {
            case .appended, .alreadyAppended:
                if let o = try await system.log.load(Order.self, stream).state.order { return o }
            case .conflict:
                continue  // a concurrent placement of the same order won; use its record
            }
        }
        guard let o = try await system.log.load(Order.self, stream).state.order else { throw ApplicationError.contention(stream: stream.rawValue) }
        return o
    }
}

extension UUID {
    /// The first 12 hex digits: short, readable ids that stay unique within a day.
    var lowercasedShort: String { String(uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)) }
}
