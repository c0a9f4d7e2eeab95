import ArgumentParser
import Domain
import Foundation
import MarketData
import Strategy

/// `catalyst indicators FILE.csv`: our indicator values for the user's bars, to compare with their tools.
struct IndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Print SMA, EMA, RSI, MACD, ATR, Bollinger, OBV and VWAP for bars in a CSV file.",
        discussion: """
            Input header: timestamp,open,high,low,close,volume (optional vwap, trade_count). \
            Timestamps: RFC 3339, "YYYY-MM-DD HH:MM" in New York time, or YYYY-MM-DD. Bars must be in order. \
            Output header: \(IndicatorTable.csvHeader) \
            Values not defined yet (warm-up) are empty. Conventions: Sources/Strategy/README.md.
            """
    )

    @Argument(help: "CSV file of bars, oldest first.")
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let table: CSVTable
        let bars: [Bar]
        do {
            table = try CSVTable(contentsOf: url)
            bars = try CSVBars.read(table, interval: 60).map(\.bar)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let calendar = NYSECalendar()
        let indicators = IndicatorTable(BarSeries(bars: bars)) { calendar.session(on: $0) }
        var out = IndicatorTable.csvHeader + "\n"
        for (i, row) in table.rows.enumerated() {
            let stamp = (try? table.text(row, "timestamp")) ?? RFC3339.format(bars[i].start)
            out += csvField(stamp)
            for v in indicators.row(i) { out += "," + (v.isFinite ? Self.number(v) : "") }
            out += "\n"
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// Six decimals without trailing zeros: `49.14734`, `-59245100`.
    static func number(_ v: Double) -> String {
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    private func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
