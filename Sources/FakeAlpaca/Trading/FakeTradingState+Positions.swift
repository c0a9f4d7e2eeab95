import Domain
import Foundation

/// Closing positions (docs/alpaca.md §Positions): `DELETE /v2/positions/{symbol}` sends a market order for the whole
/// position, or `qty` shares, or `percentage` of it, and answers that order; `DELETE /v2/positions`
/// closes every position (after cancelling the open orders with `cancel_orders=true`) and answers 207
/// with one entry per position, as Alpaca does.
extension FakeTradingState {
    func closePosition(symbol raw: String, qty: String?, percentage: String?) -> Answer {
        let symbol = raw.uppercased()
        let held: Decimal? = book.withLock { $0.positions[symbol]?.quantity }
        guard let held, held != 0 else { return .error(404, 40_410_000, "position does not exist") }
        var quantity = abs(held)
        if let qty {
            guard let q = Self.decimal(qty), q > 0, q <= quantity else {
                return .error(422, 40_010_001, "qty must be > 0 and at most the position's \(quantity)")
            }
            quantity = q
        } else if let percentage {
            guard let p = Self.decimal(percentage), p > 0, p <= 100 else { return .error(422, 40_010_001, "percentage must be > 0 and ≤ 100") }
            quantity = DecimalText.round(quantity * p / 100, scale: 9, .down)
        }
        let body: [String: Any] = [
            "symbol": symbol, "qty": "\(quantity)", "side": held > 0 ? "sell" : "buy", "type": "market", "time_in_force": "day",
        ]
        let text = String(decoding: (try? JSONSerialization.data(withJSONObject: body)) ?? Data(), as: UTF8.self)
        return submit(body: text)
    }

    func closeAll(cancelOrders: Bool) -> Answer {
        if cancelOrders { _ = cancelAll() }
        let symbols = book.withLock { b in b.positions.keys.sorted().filter { b.positions[$0]?.quantity != 0 } }
        let results: [JSONValue] = symbols.map { symbol in
            let answer = closePosition(symbol: symbol, qty: nil, percentage: nil)
            var entry: [(String, JSONValue)] = [("symbol", .string(symbol)), ("status", .number(String(answer.status)))]
            if answer.status == 200, case .object(let fields)? = answer.body, let id = fields.first(where: { $0.0 == "id" })?.1 { entry.append(("order_id", id)) }
            entry.append(("body", answer.body ?? .object([])))
            return .object(entry)
        }
        return Answer(status: 207, body: .array(results))
    }
}
