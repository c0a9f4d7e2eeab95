import Domain
import Foundation

/// A risk day in memory while a batch is applied: the day row, its book and its approved entries.
/// `apply` mirrors `Risk.evolve` so the read model shows exactly what the risk decisions saw.
struct RiskDay {
    var row: RiskDayRow
    var book: [String: RiskBookRow] = [:]
    var pending: [String: RiskPendingRow] = [:]
    var touchedBook = Set<String>()
    var touchedPending = Set<String>()
    var denials: [[String?]] = []

    mutating func apply(_ event: Risk.Event, at: Date, position: Int64) {
        switch event {
        case .dayOpened(let e):
            row.opened = true
            row.openedAt = e.openedAt
            row.startingEquity = e.startingEquity?.amount
            parameters(e.parameters, hash: e.parametersHash)
            if let halt = e.carriedHalt { row.setHalt(halt, carried: true, dailyPnL: nil) }
            for p in e.carriedPositions where !p.quantity.isZero {
                var b = RiskBookRow(
                    symbol: p.symbol.rawValue, sector: p.sector.rawValue,
                    net: NetPosition(quantity: p.quantity, costBasis: Money(p.quantity.shares * p.referencePrice.value)), mark: p.referencePrice)
                b.carried = true
                book[b.symbol] = b
                touchedBook.insert(b.symbol)
            }
        case .parametersChanged(let e):
            parameters(e.parameters, hash: e.parametersHash)
            row.parametersChangedBy = e.by.description
            row.parametersMaker = e.maker?.description
            row.parametersProposedBy = nil
            row.parametersProposedAt = nil
            row.parametersProposedRaises = nil
        case .parametersProposed(let e):
            row.parametersProposedBy = e.by.description
            row.parametersProposedAt = e.proposedAt
            row.parametersProposedRaises = SQLText.jsonArray(e.raises)
        case .approved(let e):
            row.approvals += 1
            let p = RiskPendingRow(e)
            pending[p.approvalID] = p
            touchedPending.insert(p.approvalID)
        case .denied(let e):
            row.denials += 1
            denials.append([
                row.streamID, e.approvalID.rawValue, row.account, row.tradingDate, e.symbol.rawValue, e.positionSide.rawValue, e.cycleID?.rawValue,
                e.signalID?.rawValue, SQLText.jsonArray(e.reasonCodes.map(\.rawValue)), SQLText.time(e.decidedAt), String(position),
            ])
        case .approvalReleased(let e):
            row.releases += 1
            guard var p = pending[e.approvalID.rawValue], p.isPending else { break }
            if p.unfilledQty == p.approvedQty { row.releasedUnfilled += 1 }
            p.status = "released"
            p.releaseReason = e.reason.rawValue
            p.releasedAt = e.releasedAt
            pending[p.approvalID] = p
            touchedPending.insert(p.approvalID)
        case .fillRecorded(let e):
            fill(e)
        case .marksRecorded(let e):
            for mark in e.marks {
                guard var b = book[mark.symbol.rawValue], !b.net.isFlat else { continue }
                b.mark = mark.price
                book[b.symbol] = b
                touchedBook.insert(b.symbol)
            }
            row.lastMarksAt = e.markedAt
        case .dailyLossWarning(let e):
            row.warningIssued = true
            row.warningAt = e.at
            row.warningDailyPnL = e.dailyPnL.amount
        case .tradingHalted(let e):
            row.setHalt(e.halt, carried: false, dailyPnL: e.dailyPnL.amount)
        case .tradingResumed(let e):
            row.halted = false
            row.resumedBy = e.by.description
            row.resumedAt = e.at
            row.resumeNote = e.note
            row.resumeMaker = e.maker?.description
            row.resumeRequestedBy = nil
            row.resumeRequestedAt = nil
        case .resumeRequested(let e):
            row.resumeRequestedBy = e.by.description
            row.resumeRequestedAt = e.at
        }
        row.lastEventAt = max(row.lastEventAt ?? at, at)
        row.lastGlobalPosition = position
    }

    private mutating func parameters(_ p: RiskParameters, hash: String) {
        row.parametersHash = hash
        row.maxDailyLoss = p.maxDailyLoss.amount
        row.warningFraction = p.dailyLossWarningFraction.value
        row.maxPositions = p.maxPositions
        row.maxDailyTrades = p.maxDailyTrades
    }

    /// `Risk.applyFill`: the book moves, realized P&L and the losing streak follow round trips, and an
    /// opening fill consumes its approval's unfilled quantity.
    private mutating func fill(_ e: Risk.FillRecorded) {
        row.fills += 1
        let symbol = e.symbol.rawValue
        var b = book[symbol] ?? RiskBookRow(symbol: symbol, sector: e.sector.rawValue, net: .flat, mark: nil)
        if b.net.isFlat {
            // The domain drops a flat book; a new round trip starts fresh (the day's realized stays).
            b.sector = e.sector.rawValue
            b.mark = nil
            b.roundTripRealized = 0
            b.carried = false
        }
        let (net, effect) = b.net.applying(side: e.side, quantity: e.quantity, price: e.price, fee: e.fee)
        row.realizedPnL += effect.realized.amount
        b.realizedPnL += effect.realized.amount
        b.roundTripRealized += effect.realized.amount
        if effect.closed.isPositive, net.isFlat || effect.flipped {
            if b.roundTripRealized < 0 {
                row.consecutiveLosses += 1
            } else if b.roundTripRealized > 0 {
                row.consecutiveLosses = 0
            }
            b.roundTripRealized = 0
        }
        b.net = net
        b.mark = net.isFlat ? nil : e.price
        b.fills += 1
        book[symbol] = b
        touchedBook.insert(symbol)
        if let id = e.approvalID?.rawValue, var p = pending[id], p.isPending, effect.opened.isPositive {
            p.unfilledQty -= effect.opened.shares
            if p.unfilledQty <= 0 { p.status = "filled" }
            pending[id] = p
            touchedPending.insert(id)
        }
    }

    /// The day's totals from its book and approvals, as `Risk.State`'s derived figures.
    mutating func summarize() {
        let held = book.values.filter { !$0.net.isFlat }
        row.unrealizedPnL = held.reduce(0) { $0 + $1.unrealized }
        row.dailyPnL = row.realizedPnL + row.unrealizedPnL
        row.openPositions = held.count
        row.exposure = held.reduce(0) { $0 + $1.exposure }
        let open = pending.values.filter(\.isPending)
        row.pendingEntries = open.count
        row.pendingExposure = open.reduce(0) { $0 + $1.exposure }
        row.tradesToday = row.approvals - row.releasedUnfilled
    }
}
