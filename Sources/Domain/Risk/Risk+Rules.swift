import Foundation

extension Risk {
    /// The outcome of running every rule: the intent that would be sent, the numbers, and every rule
    /// that failed (all of them, not only the first, so a denial explains itself fully).
    public struct Outcome: Hashable, Sendable {
        public var intent: OrderIntent
        public var assessment: RiskAssessment
        public var violations: [RiskViolation]
    }

    /// Runs every rule of `state.parameters` against an evaluation. Pure; `decide` turns the outcome
    /// into `risk.approved` or `risk.denied`.
    public static func assess(_ e: Evaluation, _ s: State) -> Outcome {
        let p = s.parameters
        let proposal = e.proposal
        let side = proposal.side
        let sign: Decimal = side == .long ? 1 : -1
        let symbol = proposal.symbol
        let sector = proposal.features.sector
        let equity = e.account.equity.amount

        // Prices go on legal ticks before anything is measured, so the approval measures what is sent.
        let level = OrderIntent.roundLimit(proposal.entry, side: side.entrySide)
        let stop = proposal.stop.roundedToTick(.nearest)
        let target = OrderIntent.roundLimit(proposal.target, side: side.exitSide)
        // Judged at the expected fill (EntryPlan): a breakout waits for its level and pays at most its cap.
        let plan = EntryPlan.plan(
            side: side, entry: level, stop: stop, market: e.marketPrice ?? proposal.features.price, preferred: e.entryType, style: e.entryStyle)
        let entry = plan.expectedFill
        let riskPerShare = (entry.value - stop.value) * sign
        let rewardPerShare = (target.value - entry.value) * sign
        let rewardRisk: Decimal? = riskPerShare > 0 ? DecimalText.round(rewardPerShare / riskPerShare, scale: 4, .down) : nil

        let lossFactor: Decimal = s.consecutiveLosses >= p.maxConsecutiveLosses ? p.consecutiveLossSizeFactor.value : 1
        let sizeCap = p.maxPositionValue.amount * lossFactor
        let quantity = e.requestedQuantity ?? sizedQuantity(e, p, entry: entry, riskPerShare: riskPerShare, cap: sizeCap)
        let notional = quantity.shares * entry.value
        let sectorExposure = s.exposure(of: sector)

        var v: [RiskViolation] = []
        if let halt = s.halt { v.append(RiskViolation(.tradingHalted, detail: "\(halt.reason.rawValue) by \(halt.by)")) }
        if let session = e.session {
            let cutoff = session.close.addingTimeInterval(-Double(p.entryCutoffMinutesBeforeClose) * 60)
            if !session.contains(e.now) {
                v.append(RiskViolation(.marketClosed, detail: "outside \(RFC3339.format(session.open))–\(RFC3339.format(session.close))"))
            } else if e.now >= cutoff {
                v.append(RiskViolation(.entryCutoffBeforeClose, limit: Decimal(p.entryCutoffMinutesBeforeClose), detail: "minutes before close"))
            }
        } else {
            v.append(RiskViolation(.marketClosed, detail: "no session today"))
        }
        if s.lossLimitReached {
            v.append(RiskViolation(.dailyLossLimit, limit: -p.maxDailyLoss.amount, actual: s.dailyPnL.amount))
        }
        if e.account.equity < p.minAccountEquity {
            v.append(RiskViolation(.minAccountEquity, limit: p.minAccountEquity.amount, actual: equity))
        }
        if side == .short, !p.allowShortSelling { v.append(RiskViolation(.shortSellingDisabled)) }
        if side == .short, p.allowShortSelling, !e.shortable { v.append(RiskViolation(.notShortable)) }
        if !e.tradable { v.append(RiskViolation(.securityNotTradable)) }
        if s.isOpenOrPending(symbol) { v.append(RiskViolation(.symbolAlreadyOpen, detail: symbol.rawValue)) }
        let positionLimit = min(p.maxPositions, e.maxPositions ?? p.maxPositions)
        if s.positionSlotsUsed >= positionLimit {
            v.append(RiskViolation(.maxPositions, limit: Decimal(positionLimit), actual: Decimal(s.positionSlotsUsed)))
        }
        if s.tradesToday >= p.maxDailyTrades {
            v.append(RiskViolation(.maxDailyTrades, limit: Decimal(p.maxDailyTrades), actual: Decimal(s.tradesToday)))
        }

        if stop.value > 0, plan.marketBeyond(stop: stop, side: side), let market = plan.marketPrice {
            v.append(RiskViolation(.entryBeyondStop, limit: stop.value, actual: market.value, detail: "the market is already at or through the stop"))
        }
        if stop.value <= 0 {
            if p.requireStopLoss { v.append(RiskViolation(.stopLossMissing)) }
        } else if riskPerShare <= 0 {
            v.append(RiskViolation(.stopLossWrongSide, limit: entry.value, actual: stop.value))
        } else {
            let maxDistance = p.maxStopLossFraction.value * entry.value
            if riskPerShare > maxDistance { v.append(RiskViolation(.stopLossTooWide, limit: maxDistance, actual: riskPerShare)) }
            if let atr = proposal.atr, atr > 0 {
                // One tick of tolerance: the stop was rounded to a tick after being placed at k × ATR.
                let minDistance = p.minStopLossATRMultiple.value * atr
                if riskPerShare < minDistance - stop.tickSize {
                    v.append(RiskViolation(.stopLossTooTight, limit: minDistance, actual: riskPerShare))
                }
            }
        }
        if rewardPerShare <= 0 {
            v.append(RiskViolation(.takeProfitWrongSide, limit: entry.value, actual: target.value))
        } else if let rr = rewardRisk, rr < p.minRewardRisk.value {
            v.append(RiskViolation(.rewardRiskTooLow, limit: p.minRewardRisk.value, actual: rr))
        }

        if !quantity.isPositive {
            v.append(RiskViolation(.quantityTooSmall, limit: 1, actual: quantity.shares))
        }
        if notional > p.maxPositionValue.amount {
            v.append(RiskViolation(.maxPositionValue, limit: p.maxPositionValue.amount, actual: notional))
        } else if notional > sizeCap {
            v.append(RiskViolation(.consecutiveLossSizeLimit, limit: sizeCap, actual: notional, detail: "\(s.consecutiveLosses) losses in a row"))
        }
        let equityCap = p.maxPositionFractionOfEquity.value * equity
        if notional > equityCap { v.append(RiskViolation(.maxPositionEquityFraction, limit: equityCap, actual: notional)) }
        if notional < p.minPositionValue.amount {
            v.append(RiskViolation(.minPositionValue, limit: p.minPositionValue.amount, actual: notional))
        }
        let portfolioCap = p.maxPortfolioExposureFraction.value * equity
        if s.portfolioExposure.amount + notional > portfolioCap {
            v.append(RiskViolation(.maxPortfolioExposure, limit: portfolioCap, actual: s.portfolioExposure.amount + notional))
        }
        let sectorCap = p.maxSectorExposureFraction.value * equity
        if sectorExposure.amount + notional > sectorCap {
            v.append(RiskViolation(.sectorExposure, limit: sectorCap, actual: sectorExposure.amount + notional, detail: sector.rawValue))
        }
        if p.checkCorrelation {
            for c in e.correlations where s.positions[c.symbol] != nil && abs(c.correlation.value) > p.maxCorrelation.value {
                v.append(RiskViolation(.correlation, limit: p.maxCorrelation.value, actual: c.correlation.value, detail: c.symbol.rawValue))
            }
        }
        if notional + s.pendingNotional.amount > e.account.buyingPower.amount {
            v.append(
                RiskViolation(.insufficientBuyingPower, limit: e.account.buyingPower.amount, actual: notional + s.pendingNotional.amount))
        }

        let intent = OrderIntent(
            clientOrderID: e.clientOrderID, symbol: symbol, positionSide: side, purpose: .entry, quantity: quantity, type: plan.type,
            limitPrice: plan.limitPrice, stopPrice: plan.stopPrice, timeInForce: e.timeInForce, orderClass: .bracket, takeProfit: target,
            stopLoss: stop)
        let intentProblems = intent.violations().filter { $0 != .quantityNotPositive }
        if !intentProblems.isEmpty {
            v.append(RiskViolation(.invalidOrderIntent, detail: intentProblems.map { "\($0)" }.joined(separator: ", ")))
        }

        let assessment = RiskAssessment(
            quantity: quantity, referencePrice: entry, notional: Money(notional), riskPerShare: Price(riskPerShare),
            rewardRisk: rewardRisk.map(DecimalValue.init), openPositions: s.openPositionCount, pendingEntries: s.pending.count,
            tradesToday: s.tradesToday, consecutiveLosses: s.consecutiveLosses, dailyPnL: s.dailyPnL, portfolioExposure: s.portfolioExposure,
            sectorExposure: sectorExposure, equity: e.account.equity, buyingPower: e.account.buyingPower)
        return Outcome(intent: intent, assessment: assessment, violations: v)
    }

    /// The largest quantity within the per-position caps and the per-trade risk budget.
    static func sizedQuantity(_ e: Evaluation, _ p: RiskParameters, entry: Price, riskPerShare: Decimal, cap: Decimal) -> Quantity {
        guard entry.value > 0 else { return .zero }
        var shares = min(cap, p.maxPositionFractionOfEquity.value * e.account.equity.amount) / entry.value
        if let budget = e.riskPerTrade, riskPerShare > 0 {
            shares = min(shares, budget.value * e.account.equity.amount / riskPerShare)
        }
        return Quantity(DecimalText.round(max(0, shares), scale: p.allowFractionalShares ? 4 : 0, .down))
    }
}
