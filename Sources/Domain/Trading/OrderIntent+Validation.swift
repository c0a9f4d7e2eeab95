import Foundation

/// Which price of an intent a violation is about.
public enum IntentPriceField: String, Sendable, CaseIterable {
    case limitPrice = "limit_price"
    case stopPrice = "stop_price"
    case takeProfit = "take_profit"
    case stopLoss = "stop_loss"
    case stopLossLimit = "stop_loss_limit"
}

/// Why an intent cannot be sent as it is. Each maps to a broker refusal we would otherwise learn about
/// from a 4xx, or to one of the original system's bugs.
public enum IntentViolation: Hashable, Sendable {
    case clientOrderIDMissing
    case quantityNotPositive
    /// Alpaca takes fractional quantities only on simple market day orders.
    case fractionalQuantityNotAllowed
    case sideInconsistent(expected: OrderSide)
    case limitPriceMissing
    case limitPriceNotAllowed
    case stopPriceMissing
    case stopPriceNotAllowed
    case priceNotPositive(IntentPriceField)
    case priceNotOnTick(IntentPriceField)
    case bracketLegsMissing
    case legsNotAllowedForClass
    /// Take-profit and stop-loss are on the wrong sides of each other or of the limit entry.
    case bracketPricesInverted
    case timeInForceNotAllowed
    case extendedHoursNotAllowed
    case trailingStopNotSupported
}

extension OrderIntent {
    /// Every violation, in a fixed order. Empty means the broker would accept the shape of the order.
    public func violations() -> [IntentViolation] {
        var out: [IntentViolation] = []
        if clientOrderID == nil, !(purpose == .stopLoss || purpose == .takeProfit) { out.append(.clientOrderIDMissing) }
        if !quantity.isPositive { out.append(.quantityNotPositive) }
        if !quantity.isWhole, !(type == .market && timeInForce == .day && orderClass == .simple) {
            out.append(.fractionalQuantityNotAllowed)
        }
        let expected = Self.expectedSide(positionSide: positionSide, purpose: purpose)
        if side != expected { out.append(.sideInconsistent(expected: expected)) }

        switch type {
        case .market:
            if limitPrice != nil { out.append(.limitPriceNotAllowed) }
            if stopPrice != nil { out.append(.stopPriceNotAllowed) }
        case .limit:
            if limitPrice == nil { out.append(.limitPriceMissing) }
            if stopPrice != nil { out.append(.stopPriceNotAllowed) }
        case .stop:
            if stopPrice == nil { out.append(.stopPriceMissing) }
            if limitPrice != nil { out.append(.limitPriceNotAllowed) }
        case .stopLimit:
            if limitPrice == nil { out.append(.limitPriceMissing) }
            if stopPrice == nil { out.append(.stopPriceMissing) }
        case .trailingStop:
            out.append(.trailingStopNotSupported)
        }

        let prices: [(IntentPriceField, Price?)] = [
            (.limitPrice, limitPrice), (.stopPrice, stopPrice), (.takeProfit, takeProfit), (.stopLoss, stopLoss),
            (.stopLossLimit, stopLossLimit),
        ]
        for (field, price) in prices {
            guard let price else { continue }
            if price.value <= 0 {
                out.append(.priceNotPositive(field))
            } else if !price.isOnTick {
                out.append(.priceNotOnTick(field))
            }
        }

        switch orderClass {
        case .simple, .oco:
            if takeProfit != nil || stopLoss != nil || stopLossLimit != nil { out.append(.legsNotAllowedForClass) }
        case .bracket:
            if takeProfit == nil || stopLoss == nil { out.append(.bracketLegsMissing) }
            if ![.day, .gtc].contains(timeInForce) { out.append(.timeInForceNotAllowed) }
        case .oto:
            if (takeProfit == nil) == (stopLoss == nil) { out.append(.bracketLegsMissing) }
            if ![.day, .gtc].contains(timeInForce) { out.append(.timeInForceNotAllowed) }
        }
        if orderClass != .simple, orderClass != .oco, !legPricesOrdered { out.append(.bracketPricesInverted) }
        if extendedHours, !(type == .limit && timeInForce == .day && orderClass == .simple) { out.append(.extendedHoursNotAllowed) }
        return out
    }

    /// For a long: stop-loss < limit entry < take-profit (Alpaca's bracket rule); mirrored for a short.
    private var legPricesOrdered: Bool {
        let sign: Decimal = positionSide == .long ? 1 : -1
        func below(_ a: Price?, _ b: Price?) -> Bool {
            guard let a, let b else { return true }
            return (b.value - a.value) * sign > 0
        }
        return below(stopLoss, takeProfit) && below(stopLoss, limitPrice) && below(limitPrice, takeProfit)
    }
}
