import CatalystApp
import Domain
import Foundation
import Testing

/// `audit statement` of the simulated day agrees with the day's report and with its own fills.
@Suite struct AuditStatementTests {
    @Test func theStatementsRealizedPnLIsTheSumOverTheDaysClosedPositions() async throws {
        let day = try await SimulatedDay.get()
        let r = day.report
        let s = try await AuditStatement.load(date: SimulatedDay.date, store: day.store)
        #expect(s.events == r.events)
        #expect(s.realizedPnL == r.realizedPnL)
        // The report prints each position's P&L rounded to the cent, the statement rounds the day's total
        // once: the sum of the printed lines agrees with the total to within half a cent per line.
        let closed = r.closedPositions.compactMap { Decimal(string: $0.realizedPnL) }.reduce(0, +)
        let slack = Decimal(string: "0.005")! * Decimal(r.closedPositions.count)
        #expect(abs(Decimal(string: s.realizedPnL)! - closed) <= slack, "statement \(s.realizedPnL) vs positions \(closed)")
        #expect(s.unrealizedPnL == r.unrealizedPnL)
        #expect(s.fills.count == r.fills)
        #expect(s.positions.filter { $0.state == "closed" }.count == r.closedPositions.count)
        #expect(s.positions.count == r.positionsOpened)
        // Cash flows: the fills' cash effects sum to the net cash, and net cash = sold − bought − fees.
        let cash = s.fills.compactMap { Decimal(string: $0.cash) }.reduce(0, +)
        #expect(DecimalText.format(DecimalText.round(cash, scale: 2)) == s.netCash)
        // Each total is rounded to the cent on its own (the exact amounts have 4 decimals), so the printed
        // lines agree with the net to within one cent.
        let lines = Decimal(string: s.sold)! - Decimal(string: s.bought)! - Decimal(string: s.fees)!
        #expect(abs(lines - Decimal(string: s.netCash)!) <= Decimal(string: "0.01")!, "sold − bought − fees \(lines) vs net \(s.netCash)")
        // Every position was flat by the close, so the day's trading cash equals its realized P&L.
        #expect(s.positions.allSatisfy { $0.state == "closed" } && s.netCash == s.realizedPnL)
    }
}
