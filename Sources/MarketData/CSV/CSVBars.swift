import Domain
import Foundation

/// Bars from CSV, with every problem reported as file, line and field.
///
/// Columns (header names, any order, case-insensitive):
/// `timestamp,open,high,low,close,volume`, optionally `vwap` and `trade_count`, and `symbol` for files
/// with several symbols. Timestamps are RFC 3339 (`2025-03-14T13:30:00Z`, `…-04:00`, up to 9 fractional
/// digits), or New York wall-clock `YYYY-MM-DD HH:MM[:SS]`, or a date `YYYY-MM-DD` for daily bars
/// (New York midnight, as Alpaca stamps daily bars). Bars are labelled by their start. Prices are plain
/// decimals (`12.34`); volume is a whole number. Within a symbol, timestamps must strictly increase.
public enum CSVBars {
    public static let requiredColumns = ["timestamp", "open", "high", "low", "close", "volume"]

    /// Parses every row; `interval` sets `availableAt` = start + interval (when the bar was complete).
    public static func read(_ table: CSVTable, interval: TimeInterval) throws(CSVError) -> [(symbol: String?, bar: Bar)] {
        try table.require(requiredColumns)
        // Column positions are looked up once, not for every field of every row.
        struct Column {
            let name: String
            let position: Int?
        }
        func column(_ name: String) -> Column { Column(name: name, position: table.position(of: name)) }
        let (symbolColumn, timestamp, openColumn, highColumn, lowColumn, closeColumn, volumeColumn, vwapColumn, tradeCount) = (
            column("symbol"), column("timestamp"), column("open"), column("high"), column("low"), column("close"), column("volume"), column("vwap"),
            column("trade_count")
        )
        func text(_ row: CSVTable.Row, _ c: Column) throws(CSVError) -> String { try table.text(row, at: c.position!, c.name) }
        func optionalText(_ row: CSVTable.Row, _ c: Column) throws(CSVError) -> String? {
            guard let k = c.position else { return nil }
            let t = try table.text(row, at: k, c.name)
            return t.isEmpty ? nil : t
        }
        func price(_ row: CSVTable.Row, _ c: Column) throws(CSVError) -> Price {
            let column = c.name
            let t = try text(row, c)
            guard let p = Price(t) else { throw table.error(row, column, "not a number: \"\(t)\"") }
            guard p.value > 0 else { throw table.error(row, column, "not positive: \"\(t)\"") }
            return p
        }
        var out: [(String?, Bar)] = []
        out.reserveCapacity(table.rows.count)
        var lastStart: [String: Date] = [:]
        for row in table.rows {
            let symbol = try optionalText(row, symbolColumn)?.uppercased()
            let stamp = try text(row, timestamp)
            guard let start = parseTimestamp(stamp) else {
                throw table.error(row, "timestamp", "not a timestamp: \"\(stamp)\" (RFC 3339, \"YYYY-MM-DD HH:MM\" New York time, or YYYY-MM-DD)")
            }
            let key = symbol ?? ""
            if let previous = lastStart[key], start <= previous {
                throw table.error(row, "timestamp", "bars out of order: \(stamp) is not after the previous bar\(symbol.map { " of \($0)" } ?? "")")
            }
            lastStart[key] = start
            let open = try price(row, openColumn)
            let high = try price(row, highColumn)
            let low = try price(row, lowColumn)
            let close = try price(row, closeColumn)
            guard low <= open, low <= close, high >= open, high >= close, low <= high else {
                throw table.error(row, "high", "inconsistent bar: high \(high) / low \(low) do not contain open \(open) and close \(close)")
            }
            let volumeText = try text(row, volumeColumn)
            guard let volume = Int64(volumeText), volume >= 0 else {
                throw table.error(row, "volume", "not a whole non-negative number: \"\(volumeText)\"")
            }
            var vwap: Price?
            if let v = try optionalText(row, vwapColumn) {
                guard let p = Price(v), p.value > 0 else { throw table.error(row, "vwap", "not a positive decimal: \"\(v)\"") }
                vwap = p
            }
            var trades: Int?
            if let t = try optionalText(row, tradeCount) {
                guard let n = Int(t), n >= 0 else { throw table.error(row, "trade_count", "not a whole number: \"\(t)\"") }
                trades = n
            }
            out.append(
                (symbol, Bar(start: start, open: open, high: high, low: low, close: close, volume: volume, vwap: vwap, tradeCount: trades, availableAt: start.addingTimeInterval(interval)))
            )
        }
        return out
    }

    /// RFC 3339, `YYYY-MM-DD HH:MM[:SS]` in New York time, or `YYYY-MM-DD` (New York midnight).
    public static func parseTimestamp(_ text: String) -> Date? {
        if let t = RFC3339.parse(text) { return t }
        if text.count == 10, let d = NYDate(text) { return d.at(hour: 0, minute: 0) }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let d = NYDate(String(parts[0])) else { return nil }
        let hms = parts[1].split(separator: ":").map { Int($0) }
        guard (2...3).contains(hms.count), hms.allSatisfy({ $0 != nil }), hms[0]! < 24, hms[1]! < 60, (hms.count == 2 || hms[2]! < 60)
        else { return nil }
        return d.at(hour: hms[0]!, minute: hms[1]!, second: hms.count == 3 ? hms[2]! : 0)
    }
}
