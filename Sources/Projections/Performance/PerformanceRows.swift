import Domain
import Foundation

/// One row of `perf_days`: an account's New York trading day as trading performance sees it.
///
/// The drawdown curve is the account's cumulative realized P&L, moved by every fill that realizes
/// something (opening fees count against it). A day keeps the curve's level when it began, its high,
/// low and end, and its own max drawdown, so weeks and months can compose their drawdown in SQL.
struct PerfDayRow {
    var account: String
    var tradingDate: String
    var dayOpened = false
    var startingEquity: Decimal?
    var realizedPnL: Decimal = 0
    var fees: Decimal = 0
    var trades = 0
    var tradesUnknown = 0
    var wins = 0
    var losses = 0
    var breakeven = 0
    var grossProfit: Decimal = 0
    var grossLoss: Decimal = 0
    var rSum: Decimal = 0
    var rTrades = 0
    var startLevel: Decimal
    var endLevel: Decimal
    var highLevel: Decimal
    var lowLevel: Decimal
    var maxDrawdown: Decimal = 0

    var key: String { Self.key(account, tradingDate) }
    static func key(_ account: String, _ date: String) -> String { "\(account)|\(date)" }

    init(account: String, tradingDate: String, level: Decimal) {
        self.account = account
        self.tradingDate = tradingDate
        startLevel = level
        endLevel = level
        highLevel = level
        lowLevel = level
    }

    mutating func realize(_ amount: Decimal, level: Decimal) {
        realizedPnL += amount
        endLevel = level
        highLevel = max(highLevel, level)
        lowLevel = min(lowLevel, level)
        maxDrawdown = max(maxDrawdown, highLevel - level)
    }

    mutating func trade(pnl: Decimal?, r: Decimal?) {
        guard let pnl else {
            tradesUnknown += 1
            return
        }
        trades += 1
        if pnl > 0 {
            wins += 1
            grossProfit += pnl
        } else if pnl < 0 {
            losses += 1
            grossLoss -= pnl
        } else {
            breakeven += 1
        }
        if let r {
            rSum += r
            rTrades += 1
        }
    }

    static let table = "perf_days"
    static let columns = [
        "day_key", "account", "trading_date", "day_opened", "starting_equity", "realized_pnl", "fees", "trades", "trades_unknown", "wins",
        "losses", "breakeven", "gross_profit", "gross_loss", "r_sum", "r_trades", "start_level", "end_level", "high_level", "low_level",
        "max_drawdown",
    ]

    var values: [String?] {
        let d = SQLText.decimal
        let i = SQLText.int
        return [
            key, account, tradingDate, SQLText.bool(dayOpened), d(startingEquity), d(realizedPnL), d(fees), i(trades), i(tradesUnknown), i(wins),
            i(losses), i(breakeven), d(grossProfit), d(grossLoss), d(rSum), i(rTrades), d(startLevel), d(endLevel), d(highLevel), d(lowLevel),
            d(maxDrawdown),
        ]
    }

    init?(_ r: TextRow) {
        guard let account = r.string("account"), let date = r.string("trading_date"), let start = r.decimal("start_level") else { return nil }
        self.init(account: account, tradingDate: date, level: start)
        dayOpened = r.bool("day_opened")
        startingEquity = r.decimal("starting_equity")
        realizedPnL = r.decimal("realized_pnl") ?? 0
        fees = r.decimal("fees") ?? 0
        trades = r.int("trades") ?? 0
        tradesUnknown = r.int("trades_unknown") ?? 0
        wins = r.int("wins") ?? 0
        losses = r.int("losses") ?? 0
        breakeven = r.int("breakeven") ?? 0
        grossProfit = r.decimal("gross_profit") ?? 0
        grossLoss = r.decimal("gross_loss") ?? 0
        rSum = r.decimal("r_sum") ?? 0
        rTrades = r.int("r_trades") ?? 0
        endLevel = r.decimal("end_level") ?? start
        highLevel = r.decimal("high_level") ?? start
        lowLevel = r.decimal("low_level") ?? start
        maxDrawdown = r.decimal("max_drawdown") ?? 0
    }
}

/// One row of `perf_positions`: what performance needs to know about a position (its account and 1 R).
struct PerfPositionRow {
    var positionID: String
    var account: String
    var initialStop: Decimal?
    var initialRisk: Decimal?

    static let table = "perf_positions"
    static let columns = ["position_id", "account", "initial_stop", "initial_risk"]

    var values: [String?] { [positionID, account, SQLText.decimal(initialStop), SQLText.decimal(initialRisk)] }

    init(positionID: String, account: String, stop: Decimal?) {
        self.positionID = positionID
        self.account = account
        initialStop = stop
        initialRisk = stop.map { _ in 0 }
    }

    init?(_ r: TextRow) {
        guard let id = r.string("position_id"), let account = r.string("account") else { return nil }
        positionID = id
        self.account = account
        initialStop = r.decimal("initial_stop")
        initialRisk = r.decimal("initial_risk")
    }

    mutating func opening(_ quantity: Quantity, at price: Price) {
        guard let stop = initialStop, let risk = initialRisk else { return }
        initialRisk = risk + abs(price.value - stop) * quantity.shares
    }
}
