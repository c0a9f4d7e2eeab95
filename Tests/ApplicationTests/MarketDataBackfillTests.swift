import CatalystApp
import Domain
import FakeAlpaca
import Foundation
import Logging
import MarketData
import Testing

/// `catalyst data backfill` against the fake Alpaca over real HTTP: whole days or none, resumable
/// without a request, verified against the manifest, and readable by the CSV market source.
@Suite struct MarketDataBackfillTests {
    static let days = [NYDate("2025-03-13")!, NYDate("2025-03-14")!]
    static let symbols = ["AAA", "BBB", "CCC"]

    static func bars(_ day: NYDate, base: Decimal) -> [Bar] {
        (0..<390).map { i in
            let t = day.at(hour: 9, minute: 30).addingTimeInterval(Double(i) * 60)
            let p = Price(base + Decimal(i % 50) / 100)
            return Bar(start: t, open: p, high: p, low: p, close: p, volume: Int64(100 + i), vwap: p, tradeCount: 3, availableAt: t)
        }
    }

    /// The fake: three assets (CCC has no sector), a session of minute bars and a daily bar per day for
    /// each, and one article on the second day; a client whose clock is after both days.
    static func withFake<T: Sendable>(
        _ faults: FaultScript = FaultScript(), _ body: @Sendable (AlpacaMarketData, FakeAlpacaServer, MarketDataset) async throws -> T
    ) async throws -> T {
        let state = FakeMarketDataState()
        state.setAssets(symbols.map { FakeAsset(symbol: $0, name: "\($0), \"Inc\"") })
        for (k, symbol) in symbols.enumerated() {
            let base = Decimal(10 * (k + 1))
            state.setBars(days.flatMap { bars($0, base: base) }, for: symbol, timeframe: .minute)
            state.setBars(
                days.map { d in Bar(start: d.at(hour: 0, minute: 0), open: Price(base), high: Price(base + 1), low: Price(base), close: Price(base), volume: 39_000, vwap: nil, tradeCount: nil, availableAt: d.at(hour: 16, minute: 0)) },
                for: symbol, timeframe: .day)
        }
        let published = days[1].at(hour: 8, minute: 5)
        state.addNews(FakeNewsArticle(id: 7, headline: "AAA wins, a \"big\" contract", summary: "line one\nline two", symbols: ["AAA"], createdAt: published))
        let now = days[1].adding(days: 3).at(hour: 12, minute: 0)
        state.setClock(now: now, sessions: NYSECalendar().sessions(from: days[0].adding(days: -10), through: days[1].adding(days: 10)))
        let server = FakeAlpacaServer(faults: faults, groups: FakeAlpacaServer.marketDataGroups(state))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalyst-dataset-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        return try await server.withRunning { url in
            let client = AlpacaMarketData(
                configuration: AlpacaConfiguration(
                    dataBaseURL: url, tradingBaseURL: url, keyID: FakeAlpacaServer.testKeyID, secretKey: FakeAlpacaServer.testSecret, maxRetries: 1,
                    retryDelay: 0.01, barsPerPage: 500, sectors: [Symbol("AAA")!: .energy, Symbol("BBB")!: .financials]),
                clock: { now })
            return try await body(client, server, MarketDataset(root: root))
        }
    }

    static func backfill(_ client: AlpacaMarketData, _ dataset: MarketDataset) -> MarketDataBackfill {
        MarketDataBackfill(source: client, dataset: dataset, sourceName: "alpaca iex", retry: RetryPolicy(maxRetries: 2, base: 0.2, cap: 1))
    }

    static var quiet: Logger {
        var l = Logger(label: "backfill-test")
        l.logLevel = .critical
        return l
    }

    @Test func recordsWholeDaysThatVerifyAndReadBackAndASecondRunAsksNothing() async throws {
        try await Self.withFake { client, server, dataset in
            let wanted = MarketDataBackfill.Symbols.list(Self.symbols.map { Symbol($0)! })
            // Thursday to Sunday: two sessions.
            let first = try await Self.backfill(client, dataset).run(from: Self.days[0], through: Self.days[1].adding(days: 2), symbols: wanted, logger: Self.quiet)
            #expect(first.fetched == Self.days && first.skipped.isEmpty && first.failed.isEmpty)
            #expect(first.unknownSymbols == [Symbol("CCC")!], "no sector, so not recorded")
            #expect(dataset.days() == Self.days)
            for day in Self.days { #expect(dataset.verify(day).isEmpty, "\(dataset.verify(day))") }
            let manifest = try #require(dataset.manifest(Self.days[1]))
            #expect(manifest.symbols == 2 && manifest.source == "alpaca iex")
            #expect(manifest.files.first { $0.name == "minute_bars.csv.lz4" }?.rows == 2 * 2 * 390, "the day and the one before")
            #expect(dataset.manifest(Self.days[0])?.files.first { $0.name == "minute_bars.csv.lz4" }?.rows == 2 * 390)
            #expect(manifest.files.first { $0.name == "daily_bars.csv.lz4" }?.rows == 2 * 2, "the day's bar and the history before it")
            #expect(manifest.files.first { $0.name == "news.csv.lz4" }?.rows == 1)
            #expect(dataset.manifest(Self.days[0])?.files.first { $0.name == "news.csv.lz4" }?.rows == 0, "the article is the next day's")

            // The CSV market source reads the day back: the same bars, the news with its quotes and newline.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalyst-csv-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for name in MarketDataset.files {
                try dataset.text(Self.days[1], name).write(to: folder.appendingPathComponent(String(name.dropLast(4))), atomically: true, encoding: .utf8)
            }
            let csv = try CSVMarketData(
                securities: folder.appendingPathComponent("securities.csv"), minuteBars: folder.appendingPathComponent("minute_bars.csv"),
                dailyBars: folder.appendingPathComponent("daily_bars.csv"), news: folder.appendingPathComponent("news.csv"), now: Self.days[1].at(hour: 16, minute: 5))
            #expect(try await csv.universe().map(\.name) == ["AAA, \"Inc\"", "BBB, \"Inc\""])
            let bars = try await csv.minuteBars(for: [Symbol("AAA")!], from: Self.days[1].at(hour: 9, minute: 30), asOf: Self.days[1].at(hour: 16, minute: 5))
            #expect(bars[Symbol("AAA")!]?.map(\.close) == Self.bars(Self.days[1], base: 10).map(\.close))
            let news = try await csv.news(for: [Symbol("AAA")!], since: Self.days[0].at(hour: 16, minute: 0), asOf: Self.days[1].at(hour: 16, minute: 0))
            #expect(news.map(\.headline) == ["AAA wins, a \"big\" contract"] && news.first?.summary == "line one\nline two")

            // Resumable: everything is recorded, so nothing is asked of Alpaca.
            let asked = server.requestLog.all.count
            let second = try await Self.backfill(client, dataset).run(from: Self.days[0], through: Self.days[1], symbols: wanted, logger: Self.quiet)
            #expect(second.fetched.isEmpty && second.skipped == Self.days)
            #expect(server.requestLog.all.count == asked)

            // A flipped byte is found, named by its file.
            let file = dataset.folder(Self.days[0]).appendingPathComponent("minute_bars.csv.lz4")
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count / 2] ^= 0x40
            try bytes.write(to: file)
            let problems = dataset.verify(Self.days[0])
            #expect(!problems.isEmpty && problems.allSatisfy { $0.contains("2025-03-13/minute_bars.csv.lz4") }, "\(problems)")
        }
    }

    /// Bars that fail past the client's own retries are read again; a day that never reads is reported
    /// and leaves no folder, not even a partial one, and the next run fetches it.
    @Test func aFailingPartIsReadAgainAndADayThatNeverReadsIsNotWrittenHalf() async throws {
        let faults = FaultScript()
        try await Self.withFake(faults) { client, _, dataset in
            let wanted = MarketDataBackfill.Symbols.list([Symbol("AAA")!])
            faults.fail("/v2/stocks/bars", status: 500, times: 3)  // the client's 2 tries, then one of ours
            let cured = try await Self.backfill(client, dataset).run(from: Self.days[0], through: Self.days[0], symbols: wanted, logger: Self.quiet)
            #expect(cured.fetched == [Self.days[0]] && cured.failed.isEmpty)

            faults.fail("/v1beta1/news", status: 500, for: .seconds(600))
            let failed = try await Self.backfill(client, dataset).run(from: Self.days[1], through: Self.days[1], symbols: wanted, logger: Self.quiet)
            #expect(failed.fetched.isEmpty && failed.failed.keys.sorted() == [Self.days[1]])
            let names = try FileManager.default.contentsOfDirectory(atPath: dataset.root.path)
            #expect(names == [Self.days[0].description], "no folder and no partial folder for the failed day: \(names)")

            faults.clear()
            let retried = try await Self.backfill(client, dataset).run(from: Self.days[0], through: Self.days[1], symbols: wanted, logger: Self.quiet)
            #expect(retried.fetched == [Self.days[1]] && retried.skipped == [Self.days[0]])
            #expect(dataset.verify(Self.days[1]).isEmpty)
        }
    }
}
