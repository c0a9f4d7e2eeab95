import Foundation
import PropertyBased
import Testing

@testable import Domain

/// Principals: who may act, their keys, and the rule that no configuration makes a machine a human.
@Suite struct PrincipalTests {
    static let key = PrincipalKey(keyID: "0a1b2c3d", digest: String(repeating: "ab", count: 32), createdAt: T.at(8, 0))
    static let added = Principal.Event.added(
        Principal.Added(principalID: "alice", name: "Alice", kind: .human, roles: [.operator], key: key, at: T.at(8, 0)))

    @Test func aPrincipalIsAddedOnceAndARetryAddsNothing() {
        let add = Principal.Command.add(id: "alice", name: "Alice", kind: .human, roles: [.operator], key: Self.key, at: T.at(8, 0))
        expectDecision(Principal.self, when: add, then: [Self.added])
        expectDecision(Principal.self, given: [Self.added], when: add, then: [])
        let other = Principal.Command.add(id: "alice", name: "Mallory", kind: .human, roles: [.admin], key: Self.key, at: T.at(9, 0))
        expectRejection(Principal.self, given: [Self.added], when: other, then: .alreadyExists("alice"))
    }

    /// Whatever roles are asked for, an agent or a service never ends up with a human role or a
    /// human-only capability: the decider refuses, and the capability table ignores them anyway.
    @Test func noMachineEverHoldsAHumanRole() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...63), Gen.int(in: 0...2)) { mask, kindIndex in
            let roles = Set(Role.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
            let kind = PrincipalKind.allCases[kindIndex]
            let add = Principal.Command.add(id: "p", name: "P", kind: kind, roles: roles, key: Self.key, at: T.at(8, 0))
            let capabilities = Authority.capabilities(kind: kind, roles: roles)
            if kind != .human { #expect(capabilities.allSatisfy { !$0.isHumanOnly }, "\(kind) \(roles) → \(capabilities)") }
            do {
                let events = try Principal.decide(add, Principal.initial)
                let state = Principal.fold(events)
                #expect(!roles.isEmpty)
                if kind != .human { #expect(state.roles.allSatisfy { !$0.isHumanOnly }) }
                // A change later cannot do it either.
                let grant = Principal.Command.change(name: nil, roles: [.operator, .admin], at: T.at(9, 0))
                if kind != .human { #expect(throws: Principal.Rejection.humanRoleForNonHuman(.admin, kind)) { try Principal.decide(grant, state) } }
            } catch {
                #expect(roles.isEmpty || (kind != .human && roles.contains(where: \.isHumanOnly)), "\(kind) \(roles): \(error)")
            }
        }
    }

    @Test func theRoleTableAsDocumented() {
        let agent = Authority.capabilities(kind: .agent, roles: [.agent])
        #expect(agent.contains(.emergencyStop) && agent.contains(.requestResume) && agent.contains(.proposeTrade) && agent.contains(.doctorFix))
        #expect(!agent.contains(.resumeTrading) && !agent.contains(.placeTrade) && !agent.contains(.decideApproval) && !agent.contains(.closePosition))
        #expect(Authority.capabilities(kind: .service, roles: [.cron]) == [.startCycle, .stopCycle, .readViews])
        let human = Authority.capabilities(kind: .human, roles: [.operator])
        #expect(human.isSuperset(of: [.resumeTrading, .placeTrade, .decideApproval, .closePosition, .changeProtection]))
        #expect(!human.contains(.managePrincipals) && !human.contains(.changeRiskParameters))
        #expect(Authority.capabilities(kind: .human, roles: [.auditor]) == [.readViews, .readEvents])
        #expect(Authority.capabilities(kind: .human, roles: [.admin]).contains(.managePrincipals))
        #expect(Authority.capabilities(kind: .human, roles: [.riskOfficer]).contains(.changeRiskParameters))
    }

    @Test func aKeyIsValidOnlyWithItsDigestUntilRotationGraceOrRevocation() throws {
        var s = Principal.fold([Self.added])
        #expect(s.validKey(keyID: "0a1b2c3d", digest: Self.key.digest, at: T.at(9, 0)) != nil)
        #expect(s.validKey(keyID: "0a1b2c3d", digest: String(repeating: "ac", count: 32), at: T.at(9, 0)) == nil)
        #expect(s.validKey(keyID: "ffffffff", digest: Self.key.digest, at: T.at(9, 0)) == nil)
        #expect(s.validKey(keyID: "0a1b2c3d", digest: Self.key.digest, at: T.at(7, 0)) == nil, "not before it was made")

        let next = PrincipalKey(keyID: "4e5f6a7b", digest: String(repeating: "cd", count: 32), createdAt: T.at(10, 0))
        s = Principal.fold(decided(Principal.self, .rotate(newKey: next, grace: 1800, at: T.at(10, 0)), s), from: s)
        #expect(s.validKey(keyID: "0a1b2c3d", digest: Self.key.digest, at: T.at(10, 29)) != nil, "the old key in its grace period")
        #expect(s.validKey(keyID: "0a1b2c3d", digest: Self.key.digest, at: T.at(10, 30)) == nil, "and not after it")
        #expect(s.validKey(keyID: "4e5f6a7b", digest: next.digest, at: T.at(10, 30)) != nil)
        expectRejection(Principal.self, given: [Self.added], when: .rotate(newKey: next, grace: -1, at: T.at(10, 0)), then: .invalidGrace(-1))
        expectRejection(Principal.self, given: [Self.added], when: .rotate(newKey: next, grace: 31 * 86_400, at: T.at(10, 0)), then: .invalidGrace(31 * 86_400))

        s = Principal.fold(decided(Principal.self, .revoke(reason: "left", at: T.at(11, 0)), s), from: s)
        #expect(s.validKey(keyID: "4e5f6a7b", digest: next.digest, at: T.at(11, 0)) == nil)
        #expect(!s.isActive(at: T.at(11, 0)) && s.isActive(at: T.at(10, 59)))
        #expect(throws: Principal.Rejection.revoked) { try Principal.decide(.change(name: "x", roles: nil, at: T.at(12, 0)), s) }
        #expect(try Principal.decide(.revoke(reason: "again", at: T.at(12, 0)), s).isEmpty, "revoking twice is a retry")
    }

    @Test func refusedAttemptsAreRecordedOnlyForKnownPrincipals() {
        expectDecision(
            Principal.self, given: [Self.added], when: .recordDenial(capability: .managePrincipals, action: "principals add x", at: T.at(9, 0)),
            then: [.accessDenied(Principal.AccessDenied(principalID: "alice", capability: .managePrincipals, action: "principals add x", at: T.at(9, 0)))])
        expectRejection(Principal.self, when: .recordDenial(capability: .readViews, action: "GET /", at: T.at(9, 0)), then: .notFound)
    }

    @Test func digestsAreComparedWhole() {
        #expect(Authority.constantTimeEquals("abc", "abc"))
        #expect(!Authority.constantTimeEquals("abc", "abd"))
        #expect(!Authority.constantTimeEquals("abc", "abcd"))
        #expect(!Authority.constantTimeEquals("", "a"))
        #expect(!Authority.constantTimeEquals(String(repeating: "a", count: 256), String(repeating: "a", count: 512)))
    }
}

/// Lifting a halt: humans only; anyone else asks; maker–checker after a loss-limit halt.
@Suite struct ResumeAuthorityTests {
    static let alice = Actor.principal("alice", kind: .human, name: "Alice")
    static let bob = Actor.principal("bob", kind: .human, name: "Bob")
    static let claude = Actor.principal("claude", kind: .agent, name: "Doctor Claude")

    static func halted(_ reason: HaltReason) -> [Risk.Event] {
        [RiskFixtures.dayOpened, .tradingHalted(Risk.TradingHalted(halt: TradingHalt(reason: reason, by: .system, at: T.at(11, 0), detail: "x"), dailyPnL: .zero))]
    }

    @Test func anAgentsResumeIsARequestAndAHumanGrantsIt() {
        let given = Self.halted(.emergencyStop)
        let halt = Risk.fold(given).halt!
        expectRejection(Risk.self, given: given, when: .resume(by: Self.claude, at: T.at(12, 0), note: "ok"), then: .humanRequired(Self.claude))
        let request = Risk.Event.resumeRequested(Risk.ResumeRequested(at: T.at(12, 0), by: Self.claude, note: "broker back", halt: halt))
        expectDecision(Risk.self, given: given, when: .requestResume(by: Self.claude, at: T.at(12, 0), note: "broker back"), then: [request])
        expectDecision(Risk.self, given: given + [request], when: .requestResume(by: Self.claude, at: T.at(12, 1), note: "again"), then: [])
        let state = expectDecision(
            Risk.self, given: given + [request], when: .resume(by: Self.alice, at: T.at(12, 5), note: "checked"),
            then: [.tradingResumed(Risk.TradingResumed(at: T.at(12, 5), by: Self.alice, note: "checked", liftedHalt: halt, requestedBy: Self.claude))])
        #expect(state.halt == nil && state.resumeRequests.isEmpty)
        expectRejection(Risk.self, given: [RiskFixtures.dayOpened], when: .requestResume(by: Self.claude, at: T.at(12, 0), note: ""), then: .notHalted)
    }

    @Test func makerCheckerNeedsTwoDifferentHumansAfterALossLimitHalt() {
        let given = Self.halted(.dailyLossLimit)
        let halt = Risk.fold(given).halt!
        let maker = Risk.Event.resumeRequested(Risk.ResumeRequested(at: T.at(12, 0), by: Self.alice, note: "reviewed", halt: halt))
        expectDecision(Risk.self, given: given, when: .resume(by: Self.alice, at: T.at(12, 0), note: "reviewed", makerChecker: true), then: [maker])
        expectRejection(
            Risk.self, given: given + [maker], when: .resume(by: Self.alice, at: T.at(12, 1), note: "me again", makerChecker: true),
            then: .checkerMustDiffer(Self.alice))
        expectDecision(
            Risk.self, given: given + [maker], when: .resume(by: Self.bob, at: T.at(12, 2), note: "agreed", makerChecker: true),
            then: [.tradingResumed(Risk.TradingResumed(at: T.at(12, 2), by: Self.bob, note: "agreed", liftedHalt: halt, maker: Self.alice))])
        // An agent's request is no maker: one human still only makes.
        let agentAsked = Risk.Event.resumeRequested(Risk.ResumeRequested(at: T.at(11, 30), by: Self.claude, note: "", halt: halt))
        expectDecision(
            Risk.self, given: given + [agentAsked], when: .resume(by: Self.alice, at: T.at(12, 0), note: "reviewed", makerChecker: true),
            then: [.resumeRequested(Risk.ResumeRequested(at: T.at(12, 0), by: Self.alice, note: "reviewed", halt: halt))])
        // Other halts, or maker–checker off: one human lifts it.
        expectDecision(
            Risk.self, given: given, when: .resume(by: Self.alice, at: T.at(12, 0), note: "ok"),
            then: [.tradingResumed(Risk.TradingResumed(at: T.at(12, 0), by: Self.alice, note: "ok", liftedHalt: halt))])
        let manual = Self.halted(.manual)
        expectDecision(
            Risk.self, given: manual, when: .resume(by: Self.alice, at: T.at(12, 0), note: "ok", makerChecker: true),
            then: [.tradingResumed(Risk.TradingResumed(at: T.at(12, 0), by: Self.alice, note: "ok", liftedHalt: Risk.fold(manual).halt!))])
    }

    @Test func aNameWithoutAPrincipalIsNotAHuman() {
        #expect(!Actor(.operator, name: "alice").isHuman)
        #expect(!Self.claude.isHuman)
        #expect(Self.alice.isHuman)
        #expect(Self.alice.description == "operator:alice")
    }
}

/// Risk limits set by risk officers: humans only, raises under maker–checker need two, and they stand
/// across days until the configuration file itself changes.
@Suite struct RiskParametersAuthorityTests {
    static let rita = Actor.principal("rita", kind: .human, name: "Rita")
    static let ravi = Actor.principal("ravi", kind: .human, name: "Ravi")

    static func with(_ change: (inout RiskParameters) -> Void) -> RiskParameters {
        var p = RiskParameters.conservative
        change(&p)
        return p
    }

    @Test func loosenedNamesExactlyTheLimitsThatGotLooser() async {
        #expect(Self.with { $0.maxPositions = 6 }.loosened(from: .conservative) == ["max_positions"])
        #expect(Self.with { $0.maxPositions = 4 }.loosened(from: .conservative).isEmpty)
        #expect(Self.with { $0.minRewardRisk = DecimalValue("1.2") }.loosened(from: .conservative) == ["min_risk_reward_ratio"])
        #expect(Self.with { $0.requireStopLoss = false }.loosened(from: .conservative) == ["require_stop_loss"])
        #expect(Self.with { $0.allowShortSelling = true }.loosened(from: .conservative) == ["allow_short_selling"])
        #expect(Self.with { $0.entryCutoffMinutesBeforeClose = 5 }.loosened(from: .conservative) == ["entry_cutoff_minutes_before_close"])
        // A change and its reverse: exactly one of them loosens each limit that moved.
        await propertyCheck(count: 200, input: Gen.int(in: 1...50), Gen.int(in: 1...50)) { a, b in
            let x = Self.with { $0.maxPositions = a; $0.maxDailyTrades = b }
            let y = Self.with { $0.maxPositions = b; $0.maxDailyTrades = a }
            let forward = Set(x.loosened(from: y)), back = Set(y.loosened(from: x))
            #expect(forward.isDisjoint(with: back))
            #expect(forward.union(back) == (a == b ? [] : ["max_positions", "max_daily_trades"]))
        }
    }

    @Test func onlyHumansSetLimitsAndARaiseNeedsASecondHuman() {
        let given = [RiskFixtures.dayOpened]
        let state = Risk.fold(given)
        let raised = Self.with { $0.maxPositions = 8 }
        expectRejection(
            Risk.self, given: given, when: .setParameters(raised, by: Actor.principal("claude", kind: .agent, name: "C"), at: T.at(9, 10), reason: "x", makerChecker: false),
            then: .humanRequired(Actor.principal("claude", kind: .agent, name: "C")))
        let proposal = Risk.ParametersProposed(proposedAt: T.at(9, 10), parameters: raised, parametersHash: raised.hash, raises: ["max_positions"], by: Self.rita, reason: "calm")
        expectDecision(
            Risk.self, given: given, when: .setParameters(raised, by: Self.rita, at: T.at(9, 10), reason: "calm", makerChecker: true),
            then: [.parametersProposed(proposal)])
        expectRejection(
            Risk.self, given: given + [.parametersProposed(proposal)], when: .setParameters(raised, by: Self.rita, at: T.at(9, 11), reason: "calm", makerChecker: true),
            then: .checkerMustDiffer(Self.rita))
        let after = expectDecision(
            Risk.self, given: given + [.parametersProposed(proposal)], when: .setParameters(raised, by: Self.ravi, at: T.at(9, 12), reason: "agreed", makerChecker: true),
            then: [
                .parametersChanged(
                    Risk.ParametersChanged(
                        changedAt: T.at(9, 12), parameters: raised, parametersHash: raised.hash, previousHash: state.parametersHash, by: Self.ravi,
                        source: "api: agreed", fileParametersHash: state.parametersHash, maker: Self.rita))
            ])
        #expect(after.parameters.maxPositions == 8 && after.parameterProposals.isEmpty && after.fileParametersHash == RiskParameters.conservative.hash)
        // A different raise from the second human is a new proposal, not a confirmation.
        let other = Self.with { $0.maxPositions = 9 }
        let events = try? Risk.decide(.setParameters(other, by: Self.ravi, at: T.at(9, 12), reason: "more", makerChecker: true), Risk.fold(given + [.parametersProposed(proposal)]))
        #expect(events?.count == 1 && { if case .parametersProposed = events?.first { true } else { false } }())
        // Tightening needs one human.
        let tighter = Self.with { $0.maxPositions = 2 }
        #expect((try? Risk.decide(.setParameters(tighter, by: Self.rita, at: T.at(9, 10), reason: "x", makerChecker: true), state))?.count == 1)
    }

    @Test func limitsSetThroughTheAPIStandUntilTheFileChanges() {
        let set = Self.with { $0.maxPositions = 3 }
        var day1 = Risk.fold([RiskFixtures.dayOpened])
        day1 = Risk.fold(decided(Risk.self, .setParameters(set, by: Self.rita, at: T.at(9, 10), reason: "x", makerChecker: false), day1), from: day1)
        let next = T.day.adding(days: 1)
        // The file is unchanged: the next day keeps the API's limits, and says the file's hash.
        let kept = Risk.OpenDay.following(day1, account: T.account, date: next, at: next.at(hour: 9, minute: 0), parameters: .conservative, startingEquity: nil)
        #expect(kept.parameters == set && kept.fileParametersHash == RiskParameters.conservative.hash)
        let day2 = Risk.fold(decided(Risk.self, .openDay(kept), Risk.initial))
        #expect(day2.parameters == set && day2.fileParametersHash == RiskParameters.conservative.hash)
        // The file changed since: its values win.
        let file = Self.with { $0.maxDailyTrades = 10 }
        let fresh = Risk.OpenDay.following(day1, account: T.account, date: next, at: next.at(hour: 9, minute: 0), parameters: file, startingEquity: nil)
        #expect(fresh.parameters == file && fresh.fileParametersHash == nil)
        // A day opened from the file records no file hash (its events are as before).
        if case .dayOpened(let opened) = decided(Risk.self, .openDay(fresh), Risk.initial).first {
            #expect(opened.fileParametersHash == nil)
        } else {
            Issue.record("no day opened")
        }
    }
}
