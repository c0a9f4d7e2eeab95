import Domain
import Foundation

/// `pl_cycles`: the cycle fields the watchdog reads, and its latest activity.
struct PipelineCycleRow {
    var cycleID: String
    var tradingDate: String
    var status: String
    var phase: String?
    var mode: String
    var sessionMode: String
    var startedAt: Date
    var endedAt: Date?
    var candidates = 0
    var finalists = 0
    var signals = 0
    var lastActivity: Date
    var lastOrderAt: Date?
    var lastGlobalPosition: Int64 = 0

    init(_ e: Cycle.Started) {
        cycleID = e.cycleID.rawValue
        tradingDate = e.tradingDate.description
        status = CycleStatus.running.rawValue
        mode = e.mode.rawValue
        sessionMode = e.sessionMode.rawValue
        startedAt = e.startedAt
        lastActivity = e.startedAt
    }

    static let table = "pl_cycles"
    static let columns = [
        "cycle_id", "trading_date", "status", "phase", "mode", "session_mode", "started_at", "ended_at", "candidates", "finalists", "signals",
        "last_activity", "last_order_at", "last_global_position",
    ]

    var values: [String?] {
        [
            cycleID, tradingDate, status, phase, mode, sessionMode, SQLText.time(startedAt), SQLText.time(endedAt), SQLText.int(candidates),
            SQLText.int(finalists), SQLText.int(signals), SQLText.time(lastActivity), SQLText.time(lastOrderAt), SQLText.int64(lastGlobalPosition),
        ]
    }

    init?(_ r: TextRow) {
        guard let id = r.string("cycle_id"), let date = r.string("trading_date"), let status = r.string("status"), let mode = r.string("mode"),
            let sessionMode = r.string("session_mode"), let started = r.date("started_at"), let last = r.date("last_activity")
        else { return nil }
        cycleID = id
        tradingDate = date
        self.status = status
        phase = r.string("phase")
        self.mode = mode
        self.sessionMode = sessionMode
        startedAt = started
        endedAt = r.date("ended_at")
        candidates = r.int("candidates") ?? 0
        finalists = r.int("finalists") ?? 0
        signals = r.int("signals") ?? 0
        lastActivity = last
        lastOrderAt = r.date("last_order_at")
        lastGlobalPosition = r.int64("last_global_position") ?? 0
    }

    mutating func apply(_ event: Cycle.Event) {
        switch event {
        case .stageCompleted(let e): phase = e.stage.rawValue
        case .completed(let e): finish(.completed, e.completedAt)
        case .stopped(let e): finish(.stopped, e.stoppedAt)
        case .failed(let e): finish(.failed, e.failedAt)
        case .scanCompleted(let e):
            candidates = e.candidatesRecorded
            finalists = e.finalists.count
        case .signalGenerated: signals += 1
        case .started, .candidateEvaluated, .universeFiltered: break
        }
    }

    private mutating func finish(_ s: CycleStatus, _ at: Date) {
        status = s.rawValue
        endedAt = at
    }
}

/// `pl_orders`: an order of a cycle and its current status.
struct PipelineOrderRow {
    var orderID: String
    var cycleID: String
    var isLeg: Bool
    var purpose: String
    var status: String
    var requestedAt: Date
    var submittedAt: Date?
    var updatedAt: Date

    static let table = "pl_orders"
    static let columns = ["order_id", "cycle_id", "is_leg", "order_purpose", "status", "requested_at", "submitted_at", "updated_at"]

    var values: [String?] {
        [orderID, cycleID, SQLText.bool(isLeg), purpose, status, SQLText.time(requestedAt), SQLText.time(submittedAt), SQLText.time(updatedAt)]
    }

    init(_ e: Order.Requested, cycle: String) {
        orderID = e.orderID.rawValue
        cycleID = cycle
        isLeg = e.legRole != nil
        purpose = e.intent.purpose.rawValue
        status = Order.Status.requested.rawValue
        requestedAt = e.requestedAt
        updatedAt = e.requestedAt
    }

    init?(_ r: TextRow) {
        guard let id = r.string("order_id"), let cycle = r.string("cycle_id"), let purpose = r.string("order_purpose"),
            let status = r.string("status"), let requested = r.date("requested_at"), let updated = r.date("updated_at")
        else { return nil }
        orderID = id
        cycleID = cycle
        isLeg = r.bool("is_leg")
        self.purpose = purpose
        self.status = status
        requestedAt = requested
        submittedAt = r.date("submitted_at")
        updatedAt = updated
    }
}

/// `pl_positions`: a position of a cycle with its P&L.
struct PipelinePositionRow {
    var positionID: String
    var cycleID: String
    var side: String
    var status = "open"
    var quantity: Decimal
    var costBasis: Decimal
    var lastPrice: Decimal?
    var realizedPnL: Decimal = 0
    var unrealizedPnL: Decimal = 0
    var pnlComplete = true
    var openedAt: Date
    var closedAt: Date?
    var updatedAt: Date

    static let table = "pl_positions"
    static let columns = [
        "position_id", "cycle_id", "side", "status", "quantity", "cost_basis", "last_price", "realized_pnl", "unrealized_pnl", "pnl_complete",
        "opened_at", "closed_at", "updated_at",
    ]

    var values: [String?] {
        let d = SQLText.decimal
        return [
            positionID, cycleID, side, status, d(quantity), d(costBasis), d(lastPrice), d(realizedPnL), d(unrealizedPnL), SQLText.bool(pnlComplete),
            SQLText.time(openedAt), SQLText.time(closedAt), SQLText.time(updatedAt),
        ]
    }

    init(_ e: Position.Opened, cycle: String) {
        positionID = e.positionID.rawValue
        cycleID = cycle
        side = e.side.rawValue
        quantity = e.quantity.shares
        costBasis = e.costBasis.amount
        lastPrice = e.price.value
        realizedPnL = -e.fee.amount
        openedAt = e.openedAt
        updatedAt = e.openedAt
    }

    init?(_ r: TextRow) {
        guard let id = r.string("position_id"), let cycle = r.string("cycle_id"), let side = r.string("side"), let status = r.string("status"),
            let q = r.decimal("quantity"), let basis = r.decimal("cost_basis"), let opened = r.date("opened_at"), let updated = r.date("updated_at")
        else { return nil }
        positionID = id
        cycleID = cycle
        self.side = side
        self.status = status
        quantity = q
        costBasis = basis
        lastPrice = r.decimal("last_price")
        realizedPnL = r.decimal("realized_pnl") ?? 0
        unrealizedPnL = r.decimal("unrealized_pnl") ?? 0
        pnlComplete = r.bool("pnl_complete")
        openedAt = opened
        closedAt = r.date("closed_at")
        updatedAt = updated
    }

    mutating func apply(_ event: Position.Event, at: Date) {
        switch event {
        case .opened:
            break
        case .increased(let e):
            realizedPnL -= e.fee.amount
            move(e.quantityAfter, e.costBasis, e.price)
        case .reduced(let e):
            realizedPnL += e.realizedPnL.amount
            move(e.quantityAfter, e.costBasis, e.price)
        case .closed(let e):
            realizedPnL += e.realizedPnL.amount
            if e.totalRealizedPnL == nil { pnlComplete = false }
            status = "closed"
            quantity = 0
            costBasis = 0
            closedAt = e.closedAt
            lastPrice = e.price?.value ?? lastPrice
        case .marked(let e):
            lastPrice = e.price.value
        case .adjusted(let e):
            pnlComplete = false
            quantity = e.quantityAfter.magnitude.shares
            costBasis = e.costBasisAfter.amount
        case .exitRequested, .protectionChanged:
            break
        }
        updatedAt = at
        let sign: Decimal = side == PositionSide.short.rawValue ? -1 : 1
        unrealizedPnL = status == "closed" ? 0 : lastPrice.map { sign * (quantity * $0 - costBasis) } ?? 0
    }

    private mutating func move(_ q: Quantity, _ basis: Money, _ price: Price) {
        quantity = q.shares
        costBasis = basis.amount
        lastPrice = price.value
    }
}

extension Order.Event {
    /// The order's status after this event, or nil when the event does not change it.
    var statusAfter: Order.Status? {
        switch self {
        case .requested: .requested
        case .submitted(let e): e.status
        case .submitOutcomeUnknown: .submitUnknown
        case .outcomeResolved(let e): e.status
        case .accepted(let e): Order.Status(broker: e.update.brokerStatus)
        case .statusChanged(let e): Order.Status(broker: e.update.brokerStatus)
        case .pendingCancel: .pendingCancel
        case .pendingReplace: .pendingReplace
        case .canceled: .canceled
        case .expired: .expired
        case .rejected: .rejected
        case .cancelRejected(let e): e.restoredStatus
        case .replaceRejected(let e): e.restoredStatus
        case .replaced: .replaced
        case .partiallyFilled(let e): e.execution.status
        case .filled(let e): e.execution.status
        case .cancelRequested, .replaceRequested: nil
        }
    }
}
