import Broker
import Domain
import EventStore
import Foundation

/// Cancels orders: records the request, asks the broker, and lets the broker's answer arrive through
/// status sync (a cancel is only a request until the broker confirms it).
public struct OrderCancellation: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    /// Requests cancellation of one of our orders.
    public func cancel(_ orderID: OrderID, reason: String, context: CommandContext) async throws {
        let now = system.clock.now()
        let outcome = try await system.runner.run(Order.self, .order(orderID), context: context) { _ in .requestCancel(reason: reason, at: now) }
        guard let record = outcome.state.order, let brokerID = record.brokerOrderID, !record.status.isTerminal else { return }
        do {
            try await system.broker.cancel(brokerID)
        } catch .rejected(let status, let message) {
            // 422: already filled or not cancelable — the broker's status (via sync) tells which.
            system.logger.info("broker refused cancel", metadata: ["order": "\(orderID)", "status": "\(status)", "message": "\(message)"])
        } catch {
            system.logger.warning("cancel failed", metadata: ["order": "\(orderID)", "error": "\(error)"])
            throw ApplicationError.unavailable("broker cancel: \(error)", retryable: error.isRetryable)
        }
    }

    /// Cancels every open exit order (bracket legs, earlier exits) of a symbol and waits until the broker
    /// reports them closed, because the broker refuses a new exit for shares held by other orders.
    public func cancelOpenExits(symbol: Symbol, reason: String, context: CommandContext, timeout: TimeInterval = 10) async throws {
        let open = try await system.directory.openOrders().filter { $0.intent.symbol == symbol && !$0.intent.purpose.isOpening }
        guard !open.isEmpty else { return }
        for o in open { try await cancel(o.orderID, reason: reason, context: context.followUp(commandID: system.ids.uuid())) }
        let ids = Set(open.compactMap(\.brokerOrderID))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let stillOpen = try await system.broker.openOrders().filter { o in ids.contains(o.id) || o.legs.contains { ids.contains($0.id) } }
            if stillOpen.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await StatusSync(system: system).syncOpenOrders(context: context.followUp(commandID: system.ids.uuid()))
    }

    /// Cancels every open order of the account at the broker (emergency stop), including orders we do not
    /// know, and records the requests for ours.
    public func cancelAll(reason: String, context: CommandContext) async throws {
        for o in try await system.directory.openOrders() {
            try? await cancel(o.orderID, reason: reason, context: context.followUp(commandID: system.ids.uuid()))
        }
        for o in try await system.broker.openOrders() {
            try? await system.broker.cancel(o.id)
        }
    }
}
