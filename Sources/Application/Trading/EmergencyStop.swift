import Broker
import Domain
import EventStore
import Foundation

/// The kill switch: halt trading (sticky until a human resume), cancel every open order, and close every
/// position with market orders. The closing prices are whatever the fills report — no P&L is invented.
public struct EmergencyStop: Sendable {
    let system: TradingSystem

    public init(system: TradingSystem) { self.system = system }

    public struct Report: Sendable, Hashable, Codable {
        public var halted: Bool
        public var ordersCanceled: Int
        public var positionsClosing: [String]
    }

    /// Halts, cancels and flattens. Idempotent: a repeated stop finds the halt in place and nothing open.
    @discardableResult
    public func run(reason: String, context: CommandContext) async throws -> Report {
        let state = try await RiskDesk(system: system).halt(.emergencyStop, detail: reason, context: context)
        let closing = try await flatten(reason: .emergency, note: reason, context: context.followUp(commandID: system.ids.uuid()))
        return Report(halted: state.halt != nil, ordersCanceled: closing.canceled, positionsClosing: closing.symbols.map(\.rawValue))
    }

    /// Cancels all open orders and submits a market exit for every position the broker holds.
    @discardableResult
    func flatten(reason: ExitReason, note: String, context: CommandContext) async throws -> (canceled: Int, symbols: [Symbol]) {
        let open = try await system.broker.openOrders()
        try await OrderCancellation(system: system).cancelAll(reason: note, context: context)
        var symbols: [Symbol] = []
        let positions: [BrokerPosition]
        do { positions = try await system.broker.positions() } catch {
            throw ApplicationError.unavailable("broker positions: \(error)", retryable: error.isRetryable)
        }
        for p in positions where !p.quantity.isZero {
            let side: PositionSide = p.quantity.isNegative ? .short : .long
            let stream = StreamName.position(account: system.account, symbol: p.symbol)
            let positionID = try await system.log.load(Position.self, stream).state.open?.positionID
            let step = context.followUp(commandID: system.ids.uuid())
            let now = context.now
            _ = try? await system.runner.run(Position.self, stream, context: step) { _ in .requestExit(reason, by: context.actor, at: now) }
            _ = try await OrderPlacement(system: system).placeExit(
                symbol: p.symbol, side: side, quantity: p.quantity.magnitude, positionID: positionID, reason: reason,
                context: step.followUp(commandID: system.ids.uuid()))
            symbols.append(p.symbol)
        }
        return (open.count, symbols)
    }
}
