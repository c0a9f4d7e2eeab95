import Foundation

/// What the order routes do, with Alpaca's refusals (docs/alpaca.md §Orders): 422 for invalid parameters,
/// sub-penny prices and duplicate `client_order_id`s; 403 for buying power and for selling shares
/// held by open orders; 404 for unknown orders.
extension FakeTradingState {
    /// An answer: status and JSON body (nil = no body, e.g. 204).
    struct Answer {
        var status: Int
        var body: JSONValue?

        static func error(_ status: Int, _ code: Int, _ message: String) -> Answer {
            Answer(status: status, body: .object([("code", .number(String(code))), ("message", .string(message))]))
        }
    }

    func submit(body text: String) -> Answer {
        book.withLock { b in
            b.received.append(FakeReceivedBody(method: "POST", path: "/v2/orders", body: text))
            guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                return .error(400, 40_010_000, "request body format is invalid")
            }
            guard let symbol = (json["symbol"] as? String)?.uppercased(), !symbol.isEmpty else {
                return .error(422, 40_010_001, "symbol is required")
            }
            guard let qty = Self.decimal(json["qty"]), qty > 0 else { return .error(422, 40_010_001, "qty is required and must be > 0") }
            guard let side = json["side"] as? String, ["buy", "sell"].contains(side) else { return .error(422, 40_010_001, "invalid side") }
            guard let type = json["type"] as? String, ["market", "limit", "stop", "stop_limit"].contains(type) else {
                return .error(422, 40_010_001, "invalid order type")
            }
            guard let tif = json["time_in_force"] as? String, ["day", "gtc", "opg", "cls", "ioc", "fok"].contains(tif) else {
                return .error(422, 40_010_001, "invalid time_in_force")
            }
            let limit = Self.decimal(json["limit_price"])
            let stop = Self.decimal(json["stop_price"])
            if ["limit", "stop_limit"].contains(type), limit == nil { return .error(422, 40_010_001, "limit_price is required") }
            if ["stop", "stop_limit"].contains(type), stop == nil { return .error(422, 40_010_001, "stop_price is required") }
            let orderClass = (json["order_class"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "simple"
            guard ["simple", "bracket", "oto", "oco"].contains(orderClass) else { return .error(422, 40_010_001, "invalid order_class") }
            let takeProfit = Self.decimal((json["take_profit"] as? [String: Any])?["limit_price"])
            let stopLoss = Self.decimal((json["stop_loss"] as? [String: Any])?["stop_price"])
            let stopLossLimit = Self.decimal((json["stop_loss"] as? [String: Any])?["limit_price"])
            for (name, price) in [("limit_price", limit), ("stop_price", stop), ("take_profit.limit_price", takeProfit), ("stop_loss.stop_price", stopLoss)] {
                if let p = price, !Self.onTick(p) {
                    return .error(422, 42_210_000, "invalid \(name) \(p). sub-penny increment does not fulfill minimum pricing criteria")
                }
            }
            if orderClass == "bracket" {
                guard let tp = takeProfit, let sl = stopLoss else {
                    return .error(422, 40_010_001, "bracket orders require take_profit.limit_price and stop_loss.stop_price")
                }
                guard ["day", "gtc"].contains(tif) else { return .error(422, 40_010_001, "bracket orders must be day or gtc") }
                guard side == "buy" ? tp > sl : tp < sl else {
                    return .error(422, 40_010_001, "take_profit.limit_price must be \(side == "buy" ? "greater" : "less") than stop_loss.stop_price")
                }
            }
            let clientID = (json["client_order_id"] as? String) ?? b.nextUUID()
            guard clientID.count <= 48 else { return .error(422, 40_010_001, "client_order_id must be no more than 48 characters") }
            guard b.index(clientOrderID: clientID) == nil else { return .error(422, 40_010_001, "client_order_id must be unique") }

            let position = b.positions[symbol]?.quantity ?? 0
            let reduces = (position > 0 && side == "sell") || (position < 0 && side == "buy")
            if reduces {
                let available = b.available(symbol)
                guard qty <= available else {
                    return .error(403, 40_310_000, "insufficient qty available for order (requested: \(qty), available: \(available))")
                }
            } else if let price = limit ?? b.mark(symbol), qty * price > b.buyingPower {
                return .error(403, 40_310_000, "insufficient buying power")
            }

            let id = b.nextUUID()
            var order = FakeOrder(
                id: id, clientOrderID: clientID, symbol: symbol, side: side, type: type, timeInForce: tif, orderClass: orderClass,
                quantity: qty, limitPrice: limit, stopPrice: stop, status: b.behavior.initialStatus, createdAt: b.now, updatedAt: b.now)
            order.extendedHours = json["extended_hours"] as? Bool ?? false
            var legs: [FakeOrder] = []
            if orderClass != "simple" {
                let exit = side == "buy" ? "sell" : "buy"
                if let tp = takeProfit {
                    legs.append(FakeOrder(
                        id: b.nextUUID(), clientOrderID: b.nextUUID(), symbol: symbol, side: exit, type: "limit", timeInForce: tif,
                        orderClass: orderClass, quantity: qty, limitPrice: tp, status: "held", createdAt: b.now, updatedAt: b.now,
                        parentID: id, legRole: "take_profit"))
                }
                if let sl = stopLoss {
                    legs.append(FakeOrder(
                        id: b.nextUUID(), clientOrderID: b.nextUUID(), symbol: symbol, side: exit, type: stopLossLimit == nil ? "stop" : "stop_limit",
                        timeInForce: tif, orderClass: orderClass, quantity: qty, limitPrice: stopLossLimit, stopPrice: sl, status: "held",
                        createdAt: b.now, updatedAt: b.now, parentID: id, legRole: "stop_loss"))
                }
                order.legIDs = legs.map(\.id)
            }
            b.orders.append(order)
            b.orders.append(contentsOf: legs)
            return Answer(status: 200, body: b.nestedJSON(order))
        }
    }

    func replace(id: String, body text: String) -> Answer {
        book.withLock { b in
            b.received.append(FakeReceivedBody(method: "PATCH", path: "/v2/orders/\(id)", body: text))
            guard let i = b.index(of: id) else { return .error(404, 40_410_000, "order not found for \(id)") }
            let old = b.orders[i]
            guard old.isOpen, !["pending_cancel", "pending_replace"].contains(old.status) else {
                return .error(422, 42_210_000, "order is not replaceable: status \(old.status)")
            }
            guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                return .error(400, 40_010_000, "request body format is invalid")
            }
            let limit = Self.decimal(json["limit_price"])
            let stop = Self.decimal(json["stop_price"])
            for (name, price) in [("limit_price", limit), ("stop_price", stop)] {
                if let p = price, !Self.onTick(p) {
                    return .error(422, 42_210_000, "invalid \(name) \(p). sub-penny increment does not fulfill minimum pricing criteria")
                }
            }
            if limit != nil, !["limit", "stop_limit"].contains(old.type) { return .error(422, 40_010_001, "limit_price is not applicable") }
            if stop != nil, !["stop", "stop_limit"].contains(old.type) { return .error(422, 40_010_001, "stop_price is not applicable") }
            let clientID = (json["client_order_id"] as? String) ?? b.nextUUID()
            guard b.index(clientOrderID: clientID) == nil else { return .error(422, 40_010_001, "client_order_id must be unique") }
            // Alpaca keeps the original quantity when none is given (alpacahq/Alpaca-API #165).
            let qty = Self.decimal(json["qty"]) ?? old.quantity
            let newID = b.nextUUID()
            var new = old
            new.id = newID
            new.clientOrderID = clientID
            new.quantity = qty
            new.filledQuantity = 0
            new.filledNotional = 0
            new.limitPrice = limit ?? old.limitPrice
            new.stopPrice = stop ?? old.stopPrice
            new.timeInForce = (json["time_in_force"] as? String) ?? old.timeInForce
            new.status = old.status == "held" ? "held" : b.behavior.initialStatus
            new.createdAt = b.now
            new.updatedAt = b.now
            new.replaces = old.id
            new.replacedBy = nil
            new.filledAt = nil
            b.orders[i].status = "replaced"
            b.orders[i].replacedAt = b.now
            b.orders[i].updatedAt = b.now
            b.orders[i].replacedBy = newID
            for leg in old.legIDs { if let l = b.index(of: leg) { b.orders[l].parentID = newID } }
            if let parent = old.parentID, let p = b.index(of: parent) {
                b.orders[p].legIDs = b.orders[p].legIDs.map { $0 == old.id ? newID : $0 }
            }
            b.orders.append(new)
            return Answer(status: 200, body: b.nestedJSON(new))
        }
    }

    func cancel(id: String) -> Answer {
        book.withLock { b in
            guard let i = b.index(of: id) else { return .error(404, 40_410_000, "order not found for \(id)") }
            guard b.orders[i].isOpen else { return .error(422, 42_210_000, "order is already in \"\(b.orders[i].status)\" state") }
            if b.behavior.cancelsPend {
                b.orders[i].status = "pending_cancel"
                b.orders[i].updatedAt = b.now
            } else {
                Self.cancelGroup(&b, i)
            }
            return Answer(status: 204, body: nil)
        }
    }

    /// `DELETE /v2/orders`: 207 with one entry per open order.
    func cancelAll() -> Answer {
        book.withLock { b in
            var results: [JSONValue] = []
            for i in b.orders.indices where b.orders[i].isOpen && b.orders[i].parentID == nil {
                Self.cancelGroup(&b, i)
                results.append(.object([("id", .string(b.orders[i].id)), ("status", .number("200")), ("body", b.nestedJSON(b.orders[i]))]))
            }
            return Answer(status: 207, body: .array(results))
        }
    }

    /// Cancels an order and the open orders of its group (cancel one → the rest of the group).
    static func cancelGroup(_ b: inout Book, _ i: Int) {
        let group = b.orders[i].parentID.flatMap { b.index(of: $0) }.map { b.orders[$0].legIDs } ?? b.orders[i].legIDs
        for j in [i] + group.compactMap({ b.index(of: $0) }) where b.orders[j].isOpen {
            b.orders[j].status = "canceled"
            b.orders[j].canceledAt = b.now
            b.orders[j].updatedAt = b.now
        }
    }

    /// A number sent as a string (Alpaca's style) or as a JSON number.
    static func decimal(_ value: Any?) -> Decimal? {
        switch value {
        case let s as String: return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
        case let n as NSNumber: return Decimal(string: n.stringValue, locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }

    /// Sub-penny rule: cents at or above $1.00, hundredths of a cent below.
    static func onTick(_ price: Decimal) -> Bool {
        var p = price
        var rounded = Decimal()
        NSDecimalRound(&rounded, &p, price >= 1 ? 2 : 4, .plain)
        return rounded == price
    }
}
