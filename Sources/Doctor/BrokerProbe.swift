import Broker
import Domain
import Foundation

/// Reads the broker's side of a snapshot: its positions, and each of our open orders by id. Errors
/// are values (the watchdog reports them), never thrown.
public struct BrokerProbe: Sendable {
    let broker: any Broker

    public init(broker: any Broker) { self.broker = broker }

    public func read(orders: [DoctorSnapshot.OrderRow]) async -> DoctorSnapshot.BrokerView {
        let mode = broker.mode.moneyMode
        let positions: [BrokerPosition]
        do {
            positions = try await broker.positions()
        } catch {
            // The broker answering 5xx is an API error (BROKER_API_ERROR); no answer at all (refused, timed
            // out, dropped) a connection error. Retries and the circuit hide which it was, so ask the
            // health the requests left behind.
            let answered = broker.health.lastFailureStatus != nil
            switch error {
            case .unavailable(let m), .outcomeUnknown(let m):
                return answered ? .apiError(mode: mode, message: m) : .connectionError(mode: mode, message: m)
            case .circuitOpen:
                return answered ? .apiError(mode: mode, message: error.description) : .connectionError(mode: mode, message: error.description)
            default: return .apiError(mode: mode, message: error.description)
            }
        }
        var held: [String: Decimal] = [:]
        for p in positions where !p.quantity.shares.isZero { held[p.symbol.rawValue] = p.quantity.shares }
        var lookups: [String: DoctorSnapshot.OrderLookup] = [:]
        for o in orders where !o.isTerminal {
            guard let id = o.brokerOrderID else { continue }
            do {
                if let found = try await broker.order(id: BrokerOrderID(rawValue: id)) {
                    lookups[id] = .found(status: found.status.rawValue)
                } else {
                    lookups[id] = .notFound
                }
            } catch {
                lookups[id] = .error(error.description)
            }
        }
        return .connected(DoctorSnapshot.BrokerState(mode: mode, positions: held, orders: lookups))
    }
}
