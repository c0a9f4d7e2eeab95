import Foundation

/// One code per risk rule. Stable snake_case wire names: projections count denials by them and
/// Doctor Claude reports them.
public enum RiskReasonCode: String, Sendable, Codable, CaseIterable {
    case tradingHalted = "trading_halted"
    case marketClosed = "market_closed"
    case entryCutoffBeforeClose = "entry_cutoff_before_close"
    case dailyLossLimit = "daily_loss_limit"
    case minAccountEquity = "min_account_equity"
    case shortSellingDisabled = "short_selling_disabled"
    case notShortable = "not_shortable"
    case securityNotTradable = "security_not_tradable"
    case symbolAlreadyOpen = "symbol_already_open"
    case maxPositions = "max_positions"
    case maxDailyTrades = "max_daily_trades"
    case entryBeyondStop = "entry_beyond_stop"
    case stopLossMissing = "stop_loss_missing"
    case stopLossWrongSide = "stop_loss_wrong_side"
    case stopLossTooWide = "stop_loss_too_wide"
    case stopLossTooTight = "stop_loss_too_tight"
    case takeProfitWrongSide = "take_profit_wrong_side"
    case rewardRiskTooLow = "reward_risk_too_low"
    case quantityTooSmall = "quantity_too_small"
    case maxPositionValue = "max_position_value"
    case consecutiveLossSizeLimit = "consecutive_loss_size_limit"
    case maxPositionEquityFraction = "max_position_equity_fraction"
    case minPositionValue = "min_position_value"
    case maxPortfolioExposure = "max_portfolio_exposure"
    case sectorExposure = "sector_exposure"
    case correlation = "correlation"
    case insufficientBuyingPower = "insufficient_buying_power"
    case invalidOrderIntent = "invalid_order_intent"
}

/// One failed rule: its code, the limit and the value that broke it, and a readable detail.
public struct RiskViolation: Hashable, Sendable, Codable {
    public var code: RiskReasonCode
    public var limit: DecimalValue?
    public var actual: DecimalValue?
    public var detail: String

    public init(_ code: RiskReasonCode, limit: Decimal? = nil, actual: Decimal? = nil, detail: String = "") {
        self.code = code
        self.limit = limit.map(DecimalValue.init)
        self.actual = actual.map(DecimalValue.init)
        self.detail = detail
    }
}

/// The numbers a decision was made on. Recorded with approvals and denials alike, so an auditor and a
/// what-if replay see exactly what the rules saw.
public struct RiskAssessment: Hashable, Sendable, Codable {
    public var quantity: Quantity
    public var referencePrice: Price
    public var notional: Money
    public var riskPerShare: Price
    public var rewardRisk: DecimalValue?
    public var openPositions: Int
    public var pendingEntries: Int
    public var tradesToday: Int
    public var consecutiveLosses: Int
    public var dailyPnL: Money
    public var portfolioExposure: Money
    public var sectorExposure: Money
    public var equity: Money
    public var buyingPower: Money

    enum CodingKeys: String, CodingKey {
        case notional, equity
        case quantity = "qty"
        case referencePrice = "reference_price"
        case riskPerShare = "risk_per_share"
        case rewardRisk = "reward_risk"
        case openPositions = "open_positions"
        case pendingEntries = "pending_entries"
        case tradesToday = "trades_today"
        case consecutiveLosses = "consecutive_losses"
        case dailyPnL = "daily_pnl"
        case portfolioExposure = "portfolio_exposure"
        case sectorExposure = "sector_exposure"
        case buyingPower = "buying_power"
    }
}

/// Correlation of a candidate with a symbol already held, computed outside the domain.
public struct SymbolCorrelation: Hashable, Sendable, Codable {
    public var symbol: Symbol
    public var correlation: DecimalValue

    public init(symbol: Symbol, correlation: DecimalValue) {
        self.symbol = symbol
        self.correlation = correlation
    }
}
