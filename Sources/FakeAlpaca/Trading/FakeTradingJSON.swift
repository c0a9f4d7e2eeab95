import Foundation

/// Alpaca's trading entities written field by field, in the order Alpaca's documentation lists them
/// (docs/alpaca.md §Orders, §Positions, §Account, §Account activities): decimals as strings,
/// timestamps with 9 fractional digits.
extension FakeTradingState.Book {
    func orderJSON(_ o: FakeOrder, legs: [FakeOrder]?) -> JSONValue {
        let w = wire
        func time(_ d: Date?) -> JSONValue { d.map(w.time) ?? .null }
        func dec(_ d: Decimal?) -> JSONValue { d.map(w.decimal) ?? .null }
        return .object([
            ("id", .string(o.id)), ("client_order_id", .string(o.clientOrderID)), ("created_at", time(o.createdAt)),
            ("updated_at", time(o.updatedAt)), ("submitted_at", time(o.createdAt)), ("filled_at", time(o.filledAt)),
            ("expired_at", time(o.expiredAt)), ("canceled_at", time(o.canceledAt)), ("failed_at", time(o.failedAt)),
            ("replaced_at", time(o.replacedAt)), ("replaced_by", o.replacedBy.map(JSONValue.string) ?? .null),
            ("replaces", o.replaces.map(JSONValue.string) ?? .null), ("asset_id", .string(Self.assetID(o.symbol))),
            ("symbol", .string(o.symbol)), ("asset_class", .string("us_equity")), ("notional", .null), ("qty", dec(o.quantity)),
            ("filled_qty", dec(o.filledQuantity)), ("filled_avg_price", dec(o.averagePrice)),
            ("order_class", .string(o.orderClass == "simple" ? "" : o.orderClass)), ("order_type", .string(o.type)),
            ("type", .string(o.type)), ("side", .string(o.side)), ("position_intent", .null), ("time_in_force", .string(o.timeInForce)),
            ("limit_price", dec(o.limitPrice)), ("stop_price", dec(o.stopPrice)), ("status", .string(o.status)),
            ("extended_hours", .bool(o.extendedHours)), ("legs", legs.map { .array($0.map { orderJSON($0, legs: nil) }) } ?? .null),
            ("trail_percent", .null), ("trail_price", .null), ("hwm", .null), ("subtag", .null), ("source", .null),
            ("expires_at", time(o.timeInForce == "day" ? o.createdAt.addingTimeInterval(86_400) : nil)),
        ])
    }

    /// An order with its legs nested (single-order answers, `nested=true` listings).
    func nestedJSON(_ o: FakeOrder) -> JSONValue {
        let legs = o.legIDs.compactMap { id in orders.first { $0.id == id } }
        return orderJSON(o, legs: legs.isEmpty ? nil : legs)
    }

    func fillJSON(_ f: FakeFill) -> JSONValue {
        .object([
            ("id", .string(f.id)), ("activity_type", .string("FILL")), ("transaction_time", wire.time(f.time)), ("type", .string(f.type)),
            ("price", wire.decimal(f.price)), ("qty", wire.decimal(f.quantity)), ("side", .string(f.side)), ("symbol", .string(f.symbol)),
            ("leaves_qty", wire.decimal(f.leavesQuantity)), ("order_id", .string(f.orderID)), ("cum_qty", wire.decimal(f.cumulativeQuantity)),
            ("order_status", .string(f.orderStatus)),
        ])
    }

    func positionJSON(_ p: FakePosition) -> JSONValue {
        let price = mark(p.symbol) ?? p.averageEntryPrice
        let marketValue = p.quantity * price
        let unrealized = marketValue - p.costBasis
        let plpc = p.costBasis == 0 ? Decimal(0) : unrealized / abs(p.costBasis)
        return .object([
            ("asset_id", .string(Self.assetID(p.symbol))), ("symbol", .string(p.symbol)), ("exchange", .string("NASDAQ")),
            ("asset_class", .string("us_equity")), ("asset_marginable", .bool(true)), ("qty", wire.decimal(p.quantity)),
            ("avg_entry_price", wire.decimal(p.averageEntryPrice)), ("side", .string(p.quantity < 0 ? "short" : "long")),
            ("market_value", wire.decimal(marketValue)), ("cost_basis", wire.decimal(p.costBasis)), ("unrealized_pl", wire.decimal(unrealized)),
            ("unrealized_plpc", wire.decimal(plpc)), ("unrealized_intraday_pl", wire.decimal(unrealized)),
            ("unrealized_intraday_plpc", wire.decimal(plpc)), ("current_price", wire.decimal(price)), ("lastday_price", wire.decimal(price)),
            ("change_today", .string("0")), ("qty_available", wire.decimal(available(p.symbol) * (p.quantity < 0 ? -1 : 1))),
        ])
    }

    func accountJSON() -> JSONValue {
        let s = { (d: Decimal) in wire.decimal(d) }
        return .object([
            ("id", .string("fa7e0000-acc0-4000-8000-000000000001")), ("account_number", .string(accountNumber)), ("status", .string("ACTIVE")),
            ("crypto_status", .string("INACTIVE")), ("currency", .string("USD")), ("buying_power", s(buyingPower)),
            ("regt_buying_power", s(buyingPower)), ("daytrading_buying_power", s(buyingPower)), ("non_marginable_buying_power", s(buyingPower)),
            ("options_buying_power", s(buyingPower)), ("cash", s(cash)), ("accrued_fees", s(0)), ("pending_transfer_in", s(0)),
            ("portfolio_value", s(equity)), ("pattern_day_trader", .bool(false)), ("trading_blocked", .bool(false)),
            ("transfers_blocked", .bool(false)), ("account_blocked", .bool(false)), ("created_at", wire.time(Date(timeIntervalSince1970: 1_577_836_800))),
            ("trade_suspended_by_user", .bool(false)), ("multiplier", s(behavior.buyingPowerMultiplier)), ("shorting_enabled", .bool(true)),
            ("equity", s(equity)), ("last_equity", s(lastEquity)), ("long_market_value", s(longMarketValue)),
            ("short_market_value", s(shortMarketValue)), ("initial_margin", s(0)), ("maintenance_margin", s(0)),
            ("last_maintenance_margin", s(0)), ("sma", s(0)), ("daytrade_count", .number("0")), ("options_approved_level", .number("0")),
            ("options_trading_level", .number("0")),
        ])
    }

    /// The one stable, UUID-shaped asset id of a symbol: orders, positions and `/v2/assets` all answer it.
    static func assetID(_ symbol: String) -> String {
        var h: UInt64 = 1_469_598_103_934_665_603
        for b in symbol.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        let hex = String(h, radix: 16)
        let t = String(repeating: "0", count: 16 - hex.count) + hex
        return "a55e7000-\(t.prefix(4))-4\(t.dropFirst(4).prefix(3))-8\(t.dropFirst(7).prefix(3))-\(t.suffix(6))000000"
    }
}
