import Domain
import Foundation

/// One row of `orders`: the order's intent, links, status and fills, as folded from its stream.
struct OrderRow {
    var orderID: String
    var parentOrderID: String?
    var legRole: String?
    var replacesOrderID: String?
    var replacedByOrderID: String?
    var cycleID: String?
    var approvalID: String?
    var positionID: String?
    var clientOrderID: String?
    var brokerOrderID: String?
    var symbol: String
    var side: String
    var positionSide: String
    var purpose: String
    var orderType: String
    var orderClass: String
    var timeInForce: String
    var extendedHours: Bool
    var quantity: Decimal
    var limitPrice: Decimal?
    var stopPrice: Decimal?
    var takeProfit: Decimal?
    var stopLoss: Decimal?
    var stopLossLimit: Decimal?
    var status: String
    var previousStatus: String?
    var lastBrokerStatus: String?
    var cancelRequested = false
    var pendingReplacementID: String?
    var filledQty: Decimal = 0
    var filledNotional: Decimal = 0
    var filledAvgPrice: Decimal?
    var fees: Decimal = 0
    var fillCount = 0
    var requestedAt: Date
    var submittedAt: Date?
    var acceptedAt: Date?
    var firstFillAt: Date?
    var filledAt: Date?
    var cancelRequestedAt: Date?
    var canceledAt: Date?
    var expiredAt: Date?
    var rejectedAt: Date?
    var replacedAt: Date?
    var terminalAt: Date?
    var updatedAt: Date
    var rejectionReason: String?
    var cancelReason: String?
    var submitUnknownReason: String?
    var lastUpdateSource: String?
    var eventCount = 0
    var lastGlobalPosition: Int64 = 0

    /// From `order.requested`.
    init(_ e: Order.Requested) {
        let i = e.intent
        orderID = e.orderID.rawValue
        parentOrderID = e.parentOrderID?.rawValue
        legRole = e.legRole?.rawValue
        replacesOrderID = e.replacesOrderID?.rawValue
        cycleID = e.cycleID?.rawValue
        approvalID = e.approvalID?.rawValue
        positionID = e.positionID?.rawValue
        clientOrderID = i.clientOrderID?.rawValue
        symbol = i.symbol.rawValue
        side = i.side.rawValue
        positionSide = i.positionSide.rawValue
        purpose = i.purpose.rawValue
        orderType = i.type.rawValue
        orderClass = i.orderClass.rawValue
        timeInForce = i.timeInForce.rawValue
        extendedHours = i.extendedHours
        quantity = i.quantity.shares
        limitPrice = i.limitPrice?.value
        stopPrice = i.stopPrice?.value
        takeProfit = i.takeProfit?.value
        stopLoss = i.stopLoss?.value
        stopLossLimit = i.stopLossLimit?.value
        status = Order.Status.requested.rawValue
        requestedAt = e.requestedAt
        updatedAt = e.requestedAt
    }

    static let table = "orders"

    static let columns = [
        "order_id", "parent_order_id", "leg_role", "replaces_order_id", "replaced_by_order_id", "cycle_id", "approval_id", "position_id",
        "client_order_id", "broker_order_id", "symbol", "side", "position_side", "order_purpose", "order_type", "order_class", "time_in_force",
        "extended_hours", "quantity", "limit_price", "stop_price", "take_profit", "stop_loss", "stop_loss_limit", "status", "previous_status",
        "last_broker_status", "cancel_requested", "pending_replacement_id", "filled_qty", "filled_notional", "filled_avg_price", "fees",
        "fill_count", "requested_at", "submitted_at", "accepted_at", "first_fill_at", "filled_at", "cancel_requested_at", "canceled_at",
        "expired_at", "rejected_at", "replaced_at", "terminal_at", "updated_at", "rejection_reason", "cancel_reason", "submit_unknown_reason",
        "last_update_source", "event_count", "last_global_position",
    ]

    var values: [String?] {
        [
            orderID, parentOrderID, legRole, replacesOrderID, replacedByOrderID, cycleID, approvalID, positionID,
            clientOrderID, brokerOrderID, symbol, side, positionSide, purpose, orderType, orderClass, timeInForce,
            SQLText.bool(extendedHours), SQLText.decimal(quantity), SQLText.decimal(limitPrice), SQLText.decimal(stopPrice),
            SQLText.decimal(takeProfit), SQLText.decimal(stopLoss), SQLText.decimal(stopLossLimit), status, previousStatus,
            lastBrokerStatus, SQLText.bool(cancelRequested), pendingReplacementID, SQLText.decimal(filledQty), SQLText.decimal(filledNotional),
            SQLText.decimal(filledAvgPrice), SQLText.decimal(fees),
            SQLText.int(fillCount), SQLText.time(requestedAt), SQLText.time(submittedAt), SQLText.time(acceptedAt), SQLText.time(firstFillAt),
            SQLText.time(filledAt), SQLText.time(cancelRequestedAt), SQLText.time(canceledAt),
            SQLText.time(expiredAt), SQLText.time(rejectedAt), SQLText.time(replacedAt), SQLText.time(terminalAt), SQLText.time(updatedAt),
            rejectionReason, cancelReason, submitUnknownReason,
            lastUpdateSource, SQLText.int(eventCount), SQLText.int64(lastGlobalPosition),
        ]
    }

    /// From a stored row.
    init?(_ r: TextRow) {
        guard let id = r.string("order_id"), let symbol = r.string("symbol"), let side = r.string("side"),
            let positionSide = r.string("position_side"), let purpose = r.string("order_purpose"), let type = r.string("order_type"),
            let orderClass = r.string("order_class"), let tif = r.string("time_in_force"), let quantity = r.decimal("quantity"),
            let status = r.string("status"), let requestedAt = r.date("requested_at"), let updatedAt = r.date("updated_at")
        else { return nil }
        orderID = id
        parentOrderID = r.string("parent_order_id")
        legRole = r.string("leg_role")
        replacesOrderID = r.string("replaces_order_id")
        replacedByOrderID = r.string("replaced_by_order_id")
        cycleID = r.string("cycle_id")
        approvalID = r.string("approval_id")
        positionID = r.string("position_id")
        clientOrderID = r.string("client_order_id")
        brokerOrderID = r.string("broker_order_id")
        self.symbol = symbol
        self.side = side
        self.positionSide = positionSide
        self.purpose = purpose
        orderType = type
        self.orderClass = orderClass
        timeInForce = tif
        extendedHours = r.bool("extended_hours")
        self.quantity = quantity
        limitPrice = r.decimal("limit_price")
        stopPrice = r.decimal("stop_price")
        takeProfit = r.decimal("take_profit")
        stopLoss = r.decimal("stop_loss")
        stopLossLimit = r.decimal("stop_loss_limit")
        self.status = status
        previousStatus = r.string("previous_status")
        lastBrokerStatus = r.string("last_broker_status")
        cancelRequested = r.bool("cancel_requested")
        pendingReplacementID = r.string("pending_replacement_id")
        filledQty = r.decimal("filled_qty") ?? 0
        filledNotional = r.decimal("filled_notional") ?? 0
        filledAvgPrice = r.decimal("filled_avg_price")
        fees = r.decimal("fees") ?? 0
        fillCount = r.int("fill_count") ?? 0
        self.requestedAt = requestedAt
        submittedAt = r.date("submitted_at")
        acceptedAt = r.date("accepted_at")
        firstFillAt = r.date("first_fill_at")
        filledAt = r.date("filled_at")
        cancelRequestedAt = r.date("cancel_requested_at")
        canceledAt = r.date("canceled_at")
        expiredAt = r.date("expired_at")
        rejectedAt = r.date("rejected_at")
        replacedAt = r.date("replaced_at")
        terminalAt = r.date("terminal_at")
        self.updatedAt = updatedAt
        rejectionReason = r.string("rejection_reason")
        cancelReason = r.string("cancel_reason")
        submitUnknownReason = r.string("submit_unknown_reason")
        lastUpdateSource = r.string("last_update_source")
        eventCount = r.int("event_count") ?? 0
        lastGlobalPosition = r.int64("last_global_position") ?? 0
    }
}
