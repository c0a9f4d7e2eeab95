import Domain
import Foundation
import Testing

@testable import MarketData

/// CSV input: bad files are reported by file, line and field; good files load point-in-time.
struct CSVTests {
    /// Writes `text` to a fresh temporary file.
    static func file(_ name: String, _ text: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csv-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let good = """
        timestamp,open,high,low,close,volume
        2025-03-14T13:30:00Z,10.00,10.20,9.90,10.10,1000
        2025-03-14T13:31:00Z,10.10,10.30,10.00,10.25,1500
        """

    func error(_ text: String, interval: TimeInterval = 60) throws -> CSVError {
        let url = try Self.file("bars.csv", text)
        do {
            _ = try CSVBars.read(CSVTable(contentsOf: url), interval: interval)
        } catch {
            #expect(error.file == url.path)
            return error
        }
        Issue.record("no error for \(text)")
        return CSVError(file: "", line: 0, field: "", message: "")
    }

    @Test func goodFileParses() throws {
        let bars = try CSVBars.read(CSVTable(text: Self.good, file: "bars.csv"), interval: 60)
        #expect(bars.count == 2)
        #expect(bars[1].bar.close == Price("10.25")!)
        #expect(bars[0].bar.start == RFC3339.parse("2025-03-14T13:30:00Z"))
        #expect(bars[0].bar.availableAt == RFC3339.parse("2025-03-14T13:31:00Z"))
    }

    /// The fast trim keeps Foundation's meaning exactly: random fields of letters, digits, ASCII and
    /// Unicode spaces, tabs and accented letters, at either end or inside.
    @Test func fastTrimAgreesWithFoundation() {
        let pieces = ["a", "Z", "7", ".", "-", " ", "\t", "\u{00A0}", "\u{2003}", "é", "\u{3000}", "\"", "~", "\u{7F}", "\u{1}"]
        var rng = SplitMix64(seed: 21)
        for _ in 0..<5_000 {
            let field = (0..<Int(rng.next() % 7)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            #expect(CSVTable.trimmed(field) == field.trimmingCharacters(in: .whitespaces), "\(field.unicodeScalars.map { $0.value })")
        }
    }

    /// A padded field still reads as its value.
    @Test func paddedFieldsAreTrimmed() throws {
        let bars = try CSVBars.read(
            CSVTable(text: "timestamp, open ,high,low,close,volume\n 2025-03-14T13:30:00Z , 10 ,\t10.2,9.9,10.1\u{00A0}, 1000\n", file: "padded.csv"), interval: 60)
        #expect(bars.count == 1 && bars[0].bar.open == Price("10")! && bars[0].bar.high == Price("10.2")! && bars[0].bar.close == Price("10.1")!)
        #expect(bars[0].bar.volume == 1000)
    }

    @Test func missingColumnNamesTheColumnOnTheHeaderLine() throws {
        let e = try error("timestamp,open,high,low,volume\n2025-03-14T13:30:00Z,10,10.2,9.9,1000\n")
        #expect(e.line == 1 && e.field == "close")
        #expect(e.description.contains("bars.csv:1: field \"close\""))
    }

    @Test func unparsableNumberNamesLineAndField() throws {
        let e = try error(Self.good.replacingOccurrences(of: "10.25,1500", with: "10.2x,1500"))
        #expect(e.line == 3 && e.field == "close")
        #expect(e.message.contains("10.2x"))
        let v = try error(Self.good.replacingOccurrences(of: "1500", with: "15e2"))
        #expect(v.line == 3 && v.field == "volume")
    }

    @Test func barsOutOfOrderNameLineAndTimestamp() throws {
        let text = Self.good + "\n2025-03-14T13:30:30Z,10.25,10.30,10.20,10.22,900\n"
        let e = try error(text)
        #expect(e.line == 4 && e.field == "timestamp")
        #expect(e.message.contains("out of order"))
    }

    @Test func badTimestampAndShortRowAreReported() throws {
        #expect(try error(Self.good.replacingOccurrences(of: "2025-03-14T13:31:00Z", with: "14/03/2025 09:31")).field == "timestamp")
        let short = try error("timestamp,open,high,low,close,volume\n2025-03-14T13:30:00Z,10,10.2,9.9,10.1\n")
        #expect(short.line == 2 && short.field == "volume")
        #expect(try error("timestamp,open,high,low,close,volume\n2025-03-14T13:30:00Z,10,9.5,9.9,10.1,5\n").field == "high")
    }

    @Test func lineNumbersCountQuotedNewlinesAndBlankLines() throws {
        let text = "a,b\n\"x\ny\",1\n\n\"he said \"\"hi\"\", then left\",2\nz,\"3\n"
        #expect(throws: CSVError.self) { try CSVTable(text: text, file: "q.csv") }
        let ok = try CSVTable(text: "a,b\n\"x\ny\",1\n\n\"he said \"\"hi\"\", ok\",2\n", file: "q.csv")
        #expect(ok.rows.map(\.line) == [2, 5])
        #expect(ok.rows[0].fields == ["x\ny", "1"])
        #expect(ok.rows[1].fields == ["he said \"hi\", ok", "2"])
    }

    @Test func timestampsInNewYorkTimeAndDatesAreAccepted() {
        #expect(CSVBars.parseTimestamp("2025-03-14 09:30") == NYDate("2025-03-14")!.at(hour: 9, minute: 30))
        #expect(CSVBars.parseTimestamp("2025-03-14") == NYDate("2025-03-14")!.at(hour: 0, minute: 0))
        #expect(CSVBars.parseTimestamp("2025-03-14T09:30:00.123456789-04:00") != nil)
    }

    @Test func csvSourceLoadsAndServesPointInTime() async throws {
        let securities = try Self.file("securities.csv", """
            symbol,name,exchange,sector,shortable
            ACME,"Acme, Inc.",NASDAQ,Information Technology,false
            BETA,Beta Corp,NYSE,health care,true
            """)
        let bars = try Self.file("minute.csv", """
            symbol,timestamp,open,high,low,close,volume,vwap
            ACME,2025-03-13 15:59,9.90,10.00,9.80,9.95,500,9.91
            ACME,2025-03-14 09:30,10.00,10.20,9.90,10.10,1000,10.05
            ACME,2025-03-14 09:31,10.10,10.30,10.00,10.25,1500,10.2
            BETA,2025-03-14 09:30,50.00,50.20,49.90,50.10,1000,
            ACME,2025-03-14 09:32,10.25,99.00,10.20,99.00,9999999,50
            """)
        let news = try Self.file("news.csv", """
            id,symbols,published_at,received_at,headline,summary
            1,ACME;BETA,2025-03-14T13:20:00Z,2025-03-14T13:20:02Z,"Acme, Beta sign deal",
            2,ACME,2025-03-14T13:40:00Z,,Acme beats estimates,Record quarter
            """)
        let now = NYDate("2025-03-14")!.at(hour: 9, minute: 33)
        let source = try CSVMarketData(securities: securities, minuteBars: bars, news: news, now: now)
        let universe = try await source.universe()
        #expect(universe.map(\.symbol.rawValue) == ["ACME", "BETA"])
        #expect(universe[0].name == "Acme, Inc." && !universe[0].shortable && universe[1].sector == .healthCare)
        let acme = Symbol("ACME")!
        // 09:32's bar becomes available at 09:33:00: visible now, but not at 09:32:59.
        let early = NYDate("2025-03-14")!.at(hour: 9, minute: 32, second: 59)
        let b1 = try await source.minuteBars(for: [acme], from: .distantPast, asOf: early)
        #expect(b1[acme]?.count == 3)
        #expect(try await source.snapshots(for: [acme], asOf: early)[acme]?.lastPrice == Price("10.25"))
        // Asking beyond the replay clock is capped at it: the 09:40 headline is not out yet.
        let later = NYDate("2025-03-14")!.at(hour: 12, minute: 0)
        #expect(try await source.news(for: [acme], since: .distantPast, asOf: later).map(\.id) == ["1"])
        source.clock.set(later)
        #expect(try await source.news(for: [acme], since: .distantPast, asOf: later).map(\.id) == ["1", "2"])
        let daily = try await source.dailyBars(for: [acme], from: NYDate("2025-03-01")!, asOf: later)
        #expect(daily[acme]?.count == 1, "today's daily bar is not complete until the close")
        let snap = try #require(try await source.snapshots(for: [acme], asOf: later)[acme])
        #expect(snap.previousDailyBar?.close == Price("9.95"))
        #expect(snap.dailyBar?.volume == Int64(10_002_499))
    }

    @Test func csvSourceReportsBadSecurities() throws {
        let securities = try Self.file("securities.csv", "symbol,name,exchange,sector\nACME,Acme,NASDAQ,Tech\n")
        let bars = try Self.file("minute.csv", "symbol," + Self.good.replacingOccurrences(of: "\n2025", with: "\nACME,2025"))
        #expect {
            try CSVMarketData(securities: securities, minuteBars: bars, now: .now)
        } throws: { e in
            guard let e = e as? CSVError else { return false }
            return e.line == 2 && e.field == "sector" && e.file.hasSuffix("securities.csv")
        }
    }
}
