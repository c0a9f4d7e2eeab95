import Broker
import Domain
import FakeAlpaca
import Foundation
import Testing

/// Retries, timeouts, dropped connections and the circuit breaker against the fake.
@Suite struct AlpacaFaultTests {
    @Test func serverErrorsOnReadsAreRetriedAndRecover() async throws {
        try await AlpacaHarness.run(maxRetries: 2) { c in
            c.faults.fail("/v2/account", status: 503, times: 2)
            let account = try await c.broker.account()
            #expect(account.equity == Money(100_000))
            #expect(c.count("GET /v2/account") == 3)
            let health = c.broker.health
            #expect(health.failures == 2 && health.consecutiveFailures == 0 && health.requests == 3 && health.circuit == .closed)
            #expect(health.lastFailure?.contains("HTTP 503") == true)
        }
    }

    @Test func readsGiveUpAfterTheRetriesAsUnavailable() async throws {
        try await AlpacaHarness.run(maxRetries: 2) { c in
            c.faults.fail("/v2/positions", status: 500, times: 10)
            let error = await brokerError { try await c.broker.positions() }
            #expect(error?.isUnavailable == true && error?.isRetryable == true, "got \(String(describing: error))")
            #expect(c.count("GET /v2/positions") == 3)
        }
    }

    @Test func aReadThatTimesOutIsRetried() async throws {
        try await AlpacaHarness.run(timeout: 1.5, maxRetries: 1) { c in
            c.faults.delay("/v2/account", seconds: 6)
            let account = try await c.broker.account()
            #expect(account.buyingPower == Money(100_000) && c.count("GET /v2/account") == 2)
            #expect(c.broker.health.lastFailure?.contains("timed out") == true)
        }
    }

    @Test func aReadWhoseConnectionDropsMidBodyIsRetried() async throws {
        try await AlpacaHarness.run(maxRetries: 1) { c in
            c.faults.connection(.dropWithoutProcessing, "/v2/account")
            let account = try await c.broker.account()
            #expect(account.equity == Money(100_000))
            #expect(c.count("GET /v2/account") == 2 && c.broker.health.failures == 1)
        }
    }

    @Test func theCircuitOpensAfterRepeatedFailuresAndClosesAfterRecovery() async throws {
        try await AlpacaHarness.run(maxRetries: 0, threshold: 3, coolDown: 30) { c in
            c.faults.fail("/v2/account", status: 500, for: .seconds(60))
            for _ in 0..<3 {
                let e1 = await brokerError { try await c.broker.account() }
                #expect(e1?.isUnavailable == true)
            }
            var health = c.broker.health
            #expect(health.circuit == .open && health.timesOpened == 1 && health.consecutiveFailures == 3 && health.isDegraded)
            #expect(health.retryAt == Fixture.open.addingTimeInterval(30))

            // Open: refused locally, nothing sent; a submit is refused before it is sent.
            let e2 = await brokerError { try await c.broker.account() }
            #expect(e2 == .circuitOpen)
            let e3 = await brokerError { try await c.broker.submit(Fixture.entry("while-open")) }
            #expect(e3 == .circuitOpen)
            #expect(c.count("GET /v2/account") == 3 && c.count("POST") == 0 && c.state.orders.isEmpty)
            #expect(c.broker.health.refusedWhileOpen == 2)

            // Cool-down over, broker still failing: the probe fails and the circuit re-opens.
            c.clock.advance(30)
            #expect(c.broker.health.circuit == .halfOpen)
            let e4 = await brokerError { try await c.broker.account() }
            #expect(e4?.isUnavailable == true)
            health = c.broker.health
            #expect(health.circuit == .open && health.timesOpened == 2 && c.count("GET /v2/account") == 4)

            // The broker recovers; after the next cool-down the probe succeeds and the circuit closes.
            c.faults.clear()
            c.clock.advance(30)
            #expect(try await c.broker.account().equity == Money(100_000))
            health = c.broker.health
            #expect(health.circuit == .closed && health.consecutiveFailures == 0 && !health.isDegraded && health.retryAt == nil)
            _ = try await c.broker.submit(Fixture.entry("after-recovery"))
            #expect(c.state.orders.count == 1)
        }
    }

    @Test func aDroppedConnectionOnCancelIsUnknownNotRetried() async throws {
        try await AlpacaHarness.run { c in
            let order = try await c.broker.submit(Fixture.entry("cancel-drop", type: .limit, limit: "9")).order
            c.faults.connection(.dropMidBody, "/v2/orders/", method: "DELETE")
            let error = await brokerError { try await c.broker.cancel(order.id) }
            #expect(error?.isOutcomeUnknown == true, "got \(String(describing: error))")
            #expect(c.count("DELETE /v2/orders/") == 1)
            #expect(try await c.broker.order(id: order.id)?.status == .canceled, "the cancel did happen; a read resolves it")
        }
    }

    @Test func aRateLimitedRequestWaitsAndRetries() async throws {
        try await AlpacaHarness.run(maxRetries: 2) { c in
            c.faults.fail("/v2/orders", method: "POST", status: 429, message: "rate limit exceeded", headers: ["Retry-After": "0"])
            let outcome = try await c.broker.submit(Fixture.entry("limited-1"))
            guard case .created = outcome else {
                Issue.record("expected created, got \(outcome)")
                return
            }
            #expect(c.count("POST /v2/orders") == 2 && c.state.orders.count == 1)
        }
    }
}
