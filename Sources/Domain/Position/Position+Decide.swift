import Foundation

extension Position: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .applyFill(let fill):
            return try decideFill(fill, state)
        case .mark(let price, let at):
            guard let o = state.open else { throw .noOpenPosition }
            guard price.value > 0 else { throw .invalidPrice("mark must be positive") }
            if let last = o.lastMarkAt, at <= last { return [] }
            return [
                .marked(
                    Marked(
                        positionID: o.positionID, price: price, quantity: o.quantity, unrealizedPnL: o.net.unrealized(at: price),
                        highestPrice: max(o.highestPrice, price), lowestPrice: min(o.lowestPrice, price), at: at))
            ]
        case .requestExit(let reason, let by, let at):
            guard let o = state.open else { throw .noOpenPosition }
            // The first reason stands; a later request for the same exit is a retry.
            if o.exitRequested != nil { return [] }
            return [.exitRequested(ExitRequested(positionID: o.positionID, reason: reason, by: by, at: at))]
        case .updateProtection(let stop, let target, let by, let at):
            guard let o = state.open else { throw .noOpenPosition }
            for price in [stop, target].compactMap({ $0 }) where price.value <= 0 || !price.isOnTick {
                throw .invalidPrice("\(price) is not a positive price on a legal tick")
            }
            if o.stop == stop, o.target == target { return [] }
            return [.protectionChanged(ProtectionChanged(positionID: o.positionID, stop: stop, target: target, by: by, at: at))]
        case .reconcile(let broker):
            return try decideReconcile(broker, state)
        }
    }

    private static func decideFill(_ f: Fill, _ state: State) throws(Rejection) -> [Event] {
        if let symbol = state.symbol, symbol != f.symbol { throw .wrongStream(expected: symbol, got: f.symbol) }
        if state.executionIDs.contains(f.executionID) { return [] }
        guard f.quantity.isPositive else { throw .invalidFill("quantity must be positive") }
        guard f.price.value > 0 else { throw .invalidFill("price must be positive") }

        guard let o = state.open else {
            return [opened(f, state, quantity: f.quantity, side: f.side == .buy ? .long : .short)]
        }
        let (net, effect) = o.net.applying(side: f.side, quantity: f.quantity, price: f.price, fee: f.fee)
        if effect.closed.isZero {
            return [
                .increased(
                    Increased(
                        positionID: o.positionID, orderID: f.orderID, executionID: f.executionID, quantity: f.quantity, price: f.price, fee: f.fee,
                        quantityAfter: net.quantity.magnitude, costBasis: net.costBasis.magnitude, averageEntryPrice: absolute(net.averagePrice),
                        at: f.at))
            ]
        }
        if !net.isFlat, !effect.flipped {
            return [
                .reduced(
                    Reduced(
                        positionID: o.positionID, orderID: f.orderID, executionID: f.executionID, quantity: f.quantity, price: f.price, fee: f.fee,
                        realizedPnL: effect.realized, quantityAfter: net.quantity.magnitude, costBasis: net.costBasis.magnitude,
                        averageEntryPrice: absolute(net.averagePrice), at: f.at))
            ]
        }
        // The fill closes the position; on a flip the rest opens the next one at the same price. The
        // whole fee is charged to the closing part.
        let closed = Event.closed(
            Closed(
                positionID: o.positionID, side: o.side, orderID: f.orderID, executionID: f.executionID, quantity: effect.closed, price: f.price,
                fee: f.fee, realizedPnL: effect.realized, totalRealizedPnL: o.pnlComplete ? o.realizedPnL + effect.realized : nil,
                exitReason: exitReason(f, o), openedAt: o.openedAt, closedAt: f.at))
        guard effect.flipped else { return [closed] }
        let afterClose = evolve(state, closed)
        var remainder = f
        remainder.fee = .zero
        return [closed, opened(remainder, afterClose, quantity: effect.opened, side: o.side == .long ? .short : .long)]
    }

    private static func opened(_ f: Fill, _ state: State, quantity: Quantity, side: PositionSide) -> Event {
        .opened(
            Opened(
                positionID: Position.id(account: f.account, symbol: f.symbol, sequence: state.sequence + 1), account: f.account, symbol: f.symbol,
                side: side, orderID: f.orderID, executionID: f.executionID, quantity: quantity, price: f.price, fee: f.fee,
                costBasis: f.price * quantity, openedAt: f.at, sector: f.sector, approvalID: f.approvalID, cycleID: f.cycleID,
                stop: f.purpose.isOpening ? f.stop : nil, target: f.purpose.isOpening ? f.target : nil))
    }

    private static func exitReason(_ f: Fill, _ o: Open) -> ExitReason {
        if let reason = f.exitReason { return reason }
        switch f.purpose {
        case .stopLoss: return .stopLoss
        case .takeProfit: return .takeProfit
        default: return o.exitRequested ?? .manual
        }
    }

    private static func absolute(_ price: Price?) -> Price {
        guard let price else { return .zero }
        return Price(price.value < 0 ? -price.value : price.value)
    }

    private static func decideReconcile(_ b: BrokerPosition, _ state: State) throws(Rejection) -> [Event] {
        if let symbol = state.symbol, symbol != b.symbol { throw .wrongStream(expected: symbol, got: b.symbol) }
        let ours = state.open?.net.quantity ?? .zero
        if ours == b.quantity { return [] }
        var events: [Event] = []
        var working = state
        func adjust(from: Quantity, to: Quantity, id: PositionID, basis: Money) {
            let event = Event.adjusted(
                Adjusted(
                    positionID: id, account: b.account, symbol: b.symbol, quantityBefore: from, quantityAfter: to, costBasisAfter: basis,
                    evidence: b.evidence, discrepancyID: b.discrepancyID, by: b.by, at: b.at))
            events.append(event)
            working = evolve(working, event)
        }
        let flips = !ours.isZero && !b.quantity.isZero && ours.isNegative != b.quantity.isNegative
        if let o = state.open, b.quantity.isZero || flips {
            adjust(from: ours, to: .zero, id: o.positionID, basis: .zero)
            let closed = Event.closed(
                Closed(
                    positionID: o.positionID, side: o.side, orderID: nil, executionID: nil, quantity: o.quantity, price: nil, fee: .zero,
                    realizedPnL: .zero, totalRealizedPnL: nil, exitReason: .external, openedAt: o.openedAt, closedAt: b.at))
            events.append(closed)
            working = evolve(working, closed)
            if b.quantity.isZero { return events }
        }
        guard let average = b.averagePrice, average.value > 0 else { throw .averagePriceRequired }
        let basis = Money(b.quantity.magnitude.shares * average.value)
        if let o = working.open {
            adjust(from: o.net.quantity, to: b.quantity, id: o.positionID, basis: basis)
        } else {
            adjust(from: .zero, to: b.quantity, id: Position.id(account: b.account, symbol: b.symbol, sequence: working.sequence + 1), basis: basis)
        }
        return events
    }
}
