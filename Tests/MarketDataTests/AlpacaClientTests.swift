import Domain
import FakeAlpaca
import Foundation
import Testing

@testable import MarketData

/// The Alpaca client against the fake server over real HTTP on 127.0.0.1 (no mocks).
struct AlpacaClientTests {
    static let day = NYDate("2025-03-14")!
    static let open = day.at(hour: 9, minute: 30)
    static let now = day.at(hour: 10, minute: 0)

    /// A fake with three symbols × 25 minute bars from 09:30, and a client pointed at it.
    static func withFake<T: Sendable>(
        configure: @Sendable (FakeMarketDataState, FaultScript) -> Void = { _, _ in },
        key: String = FakeAlpacaServer.testKeyID, retries: Int = 2, timeout: TimeInterval = 5,
        _ body: @Sendable (AlpacaMarketData, FakeAlpacaServer) async throws -> T
    ) async throws -> T {
        let state = FakeMarketDataState()
        for (k, symbol) in ["AAA", "BBB", "CCC"].enumerated() {
            state.setBars(bars(count: 25, base: Decimal(10 * (k + 1))), for: symbol, timeframe: .minute)
        }
        state.setClock(now: now, sessions: NYSECalendar().sessions(from: day.adding(days: -7), through: day.adding(days: 7)))
        let faults = FaultScript()
        configure(state, faults)
        let server = FakeAlpacaServer(faults: faults, groups: FakeAlpacaServer.marketDataGroups(state))
        return try await server.withRunning { url in
            let client = AlpacaMarketData(
                configuration: AlpacaConfiguration(
                    dataBaseURL: url, tradingBaseURL: url, keyID: key, secretKey: FakeAlpacaServer.testSecret, requestTimeout: timeout,
                    maxRetries: retries, retryDelay: 0.01, barsPerPage: 10, sectors: [Symbol("AAA")!: .energy, Symbol("BBB")!: .financials]
                ),
                clock: { now }
            )
            return try await body(client, server)
        }
    }

    static func bars(count: Int, base: Decimal) -> [Bar] {
        (0..<count).map { i in
            let t = open.addingTimeInterval(Double(i) * 60)
            let p = Price(base + Decimal(i) / 100 + Decimal(string: "0.0043")!)
            return Bar(start: t, open: p, high: p, low: p, close: p, volume: Int64(1000 + i), vwap: p, tradeCount: 7, availableAt: t)
        }
    }

    static let symbols = ["AAA", "BBB", "CCC"].map { Symbol($0)! }

    @Test func paginatesAcrossPagesAndSymbols() async throws {
        let (result, log) = try await Self.withFake { client, server in
            (try await client.minuteBars(for: Self.symbols, from: Self.open, asOf: Self.now), server.requestLog.all)
        }
        #expect(result.keys.sorted() == Self.symbols)
        // At 10:00 the bars of 09:30…09:58 are complete (09:59's is published at 10:00:01): all 25 here.
        for (k, s) in Self.symbols.enumerated() {
            #expect(result[s] == Self.bars(count: 25, base: Decimal(10 * (k + 1))).map { b in
                var b = b
                b.availableAt = b.start.addingTimeInterval(61)
                return b
            })
        }
        let barRequests = log.filter { $0.hasPrefix("GET /v2/stocks/bars") }
        #expect(barRequests.count == 8, "75 bars at 10 per page")
        #expect(!barRequests[0].contains("page_token=") && barRequests.dropFirst().allSatisfy { $0.contains("page_token=") })
        #expect(barRequests[0].contains("timeframe=1Min") && barRequests[0].contains("adjustment=raw") && barRequests[0].contains("feed=iex"))
    }

    @Test func readsNineDigitTimestampsWithNewYorkOffsetsAndStringDecimals() async throws {
        let result = try await Self.withFake(configure: { state, _ in
            state.setWire(WireStyle(decimals: .strings, timestamps: .newYork(fractionDigits: 9)))
            let t = Self.open.addingTimeInterval(0.123456789)
            let p = Price("143.4300")!
            state.setBars([Bar(start: t, open: p, high: Price("143.4401")!, low: p, close: p, volume: 12, availableAt: t)], for: "AAA", timeframe: .minute)
        }) { client, _ in
            try await client.minuteBars(for: [Symbol("AAA")!], from: Self.open, asOf: Self.now)
        }
        let bar = try #require(result[Symbol("AAA")!]?.first)
        #expect(abs(bar.start.timeIntervalSince(Self.open) - 0.123456789) < 1e-6)
        #expect(bar.open == Price("143.43")! && bar.high.value == Decimal(string: "143.4401")!)
    }

    @Test func jsonNumbersDecodeExactly() async throws {
        let result = try await Self.withFake(configure: { state, _ in
            state.setWire(WireStyle(decimals: .numbers, timestamps: .utc(fractionDigits: 0)))
        }) { client, _ in try await client.minuteBars(for: [Symbol("BBB")!], from: Self.open, asOf: Self.now) }
        #expect(result[Symbol("BBB")!]?.first?.close.value == Decimal(string: "20.0043")!)
    }

    @Test func futureBarsAreNotHandedOut() async throws {
        let result = try await Self.withFake(configure: { state, _ in
            // The fake has bars up to 10:30, past the client's 10:00: only complete, available ones come back.
            state.setBars(Self.bars(count: 61, base: 10), for: "AAA", timeframe: .minute)
        }) { client, _ in try await client.minuteBars(for: [Symbol("AAA")!], from: Self.open, asOf: Self.now.addingTimeInterval(3600)) }
        let bars = try #require(result[Symbol("AAA")!])
        #expect(bars.count == 29)
        #expect(bars.allSatisfy { $0.availableAt <= Self.now })
    }

    @Test func wrongKeyIs401WithAlpacasCodeAndIsNotRetried() async throws {
        let (error, requests) = try await Self.withFake(key: "PKWRONG") { client, server in
            do {
                _ = try await client.minuteBars(for: Self.symbols, from: Self.open, asOf: Self.now)
                return (AlpacaError?.none, server.requestLog.all.count)
            } catch let e as AlpacaError {
                return (e, server.requestLog.all.count)
            }
        }
        #expect(error?.kind == .http(status: 401, code: 40_110_000, message: "request is not authorized"))
        #expect(requests == 1)
        #expect(!(error?.description.contains(FakeAlpacaServer.testSecret) ?? true))
    }

    @Test func clientErrorsAreThrownAndServerErrorsRetried() async throws {
        try await Self.withFake(configure: { _, faults in
            faults.fail("/v2/stocks/bars", status: 422, code: 42_210_000, message: "invalid start")
        }) { client, server in
            await #expect(throws: AlpacaError.self) { try await client.minuteBars(for: Self.symbols, from: Self.open, asOf: Self.now) }
            #expect(server.requestLog.all.count == 1, "a 422 is not retried")
        }
        try await Self.withFake(configure: { _, faults in
            faults.fail("/v2/stocks/bars", status: 500, times: 1)
            faults.fail("/v2/stocks/bars", status: 429, times: 1, headers: ["X-Ratelimit-Reset": "0"])
        }) { client, server in
            let bars = try await client.minuteBars(for: [Symbol("AAA")!], from: Self.open, asOf: Self.now)
            #expect(bars[Symbol("AAA")!]?.count == 25)
            #expect(server.requestLog.all.count == 3 + 2, "two failures, then three pages")
        }
        let error = try await Self.withFake(configure: { _, faults in
            faults.fail("/v2/stocks/bars", status: 503, message: "down", times: 10)
        }) { client, server in
            do {
                _ = try await client.minuteBars(for: Self.symbols, from: Self.open, asOf: Self.now)
                return AlpacaError?.none
            } catch let e as AlpacaError {
                #expect(server.requestLog.all.count == 3, "one try and two retries")
                return e
            }
        }
        #expect(error?.status == 503)
    }

    @Test func sessionTimeoutEndsASlowRequest() async throws {
        let (error, seconds) = try await Self.withFake(configure: { _, faults in
            faults.delay("/v2/clock", seconds: 3)
        }, retries: 0, timeout: 0.5) { client, _ in
            let started = Date()
            do {
                _ = try await client.clock(asOf: Self.now)
                return (AlpacaError?.none, Date().timeIntervalSince(started))
            } catch let e as AlpacaError {
                return (e, Date().timeIntervalSince(started))
            }
        }
        guard case .transport = error?.kind else {
            Issue.record("expected a transport timeout, got \(String(describing: error))")
            return
        }
        #expect(seconds < 2.5, "the session's 0.5 s timeout applied (took \(seconds) s)")
    }

    @Test func newsIsPaginatedDedupedAndStampedByItsUpdateTime() async throws {
        let items = try await Self.withFake(configure: { state, _ in
            state.setPageLimits(bars: 10_000, news: 2)
            state.setWire(WireStyle(decimals: .numbers, timestamps: .newYork(fractionDigits: 9)))
            for i in 1...5 {
                let created = Self.open.addingTimeInterval(Double(i) * 60)
                state.addNews(FakeNewsArticle(id: 100 + i, headline: "Item \(i)", symbols: i == 3 ? ["AAA", "BBB"] : ["AAA"], createdAt: created))
            }
            // Updated after the decision: the client must not see this version yet.
            state.addNews(FakeNewsArticle(id: 200, headline: "Late update", symbols: ["AAA"], createdAt: Self.open, updatedAt: Self.now.addingTimeInterval(60)))
        }) { client, _ in
            try await client.news(for: Self.symbols, since: Self.open.addingTimeInterval(-3600), asOf: Self.now)
        }
        #expect(items.map(\.id.rawValue) == ["101", "102", "103", "104", "105"])
        #expect(items[2].symbols == [Symbol("AAA")!, Symbol("BBB")!])
        #expect(items.allSatisfy { $0.receivedAt <= Self.now && $0.publishedAt <= $0.receivedAt })
    }

    @Test func snapshotsClockCalendarAndAssets() async throws {
        try await Self.withFake(configure: { state, _ in
            let bar = Self.bars(count: 1, base: 10)[0]
            state.setSnapshot(MarketSnapshot(
                symbol: Symbol("AAA")!, lastPrice: Price("10.05")!, bid: Price("10.04")!, ask: Price("10.06")!, dailyBar: bar,
                previousDailyBar: bar, minuteBar: bar, asOf: Self.now
            ))
            state.setClock(now: Self.now, sessions: NYSECalendar().sessions(from: Self.day, through: NYDate("2025-12-31")!))
            state.setAssets([FakeAsset(symbol: "AAA", name: "Triple A"), FakeAsset(symbol: "BBB", name: "B", shortable: false), FakeAsset(symbol: "ZZZ", name: "No sector")])
        }) { client, _ in
            let snaps = try await client.snapshots(for: Self.symbols, asOf: Self.now)
            #expect(snaps.keys.sorted() == [Symbol("AAA")!])
            let s = try #require(snaps[Symbol("AAA")!])
            #expect(s.lastPrice == Price("10.05")! && s.bid == Price("10.04")! && s.ask == Price("10.06")!)
            #expect(s.minuteBar?.availableAt == Self.open.addingTimeInterval(61))
            await #expect(throws: AlpacaError.self) { try await client.snapshots(for: Self.symbols, asOf: Self.day.adding(days: -1).at(hour: 10, minute: 0)) }

            let clock = try await client.clock(asOf: Self.now)
            #expect(clock.isOpen && clock.nextClose == Self.day.at(hour: 16, minute: 0))
            #expect(abs(clock.timestamp.timeIntervalSince(Self.now)) < 1e-6)
            #expect(clock.session?.open == Self.open)

            let sessions = try await client.calendar(from: NYDate("2025-11-26")!, through: NYDate("2025-11-28")!)
            try #require(sessions.map(\.date.description) == ["2025-11-26", "2025-11-28"])
            #expect(sessions[1].isEarlyClose && sessions[1].close == NYDate("2025-11-28")!.at(hour: 13, minute: 0))

            let universe = try await client.universe()
            #expect(universe.map(\.symbol.rawValue) == ["AAA", "BBB"], "assets without a sector mapping are left out")
            #expect(universe[0].sector == .energy && !universe[1].shortable)
        }
    }
}
