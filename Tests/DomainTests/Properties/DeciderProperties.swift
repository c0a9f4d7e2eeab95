import Foundation
import PropertyBased
import Testing

@testable import Domain

/// Properties of every decider over generated command scripts.
@Suite struct DeciderProperties {
    static let script = Gen.int(in: 0...99_999).array(of: 1...60)

    /// Runs a script, checking at each step that a retried command decides nothing, and returns the log
    /// and the state maintained incrementally.
    static func runChecked<D: Decider>(
        _: D.Type, _ script: [Int], from start: [D.Event] = [], command: (Int, Int, D.State) -> D.Command
    ) -> (log: [D.Event], state: D.State) {
        var state = D.fold(start)
        var log = start
        for (step, n) in script.enumerated() {
            let c = command(n, step, state)
            guard let events = try? D.decide(c, state) else { continue }
            state = D.fold(events, from: state)
            log += events
            // Idempotent: the command's effect is in the state, so running it again changes nothing.
            let retry = Result { () throws(D.Rejection) in try D.decide(c, state) }
            #expect((try? retry.get())?.isEmpty == true, "retry of \(c) gave \(retry)")
        }
        return (log, state)
    }

    /// Folding the log (split anywhere, and after a codec round trip) gives the incrementally kept state.
    static func checkFold<D: Decider>(_: D.Type, _ log: [D.Event], _ state: D.State, split: Int) where D.Event: LedgerEventConvertible {
        #expect(D.fold(log) == state)
        let cut = log.isEmpty ? 0 : split % (log.count + 1)
        #expect(D.fold(log[cut...], from: D.fold(log[..<cut])) == state)
        let decoded = log.compactMap { event -> D.Event? in
            guard let encoded = try? codec.encode(event) else { return nil }
            return try? codec.decode(D.Event.self, eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, payload: encoded.payload)
        }
        #expect(decoded.count == log.count)
        #expect(D.fold(decoded) == state)
    }

    @Test func orderFoldAndIdempotency() async {
        await propertyCheck(count: 200, input: Self.script, Gen.int(in: 0...1000)) { script, split in
            let (log, state) = Self.runChecked(Order.self, script, from: Scripts.orderStart) { n, step, _ in Scripts.orderCommand(n, step: step) }
            Self.checkFold(Order.self, log, state, split: split)
        }
    }

    @Test func positionFoldAndIdempotency() async {
        await propertyCheck(count: 200, input: Self.script, Gen.int(in: 0...1000)) { script, split in
            let (log, state) = Self.runChecked(Position.self, script) { n, step, _ in Scripts.positionCommand(n, step: step) }
            Self.checkFold(Position.self, log, state, split: split)
        }
    }

    @Test func riskFoldAndIdempotency() async {
        await propertyCheck(count: 200, input: Self.script, Gen.int(in: 0...1000)) { script, split in
            let (log, state) = Self.runChecked(Risk.self, script, from: [RiskFixtures.dayOpened]) { n, step, s in Scripts.riskCommand(n, step: step, state: s) }
            Self.checkFold(Risk.self, log, state, split: split)
        }
    }

    @Test func cycleFoldAndIdempotency() async {
        let commands: [Cycle.Command] = [
            CycleTests.start(), .recordScan(CycleTests.report(universe: 7)),
            .recordSignals([Cycle.SignalInput(signalID: "sig-1", rank: 1, proposal: T.proposal())], at: T.at(10, 2)),
            .completeStage(.scan, at: T.at(10, 1), itemCount: 2), .completeStage(.funnel, at: T.at(10, 1), itemCount: 1),
            .completeStage(.risk, at: T.at(10, 3), itemCount: 1), .completeStage(.rank, at: T.at(10, 3), itemCount: 1),
            .complete(at: T.at(15, 0), summary: nil), .stop(reason: "s", by: .system, at: T.at(11, 0)),
            .fail(stage: .orders, errorCode: "e", message: "m", at: T.at(11, 0)),
        ]
        await propertyCheck(count: 200, input: Gen.int(in: 0...(commands.count - 1)).array(of: 1...25), Gen.int(in: 0...100)) { script, split in
            let (log, state) = Self.runChecked(Cycle.self, [0] + script) { n, _, _ in commands[n] }
            Self.checkFold(Cycle.self, log, state, split: split)
        }
    }
}
