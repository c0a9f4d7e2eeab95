import Broker
import Domain
import FakeAlpaca
import Foundation

/// The Alpaca broker against the fake over real HTTP on 127.0.0.1 (no mocks).
enum AlpacaHarness {
    struct Context: Sendable {
        let broker: AlpacaBroker
        let state: FakeTradingState
        let server: FakeAlpacaServer
        let clock: TestClock

        var faults: FaultScript { server.faults }
        /// Request lines received, e.g. `POST /v2/orders`.
        var requests: [String] { server.requestLog.all }
        func count(_ prefix: String) -> Int { requests.filter { $0.hasPrefix(prefix) }.count }
    }

    static func run<T: Sendable>(
        key: String = FakeAlpacaServer.testKeyID, timeout: TimeInterval = 10, maxRetries: Int = 2, threshold: Int = 50,
        coolDown: TimeInterval = 30, pageSize: Int = 100, configure: @Sendable (FakeTradingState) -> Void = { _ in },
        _ body: @Sendable (Context) async throws -> T
    ) async throws -> T {
        let state = FakeTradingState(now: Fixture.open)
        state.setPrice("AAA", 10)
        state.setPrice("BBB", 20)
        configure(state)
        let server = FakeAlpacaServer(faults: FaultScript(), groups: FakeAlpacaServer.tradingGroups(state))
        let clock = TestClock(Fixture.open)
        return try await server.withRunning { url in
            let configuration = AlpacaTradingConfiguration(
                baseURL: url, keyID: key, secretKey: FakeAlpacaServer.testSecret, requestTimeout: timeout, resourceTimeout: timeout * 2,
                maxRetries: maxRetries, retryBaseDelay: 0.01, retryMaxDelay: 0.05, circuitFailureThreshold: threshold, circuitCoolDown: coolDown,
                activitiesPageSize: pageSize)
            let broker = AlpacaBroker(configuration: configuration, clock: clock.function)
            return try await body(Context(broker: broker, state: state, server: server, clock: clock))
        }
    }
}
