import Configuration
import Domain
import Foundation
import RateLimiting
import Testing

@testable import Broker

/// Configuration from the environment, the rate limiter and the circuit breaker on their own.
@Suite struct AlpacaConfigurationTests {
    @Test func noKeysMeansThePaperBroker() throws {
        #expect(try AlpacaTradingConfiguration.readEnvironment([:]) == nil)
        #expect(try AlpacaTradingConfiguration.readEnvironment(["APCA_API_KEY_ID": "", "APCA_API_SECRET_KEY": ""]) == nil)
    }

    @Test func halfAConfigurationIsAnError() {
        #expect(throws: AlpacaConfigurationError.missing("APCA_API_SECRET_KEY")) {
            try AlpacaTradingConfiguration.readEnvironment(["APCA_API_KEY_ID": "PK1"])
        }
        #expect(throws: AlpacaConfigurationError.missing("APCA_API_KEY_ID")) {
            try AlpacaTradingConfiguration.readEnvironment(["APCA_API_SECRET_KEY": "s"])
        }
        #expect(throws: AlpacaConfigurationError.invalidBaseURL("ftp://x")) {
            try AlpacaTradingConfiguration.readEnvironment(["APCA_API_KEY_ID": "PK1", "APCA_API_SECRET_KEY": "s", "APCA_API_BASE_URL": "ftp://x"])
        }
    }

    @Test func theClientsPatienceCanBeTunedAndABadValueIsRefusedByName() throws {
        let keys = ["APCA_API_KEY_ID": "PK1", "APCA_API_SECRET_KEY": "s"]
        let plain = try #require(try AlpacaTradingConfiguration.readEnvironment(keys))
        #expect(plain.circuitCoolDown == 30 && plain.circuitFailureThreshold == 5 && plain.maxRetries == 3 && plain.requestTimeout == 10)
        let tuned = try #require(
            try AlpacaTradingConfiguration.readEnvironment(
                keys.merging([
                    "CATALYST_BROKER_CIRCUIT_COOLDOWN_SECONDS": "2.5", "CATALYST_BROKER_CIRCUIT_THRESHOLD": "7", "CATALYST_BROKER_MAX_RETRIES": "0",
                    "CATALYST_BROKER_TIMEOUT_SECONDS": "4", "CATALYST_BROKER_RETRY_DELAY_SECONDS": "0.1",
                ]) { $1 }))
        #expect(tuned.circuitCoolDown == 2.5 && tuned.circuitFailureThreshold == 7 && tuned.maxRetries == 0)
        #expect(tuned.requestTimeout == 4 && tuned.retryBaseDelay == 0.1)
        for (name, value) in [("CATALYST_BROKER_CIRCUIT_THRESHOLD", "0"), ("CATALYST_BROKER_TIMEOUT_SECONDS", "soon")] {
            let error = #expect(throws: AlpacaConfigurationError.self) { try AlpacaTradingConfiguration.readEnvironment(keys.merging([name: value]) { $1 }) }
            #expect(error.map { "\($0)" }?.contains(name) == true, "\(String(describing: error))")
        }
    }

    /// A 5xx answer leaves its status in the health (BROKER_API_ERROR); no answer at all leaves none
    /// (BROKER_CONNECTION_ERROR).
    @Test func theHealthRemembersWhetherTheLastFailureWasAnAnswer() {
        let breaker = CircuitBreaker(threshold: 3, coolDown: 30, clock: { Date(timeIntervalSince1970: 0) })
        breaker.recordFailure("GET /v2/positions: HTTP 503 busy", status: 503)
        #expect(breaker.health.lastFailureStatus == 503 && breaker.health.consecutiveFailures == 1)
        breaker.recordFailure("GET /v2/positions: timed out")
        #expect(breaker.health.lastFailureStatus == nil && breaker.health.consecutiveFailures == 2)
    }

    @Test func paperByDefaultLiveOnlyOnTheLiveHostAndTheSecretIsNeverShown() throws {
        let paper = try #require(try AlpacaTradingConfiguration.readEnvironment(["APCA_API_KEY_ID": "PKABCDEF", "APCA_API_SECRET_KEY": "s3cr3t-value"]))
        #expect(paper.baseURL == AlpacaTradingConfiguration.paperURL && paper.mode == .alpacaPaper)
        let live = try #require(
            try AlpacaTradingConfiguration.readEnvironment([
                "APCA_API_KEY_ID": "AK1", "APCA_API_SECRET_KEY": "s3cr3t-value", "APCA_API_BASE_URL": "https://api.alpaca.markets/v2/",
            ]))
        #expect(live.baseURL.absoluteString == "https://api.alpaca.markets" && live.mode == .alpacaLive)
        #expect(!paper.description.contains("s3cr3t") && paper.description.contains("<redacted>"))
        #expect(!AlpacaBroker(configuration: paper).configuration.description.contains("s3cr3t"))
    }

    @Test func theRateLimiterSpacesRequestsOverARollingWindow() {
        let clock = TestClock(Fixture.open)
        let limiter = RequestRateLimiter(limit: 3, window: 60, clock: clock.function)
        #expect([limiter.reserve(), limiter.reserve(), limiter.reserve()] == [0, 0, 0])
        #expect(limiter.reserve() == 60, "the fourth waits for the first to leave the window")
        clock.advance(30)
        #expect(limiter.reserve() == 30, "the fifth waits for the second")
        clock.advance(100)
        #expect(limiter.reserve() == 0)
    }

    @Test func theBreakerCountsOnlyConsecutiveFailuresAndLetsOneProbeThrough() {
        let clock = TestClock(Fixture.open)
        let breaker = CircuitBreaker(threshold: 2, coolDown: 10, clock: clock.function)
        breaker.recordFailure("a")
        breaker.recordSuccess()
        breaker.recordFailure("b")
        #expect(breaker.health.circuit == .closed, "a success in between resets the count")
        breaker.recordFailure("c")
        #expect(breaker.health.circuit == .open && !breaker.permit())
        clock.advance(10)
        #expect(breaker.permit(), "the first caller after the cool-down probes")
        #expect(!breaker.permit(), "others wait for the probe")
        breaker.recordSuccess()
        #expect(breaker.health.circuit == .closed && breaker.permit())
        let h = breaker.health
        #expect(h.failures == 3 && h.requests == 5 && h.timesOpened == 1 && h.refusedWhileOpen == 2 && h.lastFailure == "c")
    }

    @Test func outOfOrderPartialFillsInOneMillisecondAreOrderedByCumulativeQuantity() {
        func fill(_ id: String, _ order: BrokerOrderID, cum: Int, at t: Double) -> BrokerFill {
            BrokerFill(
                executionID: ExecutionID(rawValue: id), brokerOrderID: order, clientOrderID: nil, symbol: Fixture.aaa, side: .buy, quantity: Quantity(1),
                price: Fixture.price("10"), cumulativeQuantity: Quantity(cum), leavesQuantity: Quantity(10 - cum),
                transactionTime: Fixture.open.addingTimeInterval(t))
        }
        let listed = [fill("a3", "A", cum: 3, at: 0), fill("b1", "B", cum: 1, at: 0), fill("a2", "A", cum: 2, at: 0), fill("a4", "A", cum: 4, at: 1)]
        let ordered = AlpacaBroker.orderedByCumulativeQuantity(listed)
        #expect(ordered.map(\.executionID.rawValue) == ["a2", "b1", "a3", "a4"])
    }
}

extension AlpacaTradingConfiguration {
    /// The reader over an environment alone, as `CatalystConfiguration` builds it.
    static func readEnvironment(_ environment: [String: String]) throws(AlpacaConfigurationError) -> AlpacaTradingConfiguration? {
        try read(ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
    }
}
