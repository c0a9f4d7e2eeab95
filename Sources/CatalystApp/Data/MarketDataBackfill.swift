import Domain
import Foundation
import Logging
import MarketData

/// `catalyst data backfill`: every NYSE session from `from` through `through`, read from a market-data
/// source (Alpaca's, in use) and written as one dataset folder per day (`MarketDataset`).
///
/// - Resumable: a day already recorded whole is skipped without a request.
/// - Nothing half: a day is written only once all of its parts were read; a part that fails (an HTTP
///   error the client's own retries did not cure, or an answer that did not decode) is read again, up
///   up to `retry.maxRetries` more times with its growing pause, and the day is then reported as failed, with no folder.
/// - The source's client keeps Alpaca's 200 requests a minute (`RequestRateLimiter`).
public struct MarketDataBackfill: Sendable {
    public enum Symbols: Sendable, Equatable {
        /// The source's universe (Alpaca's active assets that the sector map names).
        case universe
        /// These symbols (those of them in the universe: the dataset needs each one's sector).
        case list([Symbol])
    }

    public struct Report: Sendable, Equatable {
        public var fetched: [NYDate] = []
        public var skipped: [NYDate] = []
        /// Days that could not be read, with the last error; nothing was written for them.
        public var failed: [NYDate: String] = [:]
        /// Requested symbols the universe does not have (no sector, inactive or unknown): left out.
        public var unknownSymbols: [Symbol] = []
        public var rows = 0
    }

    public let source: any MarketDataSource
    public let dataset: MarketDataset
    /// Written into each manifest (`alpaca iex`).
    public let sourceName: String
    public let retry: RetryPolicy
    let calendar = NYSECalendar()
    /// Calendar days of daily bars kept before each day: a scan reads 42, a risk decision 45.
    public static let dailyHistoryDays = 70

    public init(source: any MarketDataSource, dataset: MarketDataset, sourceName: String, retry: RetryPolicy = RetryPolicy(maxRetries: 2, base: 2, cap: 30)) {
        self.source = source
        self.dataset = dataset
        self.sourceName = sourceName
        self.retry = retry
    }

    /// Runs the range; `progress(done, total, day)` after each day. `now` stamps the manifests.
    public func run(
        from: NYDate, through: NYDate, symbols wanted: Symbols, now: @Sendable () -> Date = { Date() }, logger: Logger,
        progress: (Int, Int, NYDate) -> Void = { _, _, _ in }
    ) async throws -> Report {
        guard from <= through else { throw CatalystError.invalidInput(field: "from", reason: "\(from) is after --to \(through)") }
        let sessions = calendar.sessions(from: from, through: through)
        var report = Report()
        let missing = sessions.filter { !dataset.isComplete($0.date) }
        report.skipped = sessions.map(\.date).filter { dataset.isComplete($0) }
        guard !missing.isEmpty else { return report }
        // The asset list is today's (Alpaca keeps no history of it); read once per run.
        let universe = try await withRetries("the asset list", logger: logger) { try await source.universe() }
        let securities: [Security]
        switch wanted {
        case .universe: securities = universe
        case .list(let list):
            let known = Dictionary(universe.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
            securities = list.compactMap { known[$0] }
            report.unknownSymbols = list.filter { known[$0] == nil }
        }
        guard !securities.isEmpty else { throw CatalystError.refused("none of the requested symbols is in the universe (active, tradable and in config/sectors.csv)") }
        let symbols = securities.map(\.symbol)
        for (index, session) in missing.enumerated() {
            do {
                let texts = try await read(session, securities: securities, symbols: symbols, logger: logger)
                try dataset.write(session.date, source: sourceName, fetchedAt: now(), symbols: symbols.count, texts: texts)
                report.fetched.append(session.date)
                report.rows += texts.values.reduce(0) { $0 + $1.rows }
            } catch {
                report.failed[session.date] = "\(error)"
                logger.error("backfill: day not recorded", metadata: ["date": "\(session.date)", "error": "\(error)"])
            }
            progress(index + 1, missing.count, session.date)
        }
        return report
    }

    /// One day's parts, each read with retries. A day is self-contained for a session on it: the minute
    /// bars from the previous session's open (a scan warms its indicators up on yesterday) to this close,
    /// the daily bars of the `dailyHistoryDays` calendar days before it and its own, and the news from the
    /// previous session's open (a scan reads the last 24 hours) to this close.
    func read(_ session: TradingSession, securities: [Security], symbols: [Symbol], logger: Logger) async throws -> [String: (text: String, rows: Int)] {
        let day = session.date
        let previous = calendar.previousSession(before: day)
        let minuteCutoff = session.close.addingTimeInterval(61)
        let minute = try await withRetries("\(day) minute bars", logger: logger) {
            try await source.minuteBars(for: symbols, from: previous.open, asOf: minuteCutoff).mapValues { $0.filter { $0.start < session.close } }
        }
        let nextMidnight = day.adding(days: 1).at(hour: 0, minute: 0)
        let daily = try await withRetries("\(day) daily bars", logger: logger) {
            try await source.dailyBars(for: symbols, from: day.adding(days: -Self.dailyHistoryDays), asOf: nextMidnight.addingTimeInterval(1))
                .mapValues { bars in bars.filter { NYDate($0.start) <= day } }
        }
        let news = try await withRetries("\(day) news", logger: logger) { try await source.news(for: symbols, since: previous.open, asOf: session.close) }
        return [
            "securities.csv.lz4": (MarketDatasetCSV.securities(securities), securities.count),
            "minute_bars.csv.lz4": (MarketDatasetCSV.bars(minute, daily: false), minute.values.reduce(0) { $0 + $1.count }),
            "daily_bars.csv.lz4": (MarketDatasetCSV.bars(daily, daily: true), daily.values.reduce(0) { $0 + $1.count }),
            "news.csv.lz4": (MarketDatasetCSV.news(news), news.count),
        ]
    }

    func withRetries<T: Sendable>(_ what: String, logger: Logger, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do { return try await body() } catch {
                guard retry.mayRetry(after: attempt) else { throw error }
                let pause = retry.delay(after: attempt)
                logger.warning("backfill: reading again", metadata: ["what": "\(what)", "attempt": "\(attempt)", "error": "\(error)"])
                try await Task.sleep(for: .seconds(pause))
            }
        }
    }
}
