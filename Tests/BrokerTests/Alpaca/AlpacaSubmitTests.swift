import Broker
import Domain
import FakeAlpaca
import Foundation
import Testing

/// Submitting orders: the exact request, idempotency by client order id, unknown outcomes.
@Suite struct AlpacaSubmitTests {
    @Test func aSimpleLimitOrderSendsExactlyAlpacasJSON() async throws {
        try await AlpacaHarness.run { c in
            let outcome = try await c.broker.submit(Fixture.entry("simple-1", qty: 10, type: .limit, limit: "10.05"))
            guard case .created(let order) = outcome else {
                Issue.record("expected created, got \(outcome)")
                return
            }
            #expect(c.state.receivedBodies.map(\.body) == [
                #"{"client_order_id":"simple-1","extended_hours":false,"limit_price":"10.05","order_class":"simple","qty":"10","side":"buy","symbol":"AAA","time_in_force":"day","type":"limit"}"#
            ])
            let fake = try #require(c.state.orders.first)
            #expect(order.id.rawValue == fake.id && order.clientOrderID == "simple-1" && order.status == .new)
            #expect(order.quantity == Quantity(10) && order.limitPrice == Fixture.price("10.05") && order.side == .buy)
            #expect(order.orderClass == .simple && order.legs.isEmpty && order.raw?.contains(#""qty":"10""#) == true)
        }
    }

    @Test func aShortEntryIsSentAsASell() async throws {
        try await AlpacaHarness.run { c in
            _ = try await c.broker.submit(Fixture.entry("short-1", Fixture.bbb, side: .short, qty: 5))
            #expect(c.state.receivedBodies.first?.body.contains(#""side":"sell""#) == true)
            #expect(c.state.orders.first?.side == "sell")
        }
    }

    @Test func aBracketSendsItsLegsWithTickRoundedPricesAndGetsThemBackNested() async throws {
        try await AlpacaHarness.run { c in
            // Sub-penny inputs: the buy limit rounds down, the take-profit (a sell) up, the stop to nearest.
            let intent = OrderIntent(
                clientOrderID: Fixture.cid("bracket-1"), symbol: Fixture.aaa, positionSide: .long, purpose: .entry, quantity: Quantity(25),
                type: .limit, limitPrice: Price(Decimal(string: "10.057")!), timeInForce: .day, orderClass: .bracket,
                takeProfit: Price(Decimal(string: "11.003")!), stopLoss: Price(Decimal(string: "9.504")!))
            let order = try await c.broker.submit(intent).order
            #expect(c.state.receivedBodies.map(\.body) == [
                #"{"client_order_id":"bracket-1","extended_hours":false,"limit_price":"10.05","order_class":"bracket","qty":"25","side":"buy","stop_loss":{"stop_price":"9.5"},"symbol":"AAA","take_profit":{"limit_price":"11.01"},"time_in_force":"day","type":"limit"}"#
            ])
            #expect(order.orderClass == .bracket && order.legs.count == 2)
            #expect(order.legs.map(\.status) == [.held, .held] && order.legs.allSatisfy { $0.side == .sell && $0.quantity == Quantity(25) })
            #expect(order.legs.map(\.type) == [.limit, .stop])
            #expect(order.legs.first?.limitPrice == Fixture.price("11.01") && order.legs.last?.stopPrice == Fixture.price("9.5"))
        }
    }

    @Test func anInvalidIntentIsRefusedWithoutBeingSent() async throws {
        try await AlpacaHarness.run { c in
            var intent = Fixture.entry("bad-1", type: .limit, limit: "10")
            intent.side = .sell  // a long entry sent as a sell: the original system's bug
            let error = await brokerError { try await c.broker.submit(intent) }
            #expect(error?.rejectedStatus == 422 && error?.rejectedMessage?.contains("sideInconsistent") == true)
            #expect(c.count("POST") == 0)
        }
    }

    @Test func aDuplicateClientOrderIDIsTheExistingOrderAndNoSecondOrder() async throws {
        try await AlpacaHarness.run { c in
            let first = try await c.broker.submit(Fixture.entry("dup-1"))
            let second = try await c.broker.submit(Fixture.entry("dup-1"))
            guard case .created(let a) = first, case .alreadyExists(let b) = second else {
                Issue.record("expected created then alreadyExists, got \(first), \(second)")
                return
            }
            #expect(a.id == b.id)
            #expect(c.state.orders.count == 1)
            #expect(c.count("POST /v2/orders") == 2 && c.count("GET /v2/orders:by_client_order_id") == 1)
            // The same id for a different order is a collision, not a retry.
            let clash = await brokerError { try await c.broker.submit(Fixture.entry("dup-1", qty: 99)) }
            #expect(clash?.rejectedStatus == 422 && clash?.rejectedMessage?.contains("client_order_id must be unique") == true)
            #expect(c.state.orders.count == 1)
        }
    }

    @Test func aPostThatTimesOutIsUnknownAndTheOrderIsFoundByClientOrderID() async throws {
        // Timeouts on this busy machine: 1.5 s for the client, an answer 6 s late from the fake.
        try await AlpacaHarness.run(timeout: 1.5) { c in
            c.faults.connection(.answerLate(seconds: 6), "/v2/orders", method: "POST")
            let started = ContinuousClock.now
            let error = await brokerError { try await c.broker.submit(Fixture.entry("timeout-1")) }
            #expect(error?.isOutcomeUnknown == true, "got \(String(describing: error))")
            #expect(ContinuousClock.now - started < .seconds(5), "the session's timeout applied")
            // On a loaded machine the POST can reach the fake after the client gave up: wait for it to
            // arrive (as a real server would still take it), then look it up and count.
            for _ in 0..<200 where c.count("POST /v2/orders") == 0 { try await Task.sleep(for: .milliseconds(50)) }
            let found = try #require(try await c.broker.order(clientOrderID: Fixture.cid("timeout-1")))
            #expect(found.id.rawValue == c.state.orders.first?.id && c.state.orders.count == 1)
            #expect(c.count("POST /v2/orders") == 1, "never resubmitted blindly")
        }
    }

    @Test func aConnectionDroppedMidBodyAfterTheOrderWasTakenIsUnknown() async throws {
        try await AlpacaHarness.run { c in
            c.faults.connection(.dropMidBody, "/v2/orders", method: "POST")
            let error = await brokerError { try await c.broker.submit(Fixture.entry("drop-1")) }
            #expect(error?.isOutcomeUnknown == true, "got \(String(describing: error))")
            #expect(c.count("POST /v2/orders") == 1 && c.state.orders.count == 1)
            let found = try await c.broker.order(clientOrderID: Fixture.cid("drop-1"))
            #expect(found != nil)
        }
    }

    @Test func aServerErrorOnSubmitIsResolvedByLookupThenSentAgainSafely() async throws {
        try await AlpacaHarness.run { c in
            c.faults.fail("/v2/orders", method: "POST", status: 500, message: "internal server error")
            let outcome = try await c.broker.submit(Fixture.entry("five-1"))
            guard case .created(let order) = outcome else {
                Issue.record("expected created, got \(outcome)")
                return
            }
            #expect(c.state.orders.count == 1 && order.id.rawValue == c.state.orders[0].id)
            #expect(c.requests == ["POST /v2/orders", "GET /v2/orders:by_client_order_id?client_order_id=five-1&nested=true", "POST /v2/orders"])
        }
    }

    @Test func aServerErrorAfterTheOrderWasTakenIsResolvedWithoutASecondOrder() async throws {
        try await AlpacaHarness.run { c in
            c.faults.connection(.failAfterProcessing(status: 502), "/v2/orders", method: "POST")
            let outcome = try await c.broker.submit(Fixture.entry("five-2"))
            guard case .created(let order) = outcome else {
                Issue.record("expected created, got \(outcome)")
                return
            }
            #expect(c.state.orders.count == 1 && order.id.rawValue == c.state.orders[0].id)
            #expect(c.count("POST /v2/orders") == 1, "found by its client order id, not sent again")
        }
    }

    @Test func aSubmitDuringAMinuteOfServerErrorsGivesUpWithoutAnOrder() async throws {
        try await AlpacaHarness.run(maxRetries: 2) { c in
            c.faults.fail("/v2/orders", status: 500, for: .seconds(60))
            let error = await brokerError { try await c.broker.submit(Fixture.entry("five-3")) }
            // The lookup itself fails too, so the outcome cannot be known.
            #expect(error?.isOutcomeUnknown == true, "got \(String(describing: error))")
            #expect(c.count("POST /v2/orders") == 1 && c.state.orders.isEmpty)
        }
    }

    @Test func anExitWithoutThePositionIsNotSentAndARetriedExitFindsItsOrder() async throws {
        try await AlpacaHarness.run(configure: { $0.setExternalPosition(symbol: "AAA", quantity: 10, averagePrice: 10) }) { c in
            let flat = await brokerError { try await c.broker.submit(Fixture.exit("exit-bbb", Fixture.bbb)) }
            #expect(flat?.rejectedMessage?.hasSuffix("it would open a short position") == true)
            let order = try await c.broker.submit(Fixture.exit("exit-aaa")).order
            #expect(c.count("POST /v2/orders") == 1 && order.side == .sell)
            try c.state.fill(order.id.rawValue, price: 10)
            // The position is gone now; the same exit again is the same order, not a refusal or a short.
            let again = try await c.broker.submit(Fixture.exit("exit-aaa"))
            #expect(again == .alreadyExists(try #require(try await c.broker.order(id: order.id))))
            #expect(c.count("POST /v2/orders") == 1 && c.state.positions.isEmpty)
        }
    }

    @Test func rejectionsCarryTheBrokersMessage() async throws {
        try await AlpacaHarness.run { c in
            let tooBig = await brokerError { try await c.broker.submit(Fixture.entry("bp-1", qty: 50_000)) }
            #expect(tooBig == .rejected(status: 403, message: "insufficient buying power"))
            c.faults.fail("/v2/orders", method: "POST", status: 422, code: 40_010_001, message: "asset ZZZ is not tradable")
            let scripted = await brokerError { try await c.broker.submit(Fixture.entry("t-1")) }
            #expect(scripted == .rejected(status: 422, message: "asset ZZZ is not tradable"))
            #expect(c.count("POST /v2/orders") == 2, "a 4xx is not retried")
            #expect(c.broker.health.consecutiveFailures == 0, "a 4xx is the broker working")
        }
    }

    @Test func aWrongKeyIsUnauthorizedAndNothingLeaksTheSecret() async throws {
        try await AlpacaHarness.run(key: "PKWRONG") { c in
            let error = await brokerError { try await c.broker.account() }
            #expect(error == .unauthorized("request is not authorized"))
            #expect(!"\(String(describing: error))".contains(FakeAlpacaServer.testSecret))
            #expect(!c.broker.configuration.description.contains(FakeAlpacaServer.testSecret))
            #expect(c.count("GET /v2/account") == 1)
        }
    }
}
