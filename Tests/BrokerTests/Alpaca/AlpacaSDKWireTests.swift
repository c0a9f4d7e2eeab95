import Domain
import FakeAlpaca
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing

/// Alpaca's official Python SDK (PyPI `alpaca-py`) reads every route the fake Alpaca serves through its
/// own clients and pydantic models (tools/alpaca_wire_check.py). Every broker test trusts this fake, so it
/// must speak what the SDK speaks. Skipped with a message when alpaca-py is not installed
/// (tools/install-deps.sh --test installs it into tools/.venv).
@Suite struct AlpacaSDKWireTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = root.appendingPathComponent("tools/.venv/bin/python").path
    static var hasSDK: Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? run(python, ["-c", "import alpaca"]).status) == 0
    }

    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A fake with two listed assets, bars of both timeframes, snapshots, news, a held position and a fill.
    static func seeded() throws -> (FakeAlpacaServer, FakeTradingState) {
        let now = Date(timeIntervalSince1970: 1_741_966_200)  // 2025-03-14 15:30 UTC, inside the session
        let open = Date(timeIntervalSince1970: 1_741_959_000)
        let trading = FakeTradingState(now: now)
        let market = FakeMarketDataState()
        let next = open.addingTimeInterval(3 * 86_400)  // Monday 2025-03-17
        market.setClock(
            now: now,
            sessions: [
                TradingSession(date: NYDate("2025-03-14")!, open: open, close: open.addingTimeInterval(6.5 * 3600)),
                TradingSession(date: NYDate("2025-03-17")!, open: next, close: next.addingTimeInterval(6.5 * 3600)),
            ])
        market.setAssets([FakeAsset(symbol: "AAA", name: "Triple A Inc"), FakeAsset(symbol: "BBB", name: "Double B Corp", exchange: "NYSE")])
        for (symbol, base) in [("AAA", 10), ("BBB", 20)] {
            trading.setPrice(symbol, Decimal(base))
            func bar(_ t: Date, _ i: Int) -> Bar {
                let p = Price(Decimal(base) + Decimal(i) / 100)
                return Bar(start: t, open: p, high: p, low: p, close: p, volume: Int64(1000 + i), vwap: p, tradeCount: 7, availableAt: t.addingTimeInterval(60))
            }
            // Without trade counts and VWAPs on the daily bars: the fake must still send `n` and `vw` (as null).
            let minutes = (0..<30).map { bar(open.addingTimeInterval(Double($0) * 60), $0) }
            let days = (1...5).map { d -> Bar in
                var b = bar(open.addingTimeInterval(-Double(d) * 86_400), d)
                b.vwap = nil
                b.tradeCount = nil
                return b
            }
            market.setBars(minutes, for: symbol, timeframe: .minute)
            market.setBars(days, for: symbol, timeframe: .day)
            market.setSnapshot(
                MarketSnapshot(
                    symbol: Symbol(symbol)!, lastPrice: Price(Decimal(base)), bid: Price(Decimal(base) - Decimal(1) / 100), ask: Price(Decimal(base) + Decimal(1) / 100),
                    dailyBar: days[0], previousDailyBar: days[1], minuteBar: minutes.last, asOf: now))
            market.addNews(FakeNewsArticle(id: base, headline: "\(symbol) beats estimates", symbols: [symbol], createdAt: open.addingTimeInterval(-600)))
        }
        trading.setExternalPosition(symbol: "BBB", quantity: 5, averagePrice: 19)
        let server = FakeAlpacaServer(groups: FakeAlpacaServer.tradingGroups(trading) + FakeAlpacaServer.marketDataGroups(market))
        return (server, trading)
    }

    @Test(.enabled(if: hasSDK, "needs alpaca-py in tools/.venv (tools/install-deps.sh --test)"))
    func alpacaPyParsesEveryRouteTheFakeServes() async throws {
        let (server, trading) = try Self.seeded()
        try await server.withRunning { url in
            // One filled order, so the fills activity has something to parse.
            var request = URLRequest(url: url.appendingPathComponent("v2/orders"))
            request.httpMethod = "POST"
            request.setValue(FakeAlpacaServer.testKeyID, forHTTPHeaderField: "APCA-API-KEY-ID")
            request.setValue(FakeAlpacaServer.testSecret, forHTTPHeaderField: "APCA-API-SECRET-KEY")
            request.httpBody = Data(#"{"symbol":"AAA","qty":"3","side":"buy","type":"market","time_in_force":"day"}"#.utf8)
            let (data, _) = try await URLSession.shared.data(for: request)
            let id = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String, "\(String(decoding: data, as: UTF8.self))")
            _ = try trading.fill(id, price: 10)

            let result = try Self.run(Self.python, [
                Self.root.appendingPathComponent("tools/alpaca_wire_check.py").path, "--trading-url", url.absoluteString, "--data-url", url.absoluteString,
                "--key", FakeAlpacaServer.testKeyID, "--secret", FakeAlpacaServer.testSecret, "--symbols", "AAA,BBB", "--strict",
            ])
            #expect(result.status == 0, "\(result.output)")
            let failures = result.output.split(separator: "\n").filter { $0.hasPrefix("FAIL") || $0.hasPrefix("SKIP") }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            // Every route of the fake was exercised (the script prints one `ok` per check).
            for route in ["GET /v2/assets/", "DELETE /v2/positions/", "DELETE /v2/positions", "nested", "GET /v2/stocks/bars", "GET /v1beta1/news"] {
                #expect(result.output.contains(route), "no check of \(route)\n\(result.output)")
            }
        }
    }
}
