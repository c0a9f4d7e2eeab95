import Domain
import Foundation

/// Alpaca's trading wire format (docs/alpaca.md): money and quantities as decimal strings,
/// timestamps RFC 3339 with up to 9 fractional digits and any offset. Decoders tolerate unknown keys
/// and nulls; an unknown status or side is refused rather than guessed.
enum AlpacaWire {
    /// The `POST /v2/orders` body. Keys are written sorted, so the bytes are stable.
    static func orderBody(_ i: OrderIntent) -> Data {
        var body: [String: JSONText] = [
            "symbol": .string(i.symbol.rawValue), "qty": .string(DecimalText.format(i.quantity.shares)), "side": .string(i.side.rawValue),
            "type": .string(i.type.rawValue), "time_in_force": .string(i.timeInForce.rawValue),
            "order_class": .string(i.orderClass.rawValue), "extended_hours": .bool(i.extendedHours),
        ]
        if let c = i.clientOrderID { body["client_order_id"] = .string(c.rawValue) }
        if let p = i.limitPrice { body["limit_price"] = .string(DecimalText.format(p.value)) }
        if let p = i.stopPrice { body["stop_price"] = .string(DecimalText.format(p.value)) }
        if let p = i.takeProfit { body["take_profit"] = .object(["limit_price": .string(DecimalText.format(p.value))]) }
        if let p = i.stopLoss {
            var leg: [String: JSONText] = ["stop_price": .string(DecimalText.format(p.value))]
            if let l = i.stopLossLimit { leg["limit_price"] = .string(DecimalText.format(l.value)) }
            body["stop_loss"] = .object(leg)
        }
        return Data(JSONText.object(body).serialized.utf8)
    }

    /// The `PATCH /v2/orders/{id}` body: only the fields that change.
    static func replaceBody(_ r: BrokerReplace) -> Data {
        var body: [String: JSONText] = [:]
        if let q = r.quantity { body["qty"] = .string(DecimalText.format(q.shares)) }
        if let p = r.limitPrice { body["limit_price"] = .string(DecimalText.format(p.value)) }
        if let p = r.stopPrice { body["stop_price"] = .string(DecimalText.format(p.value)) }
        if let t = r.timeInForce { body["time_in_force"] = .string(t.rawValue) }
        if let c = r.clientOrderID { body["client_order_id"] = .string(c.rawValue) }
        return Data(JSONText.object(body).serialized.utf8)
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ what: String) throws(BrokerError) -> T {
        do { return try decoder.decode(T.self, from: data) } catch {
            throw .malformedResponse("\(what): \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        func path(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, let c): return "missing \(key.stringValue) at \(path(c))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return "\(c.debugDescription) at \(path(c))"
        default: return "\(error)"
        }
    }

    /// Each element of a JSON array re-serialised on its own (sorted keys), to keep as an order's or
    /// position's evidence. Strings — all of Alpaca's numbers — survive unchanged.
    static func rawElements(_ data: Data) -> [String]? {
        guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return nil }
        return array.map { element in
            guard let d = try? JSONSerialization.data(withJSONObject: element, options: [.sortedKeys]) else { return "" }
            return String(decoding: d, as: UTF8.self)
        }
    }

    static func date(_ text: String?, _ field: String) throws(BrokerError) -> Date? {
        guard let text else { return nil }
        guard let d = RFC3339.parse(text) else { throw .malformedResponse("\(field) is not an RFC 3339 time: \(text)") }
        return d
    }
}

/// A tiny JSON writer for request bodies (sorted keys; strings escaped).
enum JSONText {
    case string(String)
    case bool(Bool)
    indirect case object([String: JSONText])

    var serialized: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .string(let s):
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                default:
                    if u.value < 0x20 {
                        let hex = String(u.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
            return out + "\""
        case .object(let members):
            return "{" + members.keys.sorted().map { JSONText.string($0).serialized + ":" + members[$0]!.serialized }.joined(separator: ",") + "}"
        }
    }
}

/// Alpaca's error body `{"code": …, "message": …}`.
struct WireError: Decodable {
    var code: Int?
    var message: String?
}

/// The order entity (docs/alpaca.md §Orders).
struct WireOrder: Decodable {
    var id: String
    var clientOrderId: String?
    var createdAt: String?
    var updatedAt: String?
    var submittedAt: String?
    var filledAt: String?
    var expiredAt: String?
    var canceledAt: String?
    var failedAt: String?
    var replacedBy: String?
    var replaces: String?
    var symbol: String
    var qty: Quantity?
    var filledQty: Quantity?
    var filledAvgPrice: Price?
    var orderClass: String?
    var type: String?
    var orderType: String?
    var side: String
    var timeInForce: String
    var limitPrice: Price?
    var stopPrice: Price?
    var status: String
    var legs: [WireOrder]?

    func order(raw: String?) throws(BrokerError) -> BrokerOrder {
        let what = "order \(id)"
        guard let symbol = Symbol(symbol) else { throw .malformedResponse("\(what): symbol \(self.symbol)") }
        guard let side = OrderSide(rawValue: side) else { throw .malformedResponse("\(what): side \(self.side)") }
        let typeText = type ?? orderType ?? ""
        guard let type = OrderType(rawValue: typeText) else { throw .malformedResponse("\(what): type \(typeText)") }
        guard let tif = TimeInForce(rawValue: timeInForce) else { throw .malformedResponse("\(what): time_in_force \(timeInForce)") }
        let classText = orderClass ?? ""
        guard let orderClass = classText.isEmpty ? .simple : OrderClass(rawValue: classText) else {
            throw .malformedResponse("\(what): order_class \(classText)")
        }
        guard let status = BrokerOrderStatus(rawValue: status) else { throw .malformedResponse("\(what): unknown status \(self.status)") }
        guard let created = try AlpacaWire.date(createdAt ?? submittedAt, "created_at") else {
            throw .malformedResponse("\(what): no created_at")
        }
        var legOrders: [BrokerOrder] = []
        for leg in legs ?? [] { legOrders.append(try leg.order(raw: nil)) }
        return BrokerOrder(
            id: BrokerOrderID(rawValue: id), clientOrderID: clientOrderId ?? "", symbol: symbol, side: side, type: type, timeInForce: tif,
            orderClass: orderClass, quantity: qty ?? filledQty ?? .zero, filledQuantity: filledQty ?? .zero,
            filledAveragePrice: filledAvgPrice, limitPrice: limitPrice, stopPrice: stopPrice, status: status, createdAt: created,
            updatedAt: try AlpacaWire.date(updatedAt, "updated_at"), submittedAt: try AlpacaWire.date(submittedAt, "submitted_at"),
            filledAt: try AlpacaWire.date(filledAt, "filled_at"), canceledAt: try AlpacaWire.date(canceledAt, "canceled_at"),
            expiredAt: try AlpacaWire.date(expiredAt, "expired_at"), failedAt: try AlpacaWire.date(failedAt, "failed_at"),
            replacedBy: replacedBy.map(BrokerOrderID.init(rawValue:)), replaces: replaces.map(BrokerOrderID.init(rawValue:)),
            legs: legOrders, raw: raw)
    }
}

/// A `FILL` account activity (docs/alpaca.md §Account activities). `qty` and `price` are this execution's.
struct WireFillActivity: Decodable {
    var id: String
    var activityType: String?
    var transactionTime: String
    var price: Price
    var qty: Quantity
    var side: String
    var symbol: String
    var leavesQty: Quantity?
    var cumQty: Quantity?
    var orderId: String

    func fill() throws(BrokerError) -> BrokerFill {
        guard let symbol = Symbol(symbol) else { throw .malformedResponse("activity \(id): symbol \(self.symbol)") }
        // Activities say `sell_short` for a sell that opens a short; the order side is still sell.
        let side: OrderSide
        switch self.side {
        case "buy": side = .buy
        case "sell", "sell_short": side = .sell
        default: throw .malformedResponse("activity \(id): side \(self.side)")
        }
        guard let time = try AlpacaWire.date(transactionTime, "transaction_time") else { throw .malformedResponse("activity \(id): no time") }
        return BrokerFill(
            executionID: ExecutionID(rawValue: id), brokerOrderID: BrokerOrderID(rawValue: orderId), clientOrderID: nil, symbol: symbol,
            side: side, quantity: qty, price: price, cumulativeQuantity: cumQty ?? qty, leavesQuantity: leavesQty ?? .zero,
            transactionTime: time)
    }
}

/// The position entity (docs/alpaca.md §Positions). Short quantities come back negative with `side: short`;
/// the sign is taken from `side` because some producers send magnitudes.
struct WirePosition: Decodable {
    var symbol: String
    var qty: Quantity
    var side: String?
    var avgEntryPrice: Price
    var marketValue: Money?
    var unrealizedPl: Money?
    var currentPrice: Price?

    func position(raw: String?) throws(BrokerError) -> BrokerPosition {
        guard let symbol = Symbol(symbol) else { throw .malformedResponse("position: symbol \(self.symbol)") }
        let signed: Quantity
        switch side {
        case "short": signed = -qty.magnitude
        case "long": signed = qty.magnitude
        case nil: signed = qty
        case let other?: throw .malformedResponse("position \(symbol): side \(other)")
        }
        return BrokerPosition(
            symbol: symbol, quantity: signed, averageEntryPrice: avgEntryPrice, marketValue: marketValue, unrealizedPnL: unrealizedPl,
            currentPrice: currentPrice, raw: raw)
    }
}

/// The account entity (docs/alpaca.md §Account): the fields risk decisions read.
struct WireAccount: Decodable {
    var equity: Money
    var buyingPower: Money
    var lastEquity: Money?
}
