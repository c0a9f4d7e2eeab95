import Broker
import Domain
import EventStore
import Foundation

/// Sends a requested order to the broker and records what came back. The client order id is the
/// idempotency key, so sending again after "connection refused" is safe; an answer that never came is
/// recorded as `order.submit_outcome_unknown` and resolved by looking the order up, never by a blind
/// resubmission.
public struct OrderSubmission: Sendable {
    let system: TradingSystem
    /// Attempts for a submit that failed before anything reached the broker.
    var attempts = 3
    /// The wait between them: 0.2 s, then 0.4 s (`RetryPolicy`).
    static let retry = RetryPolicy(maxRetries: 2, base: 0.2, cap: 1.6)

    /// Submits the order if it has not been acknowledged yet; returns the order's record afterwards.
    func submitIfNeeded(_ record: Order.Record, context: CommandContext) async throws -> Order.Record {
        guard record.status == .requested, record.parentOrderID == nil else { return record }
        var lastError: BrokerError?
        for attempt in 0..<attempts {
            let result: Result<BrokerSubmitOutcome, BrokerError>
            do { result = .success(try await system.broker.submit(record.intent)) } catch { result = .failure(error) }
            switch result {
            case .success(let outcome):
                return try await recordAcknowledged(record, outcome.order, context: context)
            case .failure(.outcomeUnknown(let why)):
                return try await recordUnknown(record, reason: why, context: context)
            case .failure(.rejected(let status, let message)):
                return try await recordRejected(record, reason: "\(status): \(message)", context: context)
            case .failure(.unauthorized(let message)):
                return try await recordRejected(record, reason: "unauthorized: \(message)", context: context)
            case .failure(let error):
                lastError = error
                system.logger.warning("broker submit failed; retrying", metadata: ["order": "\(record.orderID)", "error": "\(error)"])
                try await Task.sleep(for: .seconds(Self.retry.delay(after: attempt + 1)))
            }
        }
        // Nothing reached the broker: the order stays `requested`; reconciliation submits it again later
        // (same client order id, so it cannot become two orders).
        system.logger.error("broker unavailable; order left requested", metadata: ["order": "\(record.orderID)", "error": "\(lastError.map { "\($0)" } ?? "")"])
        return record
    }

    /// Continues an order the ledger holds as `requested` without an answer: first asks the broker for
    /// its client order id, because a process that died (SIGKILL, power) between the broker call and
    /// `order.submitted` leaves exactly this state while the broker may well hold the order. Found: the
    /// acknowledgement is recorded from the broker's copy and nothing is sent. Not found: it is sent
    /// (under the same id). The lookup itself failing leaves it `requested` for the next run.
    func resume(_ record: Order.Record, context: CommandContext) async throws -> Order.Record {
        guard record.status == .requested, record.parentOrderID == nil, let client = record.intent.clientOrderID else { return record }
        let found: BrokerOrder?
        do {
            found = try await system.broker.order(clientOrderID: client)
        } catch {
            system.logger.warning("lookup of a requested order failed; left requested", metadata: ["order": "\(record.orderID)", "error": "\(error)"])
            return record
        }
        // Only the same order counts (an id held by a different order is a collision, refused by the submit).
        if let found, found.symbol == record.intent.symbol, found.side == record.intent.side {
            system.logger.notice(
                "requested order found at the broker; acknowledgement recorded, nothing sent",
                metadata: ["order": "\(record.orderID)", "broker_order": "\(found.id)"])
            return try await recordAcknowledged(record, found, context: context)
        }
        return try await submitIfNeeded(record, context: context)
    }

    /// Records the acknowledgement on the order and on each bracket leg (matched by leg type).
    func recordAcknowledged(_ record: Order.Record, _ broker: BrokerOrder, context: CommandContext) async throws -> Order.Record {
        let now = system.clock.now()
        let outcome = try await system.runner.run(Order.self, .order(record.orderID), context: context) { _ in
            .recordSubmitted(brokerOrderID: broker.id, brokerStatus: broker.status, at: now)
        }
        for link in record.legs {
            guard let leg = broker.legs.first(where: { Self.role(of: $0) == link.role }) else { continue }
            _ = try await system.runner.run(Order.self, .order(link.orderID), context: context.followUp(commandID: system.ids.uuid())) { _ in
                .recordSubmitted(brokerOrderID: leg.id, brokerStatus: leg.status, at: now)
            }
        }
        return outcome.state.order ?? record
    }

    /// A take-profit leg is the limit order; a stop-loss leg the stop (or stop-limit).
    static func role(of leg: BrokerOrder) -> LegRole {
        leg.type == .limit ? .takeProfit : .stopLoss
    }

    func recordUnknown(_ record: Order.Record, reason: String, context: CommandContext) async throws -> Order.Record {
        let now = system.clock.now()
        _ = try await system.runner.run(Order.self, .order(record.orderID), context: context) { _ in
            .recordSubmitOutcomeUnknown(reason: reason, at: now)
        }
        return try await resolve(record.orderID, context: context.followUp(commandID: system.ids.uuid()))
    }

    /// Looks an order of unknown outcome up by its client order id and records what the broker has: found
    /// (acknowledged) or not found (back to `requested`, sent again by reconciliation). When the lookup
    /// itself fails the order stays unknown; reconciliation tries again.
    @discardableResult
    public func resolve(_ orderID: OrderID, context: CommandContext) async throws -> Order.Record {
        let loaded = try await system.log.load(Order.self, .order(orderID))
        guard let record = loaded.state.order else { throw ApplicationError.notFound("order \(orderID)") }
        guard record.status == .submitUnknown, let client = record.intent.clientOrderID else { return record }
        let found: BrokerOrder?
        do {
            found = try await system.broker.order(clientOrderID: client)
        } catch {
            system.logger.warning("lookup of unknown order failed", metadata: ["order": "\(orderID)", "error": "\(error)"])
            return record
        }
        let now = system.clock.now()
        let lookup: Order.OutcomeLookup = found.map { .found($0.id, $0.status) } ?? .notFound
        let outcome = try await system.runner.run(Order.self, .order(orderID), context: context) { _ in .resolveOutcome(lookup, at: now) }
        if let found {
            for link in record.legs {
                guard let leg = found.legs.first(where: { Self.role(of: $0) == link.role }) else { continue }
                _ = try await system.runner.run(Order.self, .order(link.orderID), context: context.followUp(commandID: system.ids.uuid())) { _ in
                    .recordSubmitted(brokerOrderID: leg.id, brokerStatus: leg.status, at: now)
                }
            }
        }
        // Not found: the order is `requested` again, confirmed absent at the broker, and reconciliation
        // sends it under the same client order id (which cannot create a second order). Its approval keeps
        // its room meanwhile: releasing it here would let the limits be spent twice once it is sent.
        return outcome.state.order ?? record
    }

    func recordRejected(_ record: Order.Record, reason: String, context: CommandContext) async throws -> Order.Record {
        let now = system.clock.now()
        let update = Order.BrokerUpdate(status: .rejected, at: now, source: .submitResponse, reason: reason)
        let outcome = try await system.runner.run(Order.self, .order(record.orderID), context: context) { _ in .applyBrokerUpdate(update) }
        for link in record.legs {
            _ = try? await system.runner.run(Order.self, .order(link.orderID), context: context.followUp(commandID: system.ids.uuid())) { _ in
                .applyBrokerUpdate(update)
            }
        }
        try await releaseIfEntry(record, reason: .orderRejected, context: context)
        return outcome.state.order ?? record
    }

    /// An entry that will never fill (fully) gives its room under the limits back.
    func releaseIfEntry(_ record: Order.Record, reason: Risk.ReleaseReason, context: CommandContext) async throws {
        guard let approval = record.approvalID else { return }
        let date = system.tradingDate(record.requestedAt)
        let now = system.clock.now()
        _ = try await system.runner.run(Risk.self, .risk(account: system.account, date: date), context: context.followUp(commandID: system.ids.uuid())) { _ in
            .releaseApproval(approval, reason: reason, at: now)
        }
    }
}
