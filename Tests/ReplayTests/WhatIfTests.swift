import CatalystApp
import Domain
import EventStore
import Foundation
import Labelling
import Testing

/// `replay what-if`: the risk decider run again over recorded decisions with other parameters.
@Suite struct WhatIfTests {
    /// A small recorded day built through the real risk decider: A and B are approved and traded
    /// (A +200, B −100), C is denied by `max_positions` (2) and its price is observed reaching the
    /// limit and then the target afterwards.
    struct RecordedDay {
        static let day = NYDate("2025-03-14")!
        static func at(_ h: Int, _ m: Int) -> Date { day.at(hour: h, minute: m) }
        static let stream = StreamName.risk(account: AccountID(rawValue: "paper"), date: day).rawValue

        var log: [(event: LedgerEvent, stream: String)] = []
        var state = Risk.initial

        init(stripInputsOf stripped: String? = nil, correlationOfBWithA: String = "0.6") throws {
            var parameters = RiskParameters.conservative
            parameters.maxPositions = 2
            try risk(
                .openDay(
                    Risk.OpenDay(
                        account: AccountID(rawValue: "paper"), date: Self.day, at: Self.at(9, 25), parameters: parameters, startingEquity: Money(100_000),
                        carriedHalt: nil, carriedPositions: [])))
            try evaluate("A", .informationTechnology, at: Self.at(10, 0))
            try fill("A", .buy, price: "50", at: Self.at(10, 1), approval: "A")
            try evaluate(
                "B", .energy, at: Self.at(10, 5),
                correlations: [SymbolCorrelation(symbol: Symbol("AAA")!, correlation: DecimalValue(Decimal(string: correlationOfBWithA)!))])
            try fill("B", .buy, price: "50", at: Self.at(10, 6), approval: "B")
            try evaluate("C", .healthCare, at: Self.at(10, 10))
            observe("CCC", "50.00", at: Self.at(10, 11))
            observe("CCC", "51.20", at: Self.at(10, 15))
            observe("CCC", "52.10", at: Self.at(10, 20))
            try fill("A", .sell, price: "52", at: Self.at(10, 30), approval: nil)
            try fill("B", .sell, price: "49", at: Self.at(10, 40), approval: nil)
            if let stripped {
                log = log.map { entry in
                    guard case .risk(.approved(var a)) = entry.event, a.approvalID.rawValue == stripped else { return entry }
                    a.inputs = nil
                    return (.risk(.approved(a)), entry.stream)
                }
            }
        }

        mutating func risk(_ command: Risk.Command) throws {
            let events = try Risk.decide(command, state)
            state = Risk.fold(events, from: state)
            log += events.map { (.risk($0), Self.stream) }
        }

        mutating func evaluate(_ id: String, _ sector: Sector, at: Date, correlations: [SymbolCorrelation] = []) throws {
            let symbol = Symbol(String(repeating: id, count: 3))!
            let features = FeatureSnapshot(symbol: symbol, sector: sector, asOf: at, price: Price(50), volume: 1_000_000, scoringVersion: "t")
            let proposal = TradeProposal(
                symbol: symbol, side: .long, entry: Price(50), stop: Price(49), target: Price(52), pattern: nil, confidence: 1, compositeScore: 1,
                atr: Decimal(string: "0.5"), features: features)
            try risk(
                .evaluate(
                    Risk.Evaluation(
                        approvalID: ApprovalID(rawValue: id), cycleID: "cyc-1", signalID: SignalID(rawValue: id), proposal: proposal,
                        clientOrderID: ClientOrderID("c-\(id)")!, requestedQuantity: Quantity(100),
                        account: AccountSnapshot(equity: Money(100_000), buyingPower: Money(200_000), asOf: at), correlations: correlations, now: at,
                        session: TradingSession.regular(Self.day))))
        }

        mutating func fill(_ id: String, _ side: OrderSide, price: String, at: Date, approval: String?) throws {
            let symbol = Symbol(String(repeating: id, count: 3))!
            let sector: Sector = id == "A" ? .informationTechnology : .energy
            try risk(
                .recordFill(
                    Risk.FillRecorded(
                        orderID: OrderID(rawValue: "o-\(id)-\(side.rawValue)"), executionID: ExecutionID(rawValue: "x-\(id)-\(side.rawValue)"),
                        approvalID: approval.map { ApprovalID(rawValue: $0) }, symbol: symbol, sector: sector, side: side, quantity: Quantity(100),
                        price: Price(price)!, fee: .zero, filledAt: at)))
        }

        mutating func observe(_ symbol: String, _ last: String, at: Date) {
            let prices = [CandidatePrice(symbol: Symbol(symbol)!, last: Price(last)!)]
            log.append((.observation(.candidatePrices(Observation.CandidatePrices(cycleID: "cyc-1", observedAt: at, prices: prices, source: "monitor"))), "observation-cyc-1"))
        }

        func whatIf(_ set: [String] = []) throws -> WhatIfReport {
            let overrides = try RiskParameterOverrides(set)
            var w = WhatIf(options: .init(adjust: { try overrides.apply(to: $0) }))
            for (i, entry) in log.enumerated() { w.consume(entry.event, streamID: entry.stream, position: Int64(i + 1)) }
            return try w.report()
        }
    }

    @Test func theRecordedParametersReproduceTheRecordedDecisionsAndPnL() throws {
        let report = try RecordedDay().whatIf()
        let day = try #require(report.days.first)
        #expect(report.days.count == 1 && report.changedDecisions == 0 && day.estimatedTrades.isEmpty)
        #expect(day.decisions.map(\.symbol) == ["AAA", "BBB", "CCC"])
        #expect(day.original == day.whatIf)
        #expect(day.original.realizedPnL == 100 && day.original.approvals == 2 && day.original.denials == 1 && day.original.tradesFilled == 2)
        #expect(day.originalParametersHash == day.whatIfParametersHash)
    }

    @Test func aTighterLimitDeniesTheSecondEntryAndDropsItsFills() throws {
        let day = try #require(try RecordedDay().whatIf(["max_positions=1"]).days.first)
        let changed = day.decisions.filter(\.changed)
        #expect(changed.map(\.symbol) == ["BBB"])
        #expect(changed.first?.whatIf == .denied(["max_positions"]))
        #expect(day.whatIf.realizedPnL == 200 && day.whatIf.tradesFilled == 1 && day.whatIf.approvals == 1)
        #expect(day.original.realizedPnL == 100)
    }

    @Test func theRecordedCorrelationsAreUsedAgain() throws {
        let day = try #require(try RecordedDay().whatIf(["max_correlation=0.5"]).days.first)
        #expect(day.decisions.filter(\.changed).map(\.symbol) == ["BBB", "CCC"])
        #expect(day.decisions[1].whatIf == .denied(["correlation"]))
        // With B gone, C finds a free slot and is priced from what was observed after its decision.
        #expect(day.decisions[2].whatIf == .approved(quantity: 100))
        #expect(day.estimatedTrades.map(\.symbol) == ["CCC"] && day.whatIf.realizedPnL == 400)
    }

    @Test func aLooserLimitApprovesTheDeniedEntryAndPricesItFromLaterObservations() throws {
        let day = try #require(try RecordedDay().whatIf(["max_positions=3"]).days.first)
        #expect(day.decisions.filter(\.changed).map(\.symbol) == ["CCC"])
        #expect(day.decisions[2].whatIf == .approved(quantity: 100))
        let trade = try #require(day.estimatedTrades.first)
        #expect(day.estimatedTrades.count == 1)
        #expect(trade.symbol == "CCC" && trade.entry == 50 && trade.exit == 52 && trade.exitReason == "target" && trade.realized == 200)
        #expect(trade.enteredAt == RecordedDay.at(10, 11) && trade.exitedAt == RecordedDay.at(10, 20))
        #expect(day.whatIf.realizedPnL == 300 && day.whatIf.tradesFilled == 3)
    }

    @Test func aDecisionWithoutRecordedInputsIsKeptAsItWas() throws {
        let day = try #require(try RecordedDay(stripInputsOf: "B").whatIf(["max_positions=1"]).days.first)
        #expect(day.decisions[1].whatIf == .kept && !day.decisions[1].changed)
        #expect(day.whatIf.realizedPnL == 100 && day.whatIf.approvals == 2)
    }

    @Test func badOverridesAreRefusedNamingTheKey() throws {
        #expect(throws: RiskParametersFile.Invalid.self) { try RiskParameterOverrides(["max_positons=2"]) }
        #expect(throws: RiskParametersFile.Invalid.self) { try RiskParameterOverrides(["max_positions"]) }
        #expect(throws: RiskParametersFile.Invalid.self) { try RiskParameterOverrides(["max_positions=2", "max_positions=3"]) }
        do {
            _ = try RiskParameterOverrides(["max_positions=two"]).apply(to: .conservative)
            Issue.record("a non-integer was accepted")
        } catch let e as RiskParametersFile.Invalid {
            #expect(e.key == "max_positions")
        }
        do {
            _ = try RiskParameterOverrides(["max_correlation=1.5"]).apply(to: .conservative)
            Issue.record("an out-of-range fraction was accepted")
        } catch let e as RiskParametersFile.Invalid {
            #expect(e.key == "max_correlation")
        }
        let p = try RiskParameterOverrides(["max_positions=2", "max_daily_loss_usd=750.50"]).apply(to: .conservative)
        #expect(p.maxPositions == 2 && p.maxDailyLoss == Money(Decimal(string: "750.50")!) && p.maxDailyTrades == RiskParameters.conservative.maxDailyTrades)
    }

    @Test func aSimulatedDayIsReproducedExactlyWithItsOwnParameters() async throws {
        let day = try await SimulatedDay.get()
        let fold = try await WhatIfRun.fold(LabelRun.table(day.store, pageSize: 500), whatIf: WhatIf(options: .init(adjust: { $0 })))
        let report = try fold.whatIf.report()
        let d = try #require(report.days.first)
        #expect(report.days.count == 1 && report.changedDecisions == 0 && d.estimatedTrades.isEmpty)
        #expect(d.decisions.count == day.report.approvals + day.report.denials && d.decisions.count > 0)
        #expect(d.decisions.allSatisfy { $0.whatIf != .kept })
        #expect(d.original == d.whatIf)
        #expect(DecimalText.format(DecimalText.round(d.original.realizedPnL, scale: 2)) == day.report.realizedPnL)
    }

    @Test func oneTradeADayOnASimulatedDayKeepsOnlyTheFirstFilledEntry() async throws {
        let day = try await SimulatedDay.get()
        let fold = try await WhatIfRun.fold(
            LabelRun.table(day.store, pageSize: 500), whatIf: WhatIf(options: .init(adjust: { try RiskParameterOverrides(["max_daily_trades=1"]).apply(to: $0) })))
        let d = try #require(try fold.whatIf.report().days.first)
        #expect(d.whatIf.tradesFilled <= 1)
        let lost = d.decisions.filter { if case .approved = $0.original, case .denied = $0.whatIf { return true } else { return false } }
        for x in lost {
            guard case .denied(let codes) = x.whatIf else { continue }
            #expect(codes.contains("max_daily_trades"), "\(x.symbol) denied for \(codes)")
        }
        #expect(d.whatIf.approvals <= d.original.approvals)
    }
}
