import CatalystTestKit
import Domain
import Foundation
import LedgerSimulation
import Projections
import Testing

/// Performance statistics on a small history checked by hand (numbers in the comments).
@Suite struct PerformanceTests {
    static func history() throws -> Scenario {
        var s = Scenario()
        func fill(_ symbol: String, _ side: OrderSide, _ qty: Int, _ price: String, fee: String = "0", purpose: OrderPurpose, stop: String? = nil, at: Date) throws {
            try PositionsReadModelTests.fill(
                &s, symbol, side, qty, price, fee: fee, exec: "x-\(symbol)-\(at.timeIntervalSince1970)", order: "o-\(symbol)-\(purpose.rawValue)",
                purpose: purpose, stop: stop, at: at)
        }
        // Monday 2026-03-02, equity 100,000.
        // A: long 100 @ 10, stop 9.50 (1 R = 50), out @ 11: +100, R = 2.
        // B: long 200 @ 5, stop 4.90 (1 R = 20), fee 1 in and 1 out, out @ 4.80: −42, R = −2.1.
        // Curve 0 → −1 (B's fee) → 99 (A) → 58 (B): high 99, low −1, max drawdown 41.
        try s.openDay(equity: 100_000)
        try fill("AAA", .buy, 100, "10", purpose: .entry, stop: "9.5", at: s.at(10, 0))
        try fill("BBB", .buy, 200, "5", fee: "1", purpose: .entry, stop: "4.9", at: s.at(10, 5))
        try fill("AAA", .sell, 100, "11", purpose: .exit, at: s.at(11, 0))
        try fill("BBB", .sell, 200, "4.8", fee: "1", purpose: .exit, at: s.at(12, 0))
        // Tuesday, equity 100,058. C: short 50 @ 20, stop 20.50 (1 R = 25), covered @ 21: −50, R = −2. Curve 58 → 8.
        s.day = s.day.adding(days: 1)
        try s.openDay(equity: 100_058)
        try fill("CCC", .sell, 50, "20", purpose: .entry, stop: "20.5", at: s.at(10, 0))
        try fill("CCC", .buy, 50, "21", purpose: .exit, at: s.at(14, 0))
        // Wednesday: opened, no trades (a zero return).
        s.day = s.day.adding(days: 1)
        try s.openDay(equity: 100_008)
        // Monday of the next week. D: long 10 @ 100, stop 99 (1 R = 10), out @ 103: +30, R = 3. Curve 8 → 38.
        s.day = NYDate("2026-03-09")!
        try s.openDay(equity: 100_008)
        try fill("DDD", .buy, 10, "100", purpose: .entry, stop: "99", at: s.at(10, 0))
        try fill("DDD", .sell, 10, "103", purpose: .exit, at: s.at(10, 30))
        return s
    }

    @Test func handCheckedStatistics() async throws {
        let db = try await TestDatabase.create()
        var s = try Self.history()
        try await ReadModels.append(s.batches(), to: db.eventStore())
        try await ReadModels.project(db, [PerformanceProjection()])
        let rows = try await ReadModels.rows(db, "SELECT * FROM v_performance")
        func row(_ period: String, _ start: String) throws -> [String: String] {
            try #require(rows.first { $0["period"] == period && $0["period_start"] == start }, "\(period) \(start)")
        }

        let monday = try row("day", "2026-03-02")
        #expect(monday.decimal("pnl") == 58 && monday.decimal("fees") == 2)
        #expect(monday.int("trades") == 2 && monday.int("wins") == 1 && monday.int("losses") == 1)
        #expect(monday.decimal("win_rate") == Decimal(string: "0.5"))
        #expect(monday.decimal("profit_factor") == Decimal(string: "2.380952"), "100 / 42")
        #expect(monday.decimal("expectancy_r") == Decimal(string: "-0.05"), "(2 − 2.1) / 2")
        #expect(monday.decimal("avg_win") == 100 && monday.decimal("avg_loss") == -42)
        #expect(monday.decimal("max_drawdown") == 41)
        #expect(monday["sharpe"] == nil && monday["sortino"] == nil, "one return is not a ratio")

        let week = try row("week", "2026-03-02")
        #expect(week["period_end"] == "2026-03-08")
        #expect(week.int("trading_days") == 3 && week.decimal("pnl") == 8)
        #expect(week.int("trades") == 3 && week.int("wins") == 1 && week.int("losses") == 2)
        #expect(week.decimal("win_rate") == Decimal(string: "0.333333"))
        #expect(week.decimal("profit_factor") == Decimal(string: "1.086957"), "100 / 92")
        #expect(week.decimal("expectancy_r") == Decimal(string: "-0.7"), "(2 − 2.1 − 2) / 3")
        #expect(week.decimal("avg_win") == 100 && week.decimal("avg_loss") == -46)
        #expect(week.decimal("max_drawdown") == 91, "from Monday's high of 99 to Tuesday's low of 8")
        // Daily returns 58/100000, −50/100058, 0; risk-free 0; 252 days.
        let r = [58.0 / 100_000, -50.0 / 100_058, 0.0]
        let mean = r.reduce(0, +) / 3
        let sd = (r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        let downside = (r.map { min($0, 0) * min($0, 0) }.reduce(0, +) / 3).squareRoot()
        #expect(abs(NSDecimalNumber(decimal: week.decimal("sharpe")!).doubleValue - mean / sd * 252.0.squareRoot()) < 1e-5)
        #expect(abs(NSDecimalNumber(decimal: week.decimal("sortino")!).doubleValue - mean / downside * 252.0.squareRoot()) < 1e-5)

        let nextWeek = try row("week", "2026-03-09")
        #expect(nextWeek.decimal("pnl") == 30 && nextWeek.decimal("max_drawdown") == 0 && nextWeek.decimal("expectancy_r") == 3)

        let march = try row("month", "2026-03-01")
        #expect(march["period_end"] == "2026-03-31")
        #expect(march.decimal("pnl") == 38 && march.int("trades") == 4 && march.int("wins") == 2 && march.int("losses") == 2)
        #expect(march.decimal("profit_factor") == Decimal(string: "1.413043"), "130 / 92")
        #expect(march.decimal("expectancy_r") == Decimal(string: "0.225"), "(2 − 2.1 − 2 + 3) / 4")
        #expect(march.decimal("avg_win") == 65 && march.decimal("avg_loss") == -46)
        #expect(march.decimal("max_drawdown") == 91)
        #expect(march.int("return_days") == 4)

        let all = try #require(rows.first { $0["period"] == "all" })
        #expect(all.decimal("pnl") == 38 && all["period_start"] == "2026-03-02" && all["period_end"] == "2026-03-09")
    }
}
