import Application
import Broker
import Domain
import FakeAlpaca
import Foundation
import Testing

@testable import ApplicationTestKit

/// Broker failures against the fake Alpaca server over real HTTP: refusals are recorded with the
/// broker's message, failures are retried without ever creating a second order, unknown outcomes are
/// resolved by the client order id, and an outage leaves the order to reconciliation. Nothing is lost
/// and nothing is double-submitted.
@Suite(.serialized) struct BrokerFailureTests {
    static func ordersAtTheFake(_ h: AlpacaAppHarness, _ order: Order.Record) -> [FakeOrder] {
        h.state.orders.filter { $0.clientOrderID == order.intent.clientOrderID?.rawValue }
    }

    static func releases(_ events: [Recorded]) -> [Risk.ApprovalReleased] {
        events.compactMap { if case .risk(.approvalReleased(let r)) = $0.event { r } else { nil } }
    }

    @Test(arguments: [(403, "insufficient buying power"), (422, "qty must be a multiple of the lot size")])
    func aRefusalIsRecordedWithTheBrokersMessageAndReleasesTheApproval(status: Int, message: String) async throws {
        try await AlpacaAppHarness.run { h in
            h.faults.fail("/v2/orders", method: "POST", status: status, message: message)
            _ = try await h.trade()
            let order = try await h.entry()
            #expect(order.status == .rejected)
            let events = try await h.events()
            let rejected = events.filter { $0.stream == "order-\(order.orderID.rawValue)" }.compactMap {
                if case .order(.rejected(let r)) = $0.event { r } else { nil }
            }
            #expect(rejected.count == 1)
            for leg in order.legs { #expect(try await h.order(leg.orderID)?.status == .rejected, "the legs go with their entry") }
            #expect(rejected.first?.update.reason?.contains(message) == true, "\(String(describing: rejected.first?.update.reason))")
            #expect(rejected.first?.update.reason?.contains(String(status)) == true)
            #expect(Self.releases(events).map(\.reason) == [.orderRejected])
            #expect(try await h.system.log.load(Risk.self, .risk(account: h.account, date: SimHarness.date)).state.pending.isEmpty)
            #expect(h.count("POST /v2/orders") == 1, "a refusal is final: not sent again")
            #expect(h.state.orders.isEmpty)
        }
    }

    /// Two 503s, then the broker answers: the client looks the id up after each failure (not there),
    /// sends again, and exactly one order exists.
    @Test func serverErrorsOnSubmitAreRetriedIntoExactlyOneOrder() async throws {
        try await AlpacaAppHarness.run { h in
            h.faults.fail("/v2/orders", method: "POST", status: 503, times: 2)
            _ = try await h.trade()
            let order = try await h.entry()
            #expect(order.status == .new && order.brokerOrderID != nil)
            #expect(Self.ordersAtTheFake(h, order).count == 1)
            #expect(h.count("POST /v2/orders") == 3 && h.count("GET /v2/orders:by_client_order_id") >= 2)
        }
    }

    /// The broker creates the order and then fails (500): the lookup finds it; not sent again.
    @Test func aServerErrorAfterTheOrderWasCreatedFindsItInsteadOfResending() async throws {
        try await AlpacaAppHarness.run { h in
            h.faults.connection(.failAfterProcessing(status: 500), "/v2/orders", method: "POST")
            _ = try await h.trade()
            let order = try await h.entry()
            let atFake = Self.ordersAtTheFake(h, order)
            #expect(atFake.count == 1 && order.brokerOrderID?.rawValue == atFake.first?.id)
            #expect(h.count("POST /v2/orders") == 1)
        }
    }

    /// The answer never comes (past the client's timeout) but the broker did create the order:
    /// `order.submit_outcome_unknown`, then the lookup by client order id resolves it as found.
    @Test func aTimedOutSubmitThatTheBrokerHasIsResolvedByLookup() async throws {
        try await AlpacaAppHarness.run(timeout: 1) { h in
            h.faults.connection(.answerLate(seconds: 3), "/v2/orders", method: "POST")
            _ = try await h.trade()
            let order = try await h.entry()
            let types = try await h.events().filter { $0.stream == "order-\(order.orderID.rawValue)" }.map(\.type)
            #expect(types.starts(with: ["order.requested", "order.submit_outcome_unknown", "order.outcome_resolved"]), "\(types)")
            let atFake = Self.ordersAtTheFake(h, order)
            #expect(atFake.count == 1 && order.brokerOrderID?.rawValue == atFake.first?.id && order.status == .new)
            #expect(h.count("POST /v2/orders") == 1, "never resent blindly")
            #expect(Self.releases(try await h.events()).isEmpty)
        }
    }

    /// The connection dies before the broker acted: unknown, the lookup says "not there", and the
    /// order is sent again under the same client order id — one order in the end, the approval's room
    /// kept for it the whole time.
    @Test func aTimedOutSubmitThatTheBrokerDoesNotHaveIsSentOnceMore() async throws {
        try await AlpacaAppHarness.run { h in
            h.faults.connection(.dropWithoutProcessing, "/v2/orders", method: "POST")
            _ = try await h.trade()
            var order = try await h.entry()
            var types = try await h.events().filter { $0.stream == "order-\(order.orderID.rawValue)" }.map(\.type)
            #expect(types.starts(with: ["order.requested", "order.submit_outcome_unknown", "order.outcome_resolved"]), "\(types)")
            // Whatever happened at once, the next reconciliation leaves exactly one order at the broker.
            _ = try await h.reconcile()
            _ = try await h.reconcile()
            order = try #require(try await h.order(order.orderID))
            #expect(Self.ordersAtTheFake(h, order).count == 1)
            #expect(order.status == .new && order.brokerOrderID != nil)
            types = try await h.events().filter { $0.stream == "order-\(order.orderID.rawValue)" }.map(\.type)
            #expect(types.filter { $0 == "order.submitted" }.count == 1)
            let events = try await h.events()
            #expect(Self.releases(events).isEmpty, "the order lives, so its approval must keep its room")
            let approval = try #require(order.approvalID)
            #expect(try await h.system.log.load(Risk.self, .risk(account: h.account, date: SimHarness.date)).state.pending[approval] != nil)
        }
    }

    /// Connection refused on every submit: retried with backoff, then the order stays `requested`
    /// (nothing reached the broker). When the broker is back, reconciliation sends it — once.
    @Test func aBrokerThatIsDownLeavesTheOrderRequestedUntilReconciliationSubmitsItOnce() async throws {
        try await AlpacaAppHarness.run { h in
            h.network.down(for: "POST")
            _ = try await h.trade()
            var order = try await h.entry()
            #expect(order.status == .requested && order.brokerOrderID == nil)
            #expect(h.state.orders.isEmpty && h.count("POST /v2/orders") == 0)
            // Still down: reconciliation tries and leaves it as it is.
            _ = try await h.reconcile()
            #expect(try await h.order(order.orderID)?.status == .requested)
            h.network.up()
            _ = try await h.reconcile()
            _ = try await h.reconcile()
            order = try #require(try await h.order(order.orderID))
            #expect(order.status == .new && Self.ordersAtTheFake(h, order).count == 1)
            #expect(h.count("POST /v2/orders") == 1)
            #expect(try await h.events().filter { $0.stream == "order-\(order.orderID.rawValue)" }.count("order.submitted") == 1)
        }
    }

    /// 503s for longer than every retry: the order stays `requested` or unknown, never lost; once the
    /// broker recovers, reconciliation ends with exactly one order.
    @Test func aLongRunOfServerErrorsEndsWithExactlyOneOrder() async throws {
        try await AlpacaAppHarness.run { h in
            h.faults.fail("/v2/orders", status: 503, times: 40)
            _ = try await h.trade()
            var order = try await h.entry()
            #expect([.requested, .submitUnknown].contains(order.status), "\(order.status)")
            #expect(h.state.orders.isEmpty)
            h.faults.clear()
            _ = try await h.reconcile()
            _ = try await h.reconcile()
            order = try #require(try await h.order(order.orderID))
            #expect(Self.ordersAtTheFake(h, order).count == 1, "\(order.status)")
            #expect(order.status == .new && order.brokerOrderID != nil)
        }
    }
}
