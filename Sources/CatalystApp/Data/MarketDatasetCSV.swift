import Domain
import Foundation

/// The CSV of a recorded day, in the columns `CSVMarketData` reads (RFC 4180; text fields quoted).
enum MarketDatasetCSV {
    static func securities(_ list: [Security]) -> String {
        var out = "symbol,name,exchange,sector,tradable,shortable,fractionable\n"
        for s in list.sorted(by: { $0.symbol.rawValue < $1.symbol.rawValue }) {
            out += [s.symbol.rawValue, quote(s.name), quote(s.exchange), quote(s.sector.rawValue), "\(s.tradable)", "\(s.shortable)", "\(s.fractionable)"]
                .joined(separator: ",") + "\n"
        }
        return out
    }

    /// `daily`: timestamps as the New York date (`CSVMarketData` stamps a daily bar at that midnight).
    static func bars(_ bars: [Symbol: [Bar]], daily: Bool) -> String {
        var out = "symbol,timestamp,open,high,low,close,volume,vwap,trade_count\n"
        for symbol in bars.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for b in bars[symbol] ?? [] {
                let stamp = daily ? NYDate(b.start).description : RFC3339.format(b.start)
                out += [
                    symbol.rawValue, stamp, b.open.value.description, b.high.value.description, b.low.value.description, b.close.value.description,
                    String(b.volume), b.vwap?.value.description ?? "", b.tradeCount.map(String.init) ?? "",
                ].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    static func news(_ items: [NewsItem]) -> String {
        var out = "id,symbols,published_at,received_at,source,headline,summary\n"
        for n in items {
            out += [
                quote(n.id.rawValue), n.symbols.map(\.rawValue).joined(separator: " "), RFC3339.format(n.publishedAt), RFC3339.format(n.receivedAt),
                quote(n.source), quote(n.headline), quote(n.summary),
            ].joined(separator: ",") + "\n"
        }
        return out
    }

    static func quote(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
