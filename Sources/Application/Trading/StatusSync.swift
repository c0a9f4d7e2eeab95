import Broker
import Domain
import EventStore
import Foundation

/// Brings our orders' statuses in line with the broker's (accepted, canceled, expired, replaced …).
/// Fills are never taken from a status: they come through `FillIngestor` first, so a status `filled`
/// only lands after its executions.
public struct StatusSync: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    /// A broker status the ledger could not take (the order's transition table refused it): a real
    /// mismatch for a human. Ordinary status changes learned by polling are simply applied.
    public struct Drift: Sendable, Hashable {
        public var orderID: OrderID
        public var ours: Order.Status
        public var broker: BrokerOrderStatus
        public var reason: String
    }

    /// Checks every open order of ours at the broker and applies status changes. Returns the statuses
    /// that could not be applied, the orders the broker does not know, and how many changes were applied.
    @discardableResult
    public func syncOpenOrders(context: CommandContext) async throws -> (drifts: [Drift], notFound: [Order.Record], applied: Int) {
        var drifts: [Drift] = []
        var applied = 0
        var missing: [Order.Record] = []
        for record in try await system.directory.openOrders() {
            switch record.status {
            case .submitUnknown:
                try await OrderSubmission(system: system).resolve(record.orderID, context: context.followUp(commandID: system.ids.uuid()))
                continue
            case .requested where record.parentOrderID == nil:
                // Not acknowledged: either it never reached the broker (it was unavailable), or the process
                // died between the broker call and the acknowledgement. The broker is asked for its client
                // order id first, so the second case is resolved without sending anything again.
                _ = try await OrderSubmission(system: system).resume(record, context: context.followUp(commandID: system.ids.uuid()))
                continue
            default:
                break
            }
            guard let brokerID = record.brokerOrderID else { continue }
            let broker: BrokerOrder?
            do { broker = try await system.broker.order(id: brokerID) } catch { continue }
            guard let broker else {
                missing.append(record)
                continue
            }
            switch try await apply(broker, to: record, context: context.followUp(commandID: system.ids.uuid())) {
            case .unchanged: break
            case .applied: applied += 1
            case .refused(let drift): drifts.append(drift)
            }
        }
        return (drifts, missing, applied)
    }

    public enum Applied: Sendable {
        case unchanged
        case applied
        case refused(Drift)
    }

    /// Applies the broker's status when it differs from ours.
    func apply(_ broker: BrokerOrder, to record: Order.Record, context: CommandContext) async throws -> Applied {
        let theirs = Order.Status(broker: broker.status)
        guard theirs != record.status else { return .unchanged }
        // Partial and full fills are recorded from executions only.
        if broker.status == .filled || broker.status == .partiallyFilled {
            guard broker.filledQuantity > record.filledQuantity else { return .unchanged }
            _ = try await FillIngestor(system: system).poll(context: context)
            return .applied
        }
        let at = broker.updatedAt ?? broker.canceledAt ?? broker.expiredAt ?? system.clock.now()
        var replacedBy: OrderID?
        if broker.status == .replaced, let newID = broker.replacedBy {
            replacedBy = try await system.directory.order(brokerOrderID: newID)?.orderID
        }
        let update = Order.BrokerUpdate(
            status: broker.status, brokerOrderID: broker.id, at: at, source: .reconciliation, brokerCumulativeQuantity: broker.filledQuantity,
            replacedBy: replacedBy, replacedByBrokerOrderID: broker.replacedBy, reason: broker.rejectReason)
        do {
            _ = try await system.runner.run(Order.self, .order(record.orderID), context: context) { _ in .applyBrokerUpdate(update) }
        } catch let refusal as any CommandRefusal {
            system.logger.warning("broker status not applied", metadata: ["order": "\(record.orderID)", "broker": "\(broker.status)", "why": "\(refusal)"])
            return .refused(Drift(orderID: record.orderID, ours: record.status, broker: broker.status, reason: refusal.message))
        }
        if record.approvalID != nil, [.canceled, .expired, .rejected].contains(broker.status), broker.filledQuantity < record.intent.quantity {
            let reason: Risk.ReleaseReason = broker.status == .canceled ? .orderCanceled : broker.status == .expired ? .orderExpired : .orderRejected
            try await OrderSubmission(system: system).releaseIfEntry(record, reason: reason, context: context)
        }
        return .applied
    }
}
