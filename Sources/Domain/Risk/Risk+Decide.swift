import Foundation

extension Risk: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .openDay(let open):
            if let date = state.date {
                guard date == open.date else { throw .wrongDay(stream: date, command: open.date) }
                return []
            }
            let invalid = open.parameters.invalidFields()
            guard invalid.isEmpty else { throw .invalidParameters(invalid) }
            return [
                .dayOpened(
                    DayOpened(
                        account: open.account, date: open.date, openedAt: open.at, parameters: open.parameters,
                        parametersHash: open.parameters.hash, startingEquity: open.startingEquity, carriedHalt: open.carriedHalt,
                        carriedPositions: open.carriedPositions,
                        fileParametersHash: open.fileParametersHash == open.parameters.hash ? nil : open.fileParametersHash))
            ]

        case .changeParameters(let parameters, let by, let at, let source):
            try requireOpened(state)
            let invalid = parameters.invalidFields()
            guard invalid.isEmpty else { throw .invalidParameters(invalid) }
            let hash = parameters.hash
            if hash == state.parametersHash { return [] }
            return [
                .parametersChanged(
                    ParametersChanged(
                        changedAt: at, parameters: parameters, parametersHash: hash, previousHash: state.parametersHash, by: by, source: source))
            ]

        case .setParameters(let parameters, let by, let at, let reason, let makerChecker):
            guard by.isHuman else { throw .humanRequired(by) }
            try requireOpened(state)
            let invalid = parameters.invalidFields()
            guard invalid.isEmpty else { throw .invalidParameters(invalid) }
            let hash = parameters.hash
            if hash == state.parametersHash { return [] }
            let raises = parameters.loosened(from: state.parameters)
            var maker: Actor?
            if makerChecker && !raises.isEmpty {
                let same = state.parameterProposals.filter { $0.parametersHash == hash && $0.by.isHuman }
                guard let first = same.first(where: { $0.by.principal != by.principal }) else {
                    if !same.isEmpty { throw .checkerMustDiffer(by) }
                    return [.parametersProposed(ParametersProposed(proposedAt: at, parameters: parameters, parametersHash: hash, raises: raises, by: by, reason: reason))]
                }
                maker = first.by
            }
            return [
                .parametersChanged(
                    ParametersChanged(
                        changedAt: at, parameters: parameters, parametersHash: hash, previousHash: state.parametersHash, by: by, source: "api: \(reason)",
                        fileParametersHash: state.fileParametersHash, maker: maker))
            ]

        case .evaluate(let e):
            let date = try requireOpened(state)
            guard NYDate(e.now) == date else { throw .wrongDay(stream: date, command: NYDate(e.now)) }
            if state.decided.contains(e.approvalID) { return [] }
            let outcome = assess(e, state)
            if outcome.violations.isEmpty {
                return [
                    .approved(
                        Approved(
                            approvalID: e.approvalID, cycleID: e.cycleID, signalID: e.signalID, decidedAt: e.now, intent: outcome.intent,
                            sector: e.proposal.features.sector, assessment: outcome.assessment, parametersHash: state.parametersHash,
                            supervised: e.supervised, inputs: EvaluationInputs(e)))
                ]
            }
            return [
                .denied(
                    Denied(
                        approvalID: e.approvalID, cycleID: e.cycleID, signalID: e.signalID, decidedAt: e.now, symbol: e.proposal.symbol,
                        positionSide: e.proposal.side, violations: outcome.violations, assessment: outcome.assessment,
                        parametersHash: state.parametersHash, inputs: EvaluationInputs(e)))
            ]

        case .releaseApproval(let id, let reason, let at):
            try requireOpened(state)
            guard let entry = state.pending[id] else {
                // Already released or completely filled: a retry.
                if state.decided.contains(id) { return [] }
                throw .unknownApproval(id)
            }
            return [.approvalReleased(ApprovalReleased(approvalID: id, releasedAt: at, reason: reason, unfilledQuantity: entry.unfilledQuantity))]

        case .recordFill(let fill):
            try requireOpened(state)
            if state.executionIDs.contains(fill.executionID) { return [] }
            return withLossChecks([.fillRecorded(fill)], state, at: fill.filledAt)

        case .recordMarks(let marks, let at):
            try requireOpened(state)
            if let last = state.lastMarksAt, at <= last { return [] }
            let held = marks.filter { state.positions[$0.symbol] != nil }
            if held.isEmpty { return [] }
            return withLossChecks([.marksRecorded(MarksRecorded(markedAt: at, marks: held))], state, at: at)

        case .halt(let reason, let by, let at, let detail):
            try requireOpened(state)
            if state.halt != nil { return [] }
            return [.tradingHalted(TradingHalted(halt: TradingHalt(reason: reason, by: by, at: at, detail: detail), dailyPnL: state.dailyPnL))]

        case .resume(let by, let at, let note, let makerChecker):
            guard by.isHuman else { throw .humanRequired(by) }
            try requireOpened(state)
            guard let halt = state.halt else { return [] }
            let requestedBy = state.resumeRequests.last { !$0.by.isHuman }?.by
            guard makerChecker && halt.reason == .dailyLossLimit else {
                return [.tradingResumed(TradingResumed(at: at, by: by, note: note, liftedHalt: halt, requestedBy: requestedBy))]
            }
            let makers = state.resumeRequests.filter(\.by.isHuman)
            if let maker = makers.first(where: { $0.by.principal != by.principal }) {
                return [.tradingResumed(TradingResumed(at: at, by: by, note: note, liftedHalt: halt, maker: maker.by, requestedBy: requestedBy))]
            }
            if !makers.isEmpty { throw .checkerMustDiffer(by) }
            return [.resumeRequested(ResumeRequested(at: at, by: by, note: note, halt: halt))]

        case .requestResume(let by, let at, let note):
            try requireOpened(state)
            guard let halt = state.halt else { throw .notHalted }
            if state.resumeRequests.contains(where: { $0.by == by }) { return [] }
            return [.resumeRequested(ResumeRequested(at: at, by: by, note: note, halt: halt))]
        }
    }

    @discardableResult
    private static func requireOpened(_ state: State) throws(Rejection) -> NYDate {
        guard let date = state.date else { throw .dayNotOpened }
        return date
    }

    /// Appends the warning (once a day) and the halt (when the loss limit is newly reached) that the
    /// given events cause.
    private static func withLossChecks(_ events: [Event], _ before: State, at: Date) -> [Event] {
        var out = events
        let after = fold(events, from: before)
        let p = after.parameters
        if after.warningLevelReached, !after.warningIssued {
            out.append(
                .dailyLossWarning(
                    DailyLossWarning(
                        at: at, dailyPnL: after.dailyPnL, threshold: Money(-p.maxDailyLoss.amount * p.dailyLossWarningFraction.value),
                        limit: -p.maxDailyLoss)))
        }
        // Only on crossing: after a human resume the limit does not re-halt until the loss recovers and
        // is reached again; new entries stay denied by the `daily_loss_limit` rule meanwhile.
        if after.lossLimitReached, !before.lossLimitReached, after.halt == nil {
            let halt = TradingHalt(
                reason: .dailyLossLimit, by: .system, at: at, detail: "daily P&L \(after.dailyPnL) reached -\(p.maxDailyLoss)")
            out.append(.tradingHalted(TradingHalted(halt: halt, dailyPnL: after.dailyPnL)))
        }
        return out
    }
}
