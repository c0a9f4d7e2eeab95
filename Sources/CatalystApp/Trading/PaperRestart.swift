import Application
import Broker
import Domain
import Foundation

/// What a restarted `serve --simulate` gives its new paper broker: the positions, cash and open orders the
/// ledger recorded (see `PaperAdoption`). Cash is the starting cash less what today's buys cost plus what
/// today's sells brought, from the ledger's fills.
public enum PaperRestart {
    static func adoption(system: TradingSystem, startingCash: Money, at: Date) async throws -> PaperAdoption {
        let orders = try await system.directory.recentOrders()
        var cash = startingCash.amount
        var positions: [Symbol: NetPosition] = [:]
        for o in orders where !o.filledQuantity.isZero {
            // Each order's fills, netted into the position at their own prices.
            for x in o.executions {
                cash += (o.intent.side == .buy ? -1 : 1) * x.quantity.shares * x.price.value
                positions[o.intent.symbol] = (positions[o.intent.symbol] ?? .flat).applying(side: o.intent.side, quantity: x.quantity, price: x.price).0
            }
        }
        let byOrderID = Dictionary(orders.map { ($0.orderID, $0) }, uniquingKeysWith: { $1 })
        let open = orders.filter { !$0.status.isTerminal && $0.brokerOrderID != nil }
        // The entries of open legs come too (filled ones included), so the group still cancels as one.
        let parents = Set(open.compactMap(\.parentOrderID))
        var adopted: [PaperAdoption.Order] = []
        for o in orders where o.brokerOrderID != nil && (!o.status.isTerminal || parents.contains(o.orderID)) {
            guard let id = o.brokerOrderID else { continue }
            let parent = o.parentOrderID.flatMap { byOrderID[$0]?.brokerOrderID }
            adopted.append(
                PaperAdoption.Order(
                    id: id, intent: o.intent, status: BrokerOrderStatus(rawValue: o.status.rawValue) ?? .new, filledQuantity: o.filledQuantity,
                    filledNotional: o.filledNotional.amount, createdAt: o.requestedAt, parent: parent, takeProfitLeg: o.legRole == .takeProfit))
        }
        return PaperAdoption(positions: positions, cash: Money(cash), orders: adopted, at: at)
    }

    /// Gives the world's paper broker the ledger's book as of `at`, where the clock resumes; returns how
    /// many orders it took back.
    @discardableResult
    public static func restore(_ world: SimulatedWorld, system: TradingSystem, at: Date) async throws -> Int {
        let adoption = try await adoption(system: system, startingCash: world.broker.startingCash, at: at)
        world.broker.adopt(adoption)
        return adoption.orders.count
    }
}
